"""Dossiers of the demo campaign at every point a document cares about, driven through the real
procedure (workflows/): decided by the council for the director and for the province, not
selected, still posted and still being prepared. Shared by the document tests and their
browser test."""

from __future__ import annotations

from dataclasses import dataclass

from tests.common.procedure import Procedure

AGREE_ALL = ["agree"] * 7
TOO_FEW = ["agree"] * 3 + ["disagree"] * 4


@dataclass
class Decided:
    """The dossier ids by where they are."""

    for_director: int  # LDTT, passed the council: waits for the director's signature
    awarded: int  # LDTT, signed by the director
    for_province: int  # BKT, passed the council: the Tờ trình to the Chủ tịch UBND tỉnh
    not_selected: int  # LDTT, below the threshold
    posting: int  # LDTT, still posted (not yet before the council)
    preparing: int  # LDTT, still being prepared by the clerk
    session_id: int


def decided_dossiers(world: Procedure) -> Decided:
    """File six QLKH dossiers and drive them; return where each ended."""
    names = ("cb004", "cb011", "cb018", "cb025", "cb032", "cb039")
    for name in names:
        world.make_outstanding(name)
    world.give_awards("cb018", "CSTDCS", (2024, 2025))
    for_director = world.file("vanthu.qlkh", "cb004", "LDTT")
    awarded = world.file("vanthu.qlkh", "cb011", "LDTT")
    for_province = world.file("vanthu.qlkh", "cb018", "BKT")
    not_selected = world.file("vanthu.qlkh", "cb025", "LDTT")
    for dossier_id in (for_director, awarded, for_province, not_selected):
        world.to_council(dossier_id)
    world.end_posting()
    session_id = world.hold_session(
        {
            for_director: AGREE_ALL,
            awarded: AGREE_ALL,
            for_province: AGREE_ALL,
            not_selected: TOO_FEW,
        }
    )
    world.complete(
        "giamdoc",
        "director_decision",
        awarded,
        decision_no="120/QĐ-SKHCN",
        decision_date="2026-12-30",
        decision_note=None,
    )
    posting = world.file("vanthu.qlkh", "cb032", "LDTT")
    world.to_council(posting)
    preparing = world.file("vanthu.qlkh", "cb039", "LDTT")
    return Decided(
        for_director, awarded, for_province, not_selected, posting, preparing, session_id
    )

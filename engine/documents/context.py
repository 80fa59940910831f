"""What goes into each document, read from the database (read-only).

The minutes' tally counts sealed ballots grouped by dossier and vote; no query here selects a
member together with a vote, so no document can show how anyone voted.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import and_, func, or_, select
from sqlalchemy.orm import Session

from engine.domain import council as council_domain
from engine.domain import initiatives as initiatives_domain
from engine.domain.rules.titles import TITLES, is_emulation_title, title_codes, title_name
from engine.models import (
    Campaign,
    CouncilMember,
    CouncilSession,
    CouncilTerm,
    Dossier,
    OrgUnit,
    SealedBallot,
    User,
)
from engine.read.stats import format_number

Progress = Callable[[int, int], None]

POSITION_NAMES = {
    "chair": "Chủ tịch Hội đồng",
    "vice_chair": "Phó Chủ tịch Hội đồng",
    "secretary": "Ủy viên, Thư ký Hội đồng",
    "member": "Ủy viên",
}
# Stages a dossier reaches only when the council said yes.
_AFTER_COUNCIL = ("decision", "submission", "province")


class DocumentInputError(ValueError):
    """The request cannot make a document (no dossiers, unknown session)."""


def date_text(d: date) -> str:
    """Return "ngày 05 tháng 01 năm 2026": days under 10 and months 1–2 padded (NĐ 30/2020)."""
    month = f"{d.month:02d}" if d.month < 3 else str(d.month)
    return f"ngày {d.day:02d} tháng {month} năm {d.year}"


@dataclass(frozen=True)
class NomineeRow:
    """One line of a nominee list."""

    stt: int
    name: str
    position: str
    unit: str
    title: str
    achievements: str
    kind: str
    title_code: str

    def as_list(self) -> list[object]:
        """Return the row as the XLSX columns."""
        return [self.stt, self.name, self.position, self.unit, self.title, self.achievements]


NOMINEE_HEADERS = [
    "STT",
    "Họ và tên / Tên tập thể",
    "Chức vụ",
    "Đơn vị",
    "Danh hiệu / hình thức",
    "Tóm tắt thành tích",
]


def load_dossiers(session: Session, dossier_ids: Sequence[int]) -> list[Dossier]:
    """Return the dossiers in list order: by title (titles' order), unit, then nominee name."""
    if not dossier_ids:
        raise DocumentInputError("Chưa chọn hồ sơ nào.")
    dossiers = list(session.scalars(select(Dossier).where(Dossier.id.in_(dossier_ids))))
    if len(dossiers) != len(set(dossier_ids)):
        raise DocumentInputError("Có hồ sơ không tồn tại.")
    order = {code: i for i, code in enumerate(title_codes())}
    return sorted(
        dossiers,
        key=lambda d: (order.get(d.title_code, 99), d.nominee_kind, d.unit_id, d.nominee_search),
    )


def nominee_rows(
    session: Session, dossiers: Sequence[Dossier], progress: Progress | None = None
) -> list[NomineeRow]:
    """Return the nominee list rows, reporting progress per dossier."""
    units = {u.id: u.name for u in session.scalars(select(OrgUnit))}
    attached = initiatives_domain.attached_by_dossier(session, [d.id for d in dossiers])
    rows = []
    for index, dossier in enumerate(dossiers, start=1):
        rows.append(
            NomineeRow(
                stt=index,
                name=dossier.nominee_name,
                position=dossier.nominee_position or "",
                unit=units.get(dossier.unit_id, ""),
                title=title_name(dossier.title_code),
                achievements=_achievements(dossier, attached.get(dossier.id, [])),
                kind=dossier.nominee_kind,
                title_code=dossier.title_code,
            )
        )
        if progress:
            progress(index, len(dossiers))
    return rows


def _achievements(dossier: Dossier, initiatives: Sequence[str]) -> str:
    """The achievement summary, then the initiatives and research the dossier rests on."""
    text = (dossier.achievements or "").strip()
    if initiatives:
        lines = "\n".join(f"- {line}" for line in initiatives)
        text = f"{text}\n" if text else ""
        text += f"Sáng kiến, đề tài:\n{lines}"
    return text


def _by_title(rows: Sequence[NomineeRow]) -> list[dict[str, str]]:
    result = []
    for code in dict.fromkeys(r.title_code for r in rows):
        of_title = [r for r in rows if r.title_code == code]
        collective = sum(1 for r in of_title if r.kind == "collective")
        individual = len(of_title) - collective
        parts = [f"{format_number(collective)} tập thể"] if collective else []
        parts += [f"{format_number(individual)} cá nhân"] if individual else []
        prefix = "Danh hiệu “{}”" if is_emulation_title(code) else "{}"
        result.append({"name": prefix.format(title_name(code)), "text": ", ".join(parts)})
    return result


def _subject(session: Session, dossiers: Sequence[Dossier]) -> tuple[str, str]:
    campaign_ids = {d.campaign_id for d in dossiers}
    years = sorted({d.year for d in dossiers})
    campaigns = list(session.scalars(select(Campaign).where(Campaign.id.in_(campaign_ids))))
    year_text = ", ".join(map(str, years))
    if len(campaigns) == 1:
        phrase = f"trong {campaigns[0].name[0].lower()}{campaigns[0].name[1:]}"
    else:
        phrase = f"trong năm {year_text}"
    return f"năm {year_text}", phrase


def list_context(
    session: Session,
    dossier_ids: Sequence[int],
    agency: dict[str, Any],
    number: str = "",
    on: date | None = None,
    progress: Progress | None = None,
    recipient: str | None = None,
) -> dict[str, Any]:
    """Return the context shared by Tờ trình, Danh sách and Quyết định over some dossiers."""
    on = on or date.today()
    dossiers = load_dossiers(session, dossier_ids)
    rows = nominee_rows(session, dossiers, progress)
    subject, phrase = _subject(session, dossiers)
    collective = sum(1 for r in rows if r.kind == "collective")
    return {
        "agency": agency,
        "number": number or "      ",
        "date_text": date_text(on),
        "subject": subject,
        "campaign_phrase": phrase,
        "subtitle": f"(Kèm theo Tờ trình / Quyết định khen thưởng {subject})",
        "recipient": recipient or agency.get("recipient", ""),
        "rows": [vars(r) for r in rows],
        "row_objects": rows,
        "by_title": _by_title(rows),
        "totals": {"collective": collective, "individual": len(rows) - collective},
    }


def _result(dossier: Dossier) -> tuple[str, bool]:
    if dossier.status == "not_selected":
        return "Không đạt", False
    if dossier.stage in _AFTER_COUNCIL or dossier.status == "awarded":
        return "Đạt", True
    return "Chưa có kết quả", False


def minutes_context(
    session: Session, session_id: int, agency: dict[str, Any], number: str = ""
) -> dict[str, Any]:
    """Return the minutes of a council session: who attended, quorum, tally per dossier."""
    council = session.get(CouncilSession, session_id)
    if council is None:
        raise DocumentInputError(f"Không có phiên họp số {session_id}.")
    term = session.get(CouncilTerm, council.term_id)
    assert term is not None
    members = list(
        session.execute(
            select(CouncilMember.user_id, CouncilMember.position, User.full_name)
            .join(User, User.id == CouncilMember.user_id)
            .where(CouncilMember.term_id == term.id)
            .order_by(CouncilMember.id)
        )
    )
    # Participation only (who handed in a ballot sheet, in person or in writing), never a vote.
    participation = council_domain.participation(session, council.id)
    present = [m for m in members if m.user_id in participation and not participation[m.user_id]]
    written = [m for m in members if participation.get(m.user_id)]
    absent = [m for m in members if m.user_id not in participation]
    counts: dict[int, dict[str, int]] = {}
    for dossier_id, vote, n in session.execute(
        select(SealedBallot.dossier_id, SealedBallot.vote, func.count(SealedBallot.id))
        .where(SealedBallot.session_id == council.id)
        .group_by(SealedBallot.dossier_id, SealedBallot.vote)
    ):
        counts.setdefault(dossier_id, {})[vote] = n
    dossiers = load_dossiers(session, list(counts)) if counts else []
    units = {u.id: u.name for u in session.scalars(select(OrgUnit))}
    tally = []
    selected = 0
    # Recused as the tally counts them: who chose recusal, plus every member with a conflict of
    # interest on the dossier (the nominee, a member of the nominated collective), voting or not.
    conflicted: dict[int, set[int]] = {}
    for m in members:
        for dossier_id in council_domain.recused_dossiers(session, list(counts), m.user_id):
            conflicted.setdefault(dossier_id, set()).add(m.user_id)
    in_person, in_writing = council_domain.sealed_ballots(session, council.id)
    declared: dict[int, set[int]] = {}
    for user, ballot in {**in_person, **in_writing}.items():
        for d, vote in ballot.items():
            if vote in ("recuse", "recused") and user.isdigit():
                declared.setdefault(int(d), set()).add(int(user))
    for index, dossier in enumerate(dossiers, start=1):
        votes = counts[dossier.id]
        recused = len(conflicted.get(dossier.id, set()) | declared.get(dossier.id, set()))
        base = len(members) - recused
        agree = votes.get("agree", 0)
        result, passed = _result(dossier)
        selected += passed
        tally.append(
            {
                "stt": index,
                "name": dossier.nominee_name,
                "unit": units.get(dossier.unit_id, ""),
                "title": title_name(dossier.title_code),
                "agree": agree,
                "disagree": votes.get("disagree", 0),
                "recused": recused,
                "percent": _percent(agree, base),
                "result": result,
            }
        )
    by_position = {m.position: m.full_name for m in members}
    participants = len(present) + len(written)
    return {
        "agency": agency,
        "number": number or "      ",
        "date_text": date_text(council.meeting_date),
        "meeting_date_text": date_text(council.meeting_date),
        "term_name": term.name,
        "chair": by_position.get("chair", ""),
        "secretary": by_position.get("secretary", ""),
        "present": [
            {"stt": i, "name": m.full_name, "position": POSITION_NAMES.get(m.position, "")}
            for i, m in enumerate(present, start=1)
        ],
        "written_names": ", ".join(m.full_name for m in written),
        "absent_names": ", ".join(m.full_name for m in absent),
        "quorum": {
            "members": len(members),
            "present": len(present),
            "written": len(written),
            "absent": len(absent),
            "participants": participants,
            "percent": _percent(participants, len(members)),
        },
        "tally": tally,
        "selected_count": selected,
        "seal_hash": council.seal_hash or "—",
    }


def _percent(part: int, whole: int) -> str:
    if whole <= 0:
        return "—"
    return f"{part * 100 / whole:.1f}%".replace(".", ",")


#: Which dossiers a document is about (defect 5 of issue 15): the dossiers the council passed
#: whose title the director decides (his Quyết định), those whose title goes up to the Chủ tịch
#: UBND tỉnh (the Tờ trình), or the dossiers put to one council session. A dossier still being
#: prepared, reviewed, checked or posted is in none of them.
SCOPES: dict[str, str] = {
    "director": "Giám đốc Sở quyết định (đã qua Hội đồng)",
    "province": "Trình Chủ tịch UBND tỉnh (đã qua Hội đồng)",
    "session": "Hồ sơ của một phiên họp Hội đồng",
}
#: The scopes each document may be made for; the first is its default.
KIND_SCOPES: dict[str, tuple[str, ...]] = {
    "submission": ("province",),
    "decision": ("director",),
    "nominee_list": ("director", "province", "session"),
    "nominee_list_xlsx": ("director", "province", "session"),
}
# Waiting for the director's signature / being submitted or at the province: the council passed
# them. An awarded dossier passed the council too; "not_selected" and "not_approved" did not win.
_SCOPE_STAGES = {"director": ("decision",), "province": ("submission", "province")}


def _decided_by(scope: str) -> list[str]:
    wanted = ("director",) if scope == "director" else ("province", "central")
    return [t.code for t in TITLES if t.decided_by in wanted]


def dossier_ids_for(
    session: Session,
    kind: str,
    scope: str | None = None,
    *,
    campaign_id: int | None = None,
    session_id: int | None = None,
    title_code: str | None = None,
) -> list[int]:
    """Return the ids of the dossiers a document of ``kind`` is about, in ``scope``.

    ``director`` and ``province`` take a campaign's dossiers that passed the council and whose
    title the director decides, or the province (or the central level, through the province);
    ``session`` takes the dossiers on a council session's ballot sheet. ``title_code`` narrows
    either to one title. A scope the document cannot have, or a missing campaign or session,
    raises DocumentInputError.
    """
    allowed = KIND_SCOPES.get(kind)
    if allowed is None:
        raise DocumentInputError(f"Không có loại văn bản “{kind}”.")
    scope = scope or allowed[0]
    if scope not in allowed:
        raise DocumentInputError(
            f"Văn bản này chỉ lập cho: {'; '.join(SCOPES[s] for s in allowed)}."
        )
    if scope == "session":
        council = session.get(CouncilSession, session_id) if session_id else None
        if council is None:
            raise DocumentInputError("Chọn một phiên họp Hội đồng.")
        ids = [int(i) for i in council.dossier_ids]
        if title_code:
            ids = list(
                session.scalars(
                    select(Dossier.id).where(Dossier.id.in_(ids), Dossier.title_code == title_code)
                )
            )
        return sorted(ids)
    if campaign_id is None or session.get(Campaign, campaign_id) is None:
        raise DocumentInputError("Chọn đợt thi đua.")
    passed = or_(
        and_(Dossier.status == "active", Dossier.stage.in_(_SCOPE_STAGES[scope])),
        Dossier.status == "awarded",
    )
    query = select(Dossier.id).where(
        Dossier.campaign_id == campaign_id,
        Dossier.title_code.in_(_decided_by(scope)),
        passed,
    )
    if title_code:
        query = query.where(Dossier.title_code == title_code)
    return list(session.scalars(query.order_by(Dossier.id)))


_NUMBER = re.compile(r"\d{1,6}")


def document_number(raw: str | None, code: str | None, symbol: str) -> str:
    """Return the bare number of a document ("45") from what was typed ("45", "45/TTr-SKHCN").

    The templates print ``{{ number }}/TTr-{{ agency.symbol }}``, so a typed suffix would be
    printed twice (defect 6): the suffix of this very document is dropped, another one (a
    "/QĐ-…" number on a Tờ trình) is refused, and a number is digits only (NĐ 30/2020, Phụ lục
    I: số của văn bản là số thứ tự bằng chữ số Ả Rập).
    """
    text = (raw or "").strip()
    if not text:
        return ""
    head, slash, tail = text.partition("/")
    expected = f"{code}-{symbol}" if code else None
    if slash and (expected is None or tail.replace(" ", "").casefold() != expected.casefold()):
        suffix = f" /{expected}" if expected else ""
        raise DocumentInputError(
            f"Số văn bản “{text}” không đúng: chỉ ghi số (ví dụ 45); ký hiệu{suffix} được "
            "thêm tự động."
        )
    head = head.strip()
    if not _NUMBER.fullmatch(head):
        raise DocumentInputError(
            f"Số văn bản “{text}” không đúng: chỉ ghi số (ví dụ 45), tối đa 6 chữ số."
        )
    return head

"""Figures an administrator sets where the legal basis leaves them to the agency.

The DMN tables (workflows/vote_rule.dmn) hold what the law fixes and mark the rest unconfirmed;
an administrator's RuleSetting rows fill those gaps, and say who set them and on what authority.
A row the DMN already confirms is never overridden: the law wins over a setting.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.models import RuleSetting

#: The vote-rule figures an administrator may set, with what each means.
VOTE_RULE_KEYS: dict[str, str] = {
    "threshold_percent": "Tỷ lệ phiếu đồng ý cần đạt (%)",
    "threshold_base": "Tính trên: all_members (tổng số thành viên) hoặc present (số có mặt)",
    "threshold_strict": "Phải vượt (true) hay chỉ cần đạt (false) tỷ lệ",
    "quorum_percent": "Tỷ lệ thành viên tham dự tối thiểu (%), ví dụ 200/3 cho hai phần ba",
}
QUOTA_KEY = "cstdcs_quota_percent"


def settings_for(session: Session, legal_bases: set[str]) -> dict[tuple[str, str, str], Any]:
    """Return {(legal basis, title code or "*", key): value} for the given bases."""
    rows = session.scalars(select(RuleSetting).where(RuleSetting.legal_basis.in_(legal_bases)))
    return {(r.legal_basis, r.title_code, r.key): r.value for r in rows}


def _lookup(settings: Mapping[tuple[str, str, str], Any], basis: str, title: str, key: str) -> Any:
    for scope in (title, "*"):
        if (basis, scope, key) in settings:
            return settings[(basis, scope, key)]
    return None


def fill_vote_rules(
    settings: Mapping[tuple[str, str, str], Any],
    dossiers: Sequence[Mapping[str, Any]],
    vote_rules: Sequence[Mapping[str, Any]],
) -> list[dict[str, Any]]:
    """Return the DMN's vote rules with unconfirmed rows completed from the settings.

    A row becomes confirmed only when every figure is set for its basis and title; otherwise it
    stays unconfirmed, so the session stops before any ballot instead of guessing.
    """
    filled: list[dict[str, Any]] = []
    for dossier, rule in zip(dossiers, vote_rules, strict=True):
        row = dict(rule)
        if not row.get("confirmed"):
            values = {
                key: _lookup(settings, dossier["legal_basis"], dossier["title_code"], key)
                for key in VOTE_RULE_KEYS
            }
            if all(v is not None for v in values.values()):
                row.update(values, confirmed=True, source="agency_setting")
        filled.append(row)
    return filled


def cstdcs_quota_percent(settings: Mapping[tuple[str, str, str], Any], basis: str) -> Any:
    """Return the CSTĐ cơ sở quota (% of the unit's LĐTT) the agency set for ``basis``, or None."""
    return _lookup(settings, basis, "CSTDCS", QUOTA_KEY)

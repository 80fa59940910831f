"""Figures an administrator sets where the legal basis leaves them to the agency.

The DMN tables (workflows/vote_rule.dmn) hold what the law fixes and mark the rest unconfirmed;
an administrator's RuleSetting rows fill those gaps, and say who set them and on what authority.
A row the DMN already confirms is never overridden: the law wins over a setting.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from fractions import Fraction
from typing import Any
from xml.etree import ElementTree

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.errors import ValidationFailed
from engine.models import RuleSetting
from engine.models.base import utcnow

#: The vote-rule figures an administrator may set, with what each means.
VOTE_RULE_KEYS: dict[str, str] = {
    "threshold_percent": "Tỷ lệ phiếu đồng ý cần đạt (%)",
    "threshold_base": "Tính trên: all_members (tổng số thành viên) hoặc present (số có mặt)",
    "threshold_strict": "Phải vượt (true) hay chỉ cần đạt (false) tỷ lệ",
    "quorum_percent": "Tỷ lệ thành viên tham dự tối thiểu (%), ví dụ 200/3 cho hai phần ba",
}
QUOTA_KEY = "cstdcs_quota_percent"
#: How long a dossier is posted for comments before the council (engine.domain.dossiers).
POSTING_KEY = "posting_days"
#: The longest posting period an administrator may set, in working days.
MAX_POSTING_DAYS = 60
#: Every key an administrator may set, with what it means.
SETTING_KEYS: dict[str, str] = VOTE_RULE_KEYS | {
    QUOTA_KEY: "Tỷ lệ Chiến sĩ thi đua cơ sở tối đa trên số Lao động tiên tiến của đơn vị (%)",
    POSTING_KEY: "Số ngày làm việc công khai hồ sơ trước khi họp Hội đồng",
}


def parse_value(key: str, raw: str) -> Any:
    """Return the typed value of a setting typed into a form; ValidationFailed if it is wrong."""
    text = (raw or "").strip()
    problem = None
    value: Any = None
    if key not in SETTING_KEYS:
        raise ValidationFailed("Khóa thiết lập không hợp lệ.", {"key": "Khóa không hợp lệ."})
    if key == "threshold_base":
        value = text
        if text not in ("all_members", "present"):
            problem = "Nhập all_members hoặc present."
    elif key == POSTING_KEY:
        value = int(text) if text.isdigit() else None
        if value is None or not 1 <= value <= MAX_POSTING_DAYS:
            problem = f"Nhập số ngày làm việc từ 1 đến {MAX_POSTING_DAYS}."
    elif key == "threshold_strict":
        value = text.lower() == "true"
        if text.lower() not in ("true", "false"):
            problem = "Nhập true hoặc false."
    else:
        value, problem = _percent(text)
    if problem:
        raise ValidationFailed(f"{SETTING_KEYS[key]}: {problem}", {"value": problem})
    return value


def _percent(text: str) -> tuple[Any, str | None]:
    # A fraction such as "200/3" is kept as text: the tally compares it exactly.
    match = re.fullmatch(r"(\d+(?:\.\d+)?)(?:/(\d+))?", text)
    if match is None:
        return None, "Nhập một số từ 0 đến 100, hoặc một phân số như 200/3."
    number = Fraction(match.group(1)) / Fraction(match.group(2) or 1)
    if match.group(2) == "0" or not 0 <= number <= 100:
        return None, "Tỷ lệ phải từ 0 đến 100."
    if match.group(2):
        return text, None
    return (int(number) if number.denominator == 1 else float(number)), None


def save_setting(
    session: Session,
    legal_basis: str,
    title_code: str,
    key: str,
    value: Any,
    citation: str,
    by_id: int | None,
) -> tuple[RuleSetting, Any]:
    """Store a setting in the caller's transaction; return it and the value it replaced."""
    row = session.scalar(
        select(RuleSetting).where(
            RuleSetting.legal_basis == legal_basis,
            RuleSetting.title_code == title_code,
            RuleSetting.key == key,
        )
    )
    previous = None
    if row is None:
        row = RuleSetting(legal_basis=legal_basis, title_code=title_code, key=key)
        session.add(row)
    else:
        previous = row.value
    row.value, row.citation, row.set_by, row.set_at = value, citation, by_id, utcnow()
    session.flush()
    return row, previous


@dataclass(frozen=True)
class DecisionRow:
    """One row of a DMN decision table as the rules page shows it, with the article it cites."""

    rule_id: str
    inputs: list[str]
    outputs: dict[str, str]
    citation: str


@dataclass(frozen=True)
class DecisionTable:
    decision_id: str
    name: str
    input_labels: list[str]
    output_names: list[str]
    output_labels: list[str]
    rows: list[DecisionRow]


def decision_tables(dmn_xml: str) -> list[DecisionTable]:
    """Read the decision tables of a DMN file: inputs, outputs and each row's description."""
    root = ElementTree.fromstring(dmn_xml)  # noqa: S314 - deployed DMN is a trusted artefact
    ns = {"d": root.tag.partition("}")[0].lstrip("{")}
    tables = []
    for decision in root.findall("d:decision", ns):
        table = decision.find("d:decisionTable", ns)
        if table is None:
            continue
        outputs = table.findall("d:output", ns)
        names = [o.get("name") or o.get("id") or "" for o in outputs]
        rows = []
        for rule in table.findall("d:rule", ns):
            cells = [
                (e.findtext("d:text", "", ns) or "").strip()
                for e in rule.findall("d:inputEntry", ns)
            ]
            values = [
                (e.findtext("d:text", "", ns) or "").strip()
                for e in rule.findall("d:outputEntry", ns)
            ]
            rows.append(
                DecisionRow(
                    rule_id=rule.get("id") or "",
                    inputs=cells,
                    outputs=dict(zip(names, values, strict=False)),
                    citation=(rule.findtext("d:description", "", ns) or "").strip(),
                )
            )
        tables.append(
            DecisionTable(
                decision_id=decision.get("id") or "",
                name=decision.get("name") or "",
                input_labels=[i.get("label") or "" for i in table.findall("d:input", ns)],
                output_names=names,
                output_labels=[o.get("label") or "" for o in outputs],
                rows=rows,
            )
        )
    return tables


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

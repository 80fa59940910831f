"""The legal bases a dossier can be judged under."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from engine.text import N_


@dataclass(frozen=True)
class LegalBasis:
    """A decree that details the Law on Emulation and Commendation."""

    code: str
    name: str
    effective_from: date


ND91_2017 = LegalBasis(
    code="ND91_2017",
    name=N_("Nghị định 91/2017/NĐ-CP (hướng dẫn Luật Thi đua, khen thưởng 2003, sửa đổi 2013)"),
    effective_from=date(2017, 10, 1),
)
ND98_2023 = LegalBasis(
    code="ND98_2023",
    name=N_("Nghị định 98/2023/NĐ-CP (hướng dẫn Luật Thi đua, khen thưởng 2022)"),
    effective_from=date(2024, 1, 1),
)
ND152_2025 = LegalBasis(
    code="ND152_2025",
    name=N_("Nghị định 152/2025/NĐ-CP (hướng dẫn Luật Thi đua, khen thưởng 2022)"),
    effective_from=date(2025, 7, 1),
)

LEGAL_BASES: tuple[LegalBasis, ...] = (ND91_2017, ND98_2023, ND152_2025)
BY_CODE: dict[str, LegalBasis] = {basis.code: basis for basis in LEGAL_BASES}


class UnknownLegalBasisError(ValueError):
    """Raised for a legal basis code or date no basis covers."""


def get_basis(code: str) -> LegalBasis:
    """Return the legal basis with this code."""
    try:
        return BY_CODE[code]
    except KeyError:
        raise UnknownLegalBasisError(
            N_("Căn cứ pháp lý không xác định: %(code)s", code=repr(code))
        ) from None


def basis_for(day: date) -> LegalBasis:
    """Return the legal basis in force on the given day."""
    in_force = [basis for basis in LEGAL_BASES if basis.effective_from <= day]
    if not in_force:
        raise UnknownLegalBasisError(
            N_("Không có căn cứ pháp lý nào có hiệu lực ngày %(day)s", day=day)
        )
    return max(in_force, key=lambda basis: basis.effective_from)

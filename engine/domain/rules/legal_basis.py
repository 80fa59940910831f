"""The legal bases a dossier can be judged under, their periods and the articles they cite.

All of it is data (docs/legal-basis.md says which text each figure was read from and what is
still unconfirmed). A basis is a decree with the law it details; it is in force from
``effective_from`` up to the day before the next one.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from engine.text import N_

LAW_2003 = "Luật TĐKT 2003 (sửa đổi 2013)"
LAW_2022 = "Luật TĐKT 2022"


@dataclass(frozen=True)
class LegalBasis:
    """A decree that details the Law on Emulation and Commendation."""

    code: str
    name: str
    effective_from: date
    #: The law the decree details, as citations name it.
    law: str = LAW_2022
    #: The decree as citations name it.
    decree: str = ""


ND91_2017 = LegalBasis(
    code="ND91_2017",
    name=N_("Nghị định 91/2017/NĐ-CP (hướng dẫn Luật Thi đua, khen thưởng 2003, sửa đổi 2013)"),
    effective_from=date(2017, 10, 1),
    law=LAW_2003,
    decree="NĐ 91/2017",
)
ND98_2023 = LegalBasis(
    code="ND98_2023",
    name=N_("Nghị định 98/2023/NĐ-CP (hướng dẫn Luật Thi đua, khen thưởng 2022)"),
    effective_from=date(2024, 1, 1),
    decree="NĐ 98/2023",
)
ND152_2025 = LegalBasis(
    code="ND152_2025",
    name=N_("Nghị định 152/2025/NĐ-CP (hướng dẫn Luật Thi đua, khen thưởng 2022)"),
    effective_from=date(2025, 7, 1),
    decree="NĐ 152/2025",
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


def effective_until(basis: LegalBasis) -> date | None:
    """Return the last day the basis is in force (None: still in force)."""
    later = [b.effective_from for b in LEGAL_BASES if b.effective_from > basis.effective_from]
    if not later:
        return None
    following = min(later)
    return date.fromordinal(following.toordinal() - 1)


def bases_for_period(start: date, end: date) -> list[LegalBasis]:
    """Return the bases in force on some day from ``start`` to ``end`` (the transition rule).

    A campaign that runs across a change of decree may be judged under either: the agency's
    reading of the transition provisions (docs/legal-basis.md, "Transition").
    """
    result = []
    for basis in LEGAL_BASES:
        until = effective_until(basis)
        if basis.effective_from <= end and (until is None or until >= start):
            result.append(basis)
    return result


def period_error(code: str, start: date, end: date) -> str | None:
    """Return why the basis does not fit the period from ``start`` to ``end`` (None: it fits)."""
    basis = get_basis(code)
    fitting = bases_for_period(start, end)
    if basis in fitting:
        return None
    until = effective_until(basis)
    span = f"từ {basis.effective_from:%d/%m/%Y}" + (f" đến {until:%d/%m/%Y}" if until else "")
    allowed = ", ".join(b.decree for b in fitting) or "không có căn cứ nào trong danh mục"
    return (
        f"{basis.decree} có hiệu lực {span}, không áp dụng cho giai đoạn "
        f"{start:%d/%m/%Y}–{end:%d/%m/%Y}; căn cứ phù hợp: {allowed}"
    )


@dataclass(frozen=True)
class Article:
    """Where a title's criteria are written under one law, and whether it was confirmed."""

    law_article: str
    decree_article: str = ""
    #: Read from a public text (docs/legal-basis.md names it); False: to be checked by a lawyer.
    confirmed: bool = False


#: (law, title) → the article of that law (and of its decree) that sets the title's criteria.
ARTICLES: dict[tuple[str, str], Article] = {
    (LAW_2003, "LDTT"): Article("Điều 24", "Điều 9"),
    (LAW_2003, "CSTDCS"): Article("Điều 23", "Điều 9 khoản 3", confirmed=True),
    (LAW_2003, "CSTDT"): Article("Điều 22"),
    (LAW_2003, "TTLDTT"): Article("Điều 28", confirmed=True),
    (LAW_2003, "TTLDXS"): Article("Điều 27"),
    (LAW_2003, "GK"): Article("Điều 75"),
    (LAW_2003, "BKT"): Article("Điều 72"),
    (LAW_2003, "BKTTG"): Article("Điều 71"),
    (LAW_2003, "HCLD3"): Article("Điều 45"),
    (LAW_2022, "LDTT"): Article("Điều 24"),
    (LAW_2022, "CSTDCS"): Article("Điều 23", confirmed=True),
    (LAW_2022, "CSTDT"): Article("Điều 22"),
    (LAW_2022, "TTLDTT"): Article("Điều 28"),
    (LAW_2022, "TTLDXS"): Article("Điều 27", confirmed=True),
    (LAW_2022, "GK"): Article("Điều 75"),
    (LAW_2022, "BKT"): Article("Điều 74"),
    (LAW_2022, "BKTTG"): Article("Điều 73"),
    (LAW_2022, "HCLD3"): Article("Điều 44"),
}


def citation(basis_code: str, title_code: str) -> str:
    """Return the citation of a title's criteria under a basis, e.g.
    "Luật TĐKT 2003 (sửa đổi 2013) Điều 23; NĐ 91/2017 Điều 9 khoản 3"; an article not yet
    confirmed from a public text says so."""
    basis = get_basis(basis_code)
    article = ARTICLES.get((basis.law, title_code))
    if article is None:
        return f"{basis.law}; {basis.decree}"
    text = f"{basis.law} {article.law_article}; {basis.decree}"
    if article.decree_article:
        text += f" {article.decree_article}"
    # The laws' names and articles are cited as they are; the note that an article is not yet
    # confirmed is a message (shown in the reader's language).
    return text if article.confirmed else N_("%(citation)s [chưa xác nhận]", citation=text)

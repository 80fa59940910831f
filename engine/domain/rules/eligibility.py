"""Check a nominee's prerequisites for a title from the award history.

The criteria follow DESIGN.md "Titles and forms" (Luật Thi đua, khen thưởng 2022) and, for
dossiers judged under NĐ 91/2017, the older rule that a recognised initiative is mandatory for
Chiến sĩ thi đua cơ sở. A criterion that cannot be decided from the data is reported as unmet with
a reason that says a person must verify it, so nothing passes on a silent guess; the engine's
``overridden`` flag is how a secretariat lets such a dossier through.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Literal

from engine.domain.rules.legal_basis import LAW_2003, citation, get_basis
from engine.domain.rules.titles import get_title
from engine.text import N_, Message, message_data

Rating = Literal["excellent", "good", "complete", "incomplete"]
_RATING_ORDER: dict[str, int] = {"incomplete": 0, "complete": 1, "good": 2, "excellent": 3}
_RATING_LABEL: dict[str, str] = {
    "excellent": N_("hoàn thành xuất sắc nhiệm vụ"),
    "good": N_("hoàn thành tốt nhiệm vụ"),
    "complete": N_("hoàn thành nhiệm vụ"),
    "incomplete": N_("không hoàn thành nhiệm vụ"),
}


@dataclass(frozen=True)
class AwardRecord:
    """One award the nominee received: the year it was for and the title code."""

    year: int
    title_code: str


@dataclass(frozen=True)
class YearFacts:
    """What is known about one year of the nominee's work."""

    year: int
    rating: Rating
    initiatives: int = 0
    """Initiatives (sáng kiến) or accepted research recognised for that year."""
    initiative_scope: Literal["unit", "province", "national"] | None = None
    """The widest scope of effect recognised for that year's initiatives."""
    disciplined: bool = False
    """A discipline (kỷ luật) was in effect during that year."""


@dataclass(frozen=True)
class Nominee:
    """The nominee as the dossier describes it."""

    kind: Literal["individual", "collective"]
    campaign_year: int
    pending_titles: frozenset[str] = frozenset()
    """Titles nominated for the same year in the same campaign (e.g. LDTT with CSTDCS)."""


@dataclass(frozen=True)
class History:
    """The nominee's award history and yearly facts."""

    awards: Sequence[AwardRecord] = ()
    years: Sequence[YearFacts] = ()

    def has(self, title_code: str, year: int) -> bool:
        """Return whether the nominee holds this title for this year."""
        return any(a.title_code == title_code and a.year == year for a in self.awards)

    def facts(self, year: int) -> YearFacts | None:
        """Return the facts recorded for this year, if any."""
        return next((f for f in self.years if f.year == year), None)

    def last_year_of(self, title_code: str, before: int) -> int | None:
        """Return the latest year before ``before`` in which the title was awarded."""
        years = [a.year for a in self.awards if a.title_code == title_code and a.year < before]
        return max(years) if years else None


@dataclass(frozen=True)
class UnitStats:
    """Figures of a collective nominee for the campaign year (used by TTLDXS)."""

    members: int
    complete_duties: int
    ldtt: int
    cstdcs: int
    disciplined: int = 0


@dataclass(frozen=True)
class Criterion:
    """One prerequisite, whether it was met, and the article it comes from."""

    description: str
    citation: str
    met: bool
    reason: str = ""


@dataclass(frozen=True)
class EligibilityResult:
    """The outcome of a check: eligible only when every criterion is met."""

    eligible: bool
    unmet: list[str]
    checked: list[Criterion] = field(default_factory=list)

    def to_task_data(self, overridden: bool = False) -> dict[str, object]:
        """Return the ``eligibility`` value a nomination instance starts with."""
        return {"eligible": self.eligible, "unmet": list(self.unmet), "overridden": overridden}

    def to_record(self, overridden: bool = False) -> dict[str, object]:
        """Return what a dossier keeps of the check: the task data, the criteria checked, and
        the unmet reasons and criteria as messages (``unmet_messages``, ``checked_messages``:
        ``engine.text.message_data``) so that each reader sees them in their own language."""
        return {
            **self.to_task_data(overridden),
            "checked": [c.description for c in self.checked],
            "unmet_messages": [message_data(text) for text in self.unmet],
            "checked_messages": [message_data(c.description) for c in self.checked],
        }


class _Checker:
    def __init__(self, nominee: Nominee, history: History, basis: str, title: str) -> None:
        self.basis = basis
        self.law = get_basis(basis).law
        self.cite = citation(basis, title)
        self.nominee = nominee
        self.history = history
        self.year = nominee.campaign_year
        self.checked: list[Criterion] = []

    def add(self, description: str, citation: str, met: bool, reason: str) -> None:
        self.checked.append(Criterion(description, citation, met, "" if met else reason))

    def holds(self, title_code: str, year: int) -> bool:
        pending = year == self.year and title_code in self.nominee.pending_titles
        return pending or self.history.has(title_code, year)

    def consecutive(self, predicate: Callable[[int], bool], count: int, last: int) -> bool:
        return all(predicate(y) for y in range(last - count + 1, last + 1))

    def rating_at_least(self, year: int, minimum: Rating) -> bool:
        facts = self.history.facts(year)
        return facts is not None and _RATING_ORDER[facts.rating] >= _RATING_ORDER[minimum]

    def initiatives(self, years: Iterable[int]) -> int:
        return sum(f.initiatives for y in years if (f := self.history.facts(y)) is not None)

    def require_rating(self, minimum: Rating, citation: str) -> None:
        label = _RATING_LABEL[minimum]
        facts = self.history.facts(self.year)
        if facts is None:
            reason = N_("Chưa có kết quả đánh giá, xếp loại năm %(year)s", year=self.year)
        else:
            reason = N_(
                "Năm %(year)s được đánh giá %(rating)s, chưa đạt mức %(label)s trở lên",
                year=self.year,
                rating=_RATING_LABEL[facts.rating],
                label=label,
            )
        met = self.rating_at_least(self.year, minimum)
        self.add(
            N_("Năm %(year)s: %(label)s trở lên", year=self.year, label=label),
            citation,
            met,
            reason,
        )


def _not_disciplined(c: _Checker) -> None:
    facts = c.history.facts(c.year)
    c.add(
        N_("Không bị kỷ luật trong năm %(year)s", year=c.year),
        c.cite,
        facts is None or not facts.disciplined,
        N_("Năm %(year)s đang chịu hình thức kỷ luật", year=c.year),
    )


def _ldtt(c: _Checker, basis: str) -> None:
    c.require_rating("good", c.cite)
    _not_disciplined(c)


def _cstdcs(c: _Checker, basis: str) -> None:
    y = c.year
    c.add(
        N_("Đạt danh hiệu Lao động tiên tiến năm %(y)s", y=y),
        c.cite,
        c.holds("LDTT", y),
        N_(
            "Chưa đạt (hoặc chưa được đề nghị cùng đợt) danh hiệu Lao động tiên tiến năm %(y)s", y=y
        ),
    )
    if c.law == LAW_2003:
        c.add(
            N_("Có sáng kiến được công nhận năm %(y)s (bắt buộc)", y=y),
            c.cite,
            c.initiatives([y]) >= 1,
            N_(
                "Theo NĐ 91/2017, Chiến sĩ thi đua cơ sở bắt buộc có sáng kiến được công nhận; "
                "năm %(y)s chưa có sáng kiến nào được công nhận",
                y=y,
            ),
        )
        return
    # Luật 2022 Điều 23 khoản 2: excellent completion of duties, or a recognised initiative or
    # accepted research (confirmed, docs/legal-basis.md): either one meets it.
    has_initiative = c.initiatives([y]) >= 1
    excellent = c.rating_at_least(y, "excellent")
    c.add(
        N_(
            "Năm %(y)s: hoàn thành xuất sắc nhiệm vụ hoặc có sáng kiến/đề tài được công nhận",
            y=y,
        ),
        c.cite,
        excellent or has_initiative,
        N_(
            "Năm %(y)s chưa hoàn thành xuất sắc nhiệm vụ và chưa có sáng kiến, đề tài được công "
            "nhận",
            y=y,
        ),
    )


def _cstdt(c: _Checker, basis: str) -> None:
    y = c.year

    def cstdcs(year: int) -> bool:
        return c.holds("CSTDCS", year)

    # The third consecutive year may be the campaign year when it is nominated in the same round.
    last = y if cstdcs(y) else y - 1
    window = range(last - 2, last + 1)
    c.add(
        N_("Ba lần liên tục đạt danh hiệu Chiến sĩ thi đua cơ sở"),
        c.cite,
        c.consecutive(cstdcs, 3, last),
        N_(
            "Chưa đủ 3 năm liên tục đạt Chiến sĩ thi đua cơ sở (đã xét các năm %(first)s–%(last)s)",
            first=window.start,
            last=window.stop - 1,
        ),
    )
    wide = any(
        (f := c.history.facts(year)) is not None and f.initiative_scope in ("province", "national")
        for year in window
    )
    c.add(
        N_("Có sáng kiến/đề tài có phạm vi ảnh hưởng trong toàn tỉnh"),
        c.cite,
        wide,
        N_(
            "Chưa có sáng kiến, đề tài được công nhận có phạm vi ảnh hưởng trong toàn tỉnh "
            "trong các năm %(first)s–%(last)s",
            first=window.start,
            last=window.stop - 1,
        ),
    )


def _no_disciplined_member(c: _Checker, stats: UnitStats) -> None:
    c.add(
        N_("Không có cá nhân bị kỷ luật từ hình thức cảnh cáo trở lên"),
        c.cite,
        stats.disciplined == 0,
        N_(
            "Có %(count)s cá nhân bị kỷ luật trong năm %(year)s",
            count=stats.disciplined,
            year=c.year,
        ),
    )


def _ttldtt(c: _Checker, basis: str, stats: UnitStats | None) -> None:
    c.require_rating("good", c.cite)
    if c.law != LAW_2003:
        return
    # Luật 2003 (sửa đổi 2013) Điều 28: over 50 % LĐTT and nobody disciplined (warning or more).
    if stats is None:
        c.add(
            N_("Số liệu của tập thể (quân số, LĐTT, kỷ luật)"),
            c.cite,
            False,
            N_("Chưa có số liệu của tập thể để kiểm tra tỷ lệ LĐTT"),
        )
        return
    c.add(
        N_("Trên 50% cá nhân đạt danh hiệu Lao động tiên tiến"),
        c.cite,
        stats.members > 0 and stats.ldtt * 2 > stats.members,
        N_(
            "Mới có %(count)s/%(members)s cá nhân đạt Lao động tiên tiến (yêu cầu trên 50%%)",
            count=stats.ldtt,
            members=stats.members,
        ),
    )
    _no_disciplined_member(c, stats)


def _ttldxs(c: _Checker, basis: str, stats: UnitStats | None) -> None:
    citation = c.cite
    c.require_rating("excellent", citation)
    if stats is None:
        c.add(
            N_("Số liệu của tập thể (quân số, LĐTT, CSTĐCS)"),
            citation,
            False,
            N_("Chưa có số liệu của tập thể để kiểm tra tỷ lệ hoàn thành nhiệm vụ và LĐTT"),
        )
        return
    c.add(
        N_("100% cá nhân trong tập thể hoàn thành nhiệm vụ"),
        citation,
        stats.members > 0 and stats.complete_duties == stats.members,
        N_(
            "Mới có %(count)s/%(members)s cá nhân hoàn thành nhiệm vụ (yêu cầu 100%%)",
            count=stats.complete_duties,
            members=stats.members,
        ),
    )
    c.add(
        N_("Ít nhất 70% cá nhân đạt danh hiệu Lao động tiên tiến"),
        citation,
        stats.members > 0 and stats.ldtt * 100 >= 70 * stats.members,
        N_(
            "Mới có %(count)s/%(members)s cá nhân đạt Lao động tiên tiến (yêu cầu từ 70%%)",
            count=stats.ldtt,
            members=stats.members,
        ),
    )
    c.add(
        N_("Có cá nhân đạt danh hiệu Chiến sĩ thi đua cơ sở"),
        citation,
        stats.cstdcs >= 1,
        N_("Chưa có cá nhân nào đạt danh hiệu Chiến sĩ thi đua cơ sở"),
    )
    if c.law == LAW_2003:
        # Luật 2022 Điều 27 no longer lists it; the 2003 law's Điều 27 did.
        _no_disciplined_member(c, stats)


def _gk(c: _Checker, basis: str) -> None:
    c.require_rating("good", f"{c.cite}; quy chế TĐKT của Sở")


def _bkt(c: _Checker, basis: str) -> None:
    y = c.year
    citation = c.cite

    def excellent(year: int) -> bool:
        return c.rating_at_least(year, "excellent")

    if c.nominee.kind == "collective":
        c.add(
            N_("Hai năm liên tục hoàn thành xuất sắc nhiệm vụ"),
            citation,
            c.consecutive(excellent, 2, y),
            N_(
                "Chưa hoàn thành xuất sắc nhiệm vụ 2 năm liên tục (%(first)s–%(y)s)",
                first=y - 1,
                y=y,
            ),
        )
        return

    def cstdcs(year: int) -> bool:
        return c.holds("CSTDCS", year)

    two_cstdcs = c.consecutive(cstdcs, 2, y) or c.consecutive(cstdcs, 2, y - 1)
    excellent_with_initiatives = c.consecutive(excellent, 2, y) and c.initiatives([y - 1, y]) >= 2
    c.add(
        N_(
            "Hai lần liên tục đạt Chiến sĩ thi đua cơ sở, hoặc 2 năm liên tục hoàn thành xuất "
            "sắc nhiệm vụ và có 2 sáng kiến được công nhận"
        ),
        citation,
        two_cstdcs or excellent_with_initiatives,
        N_(
            "Chưa có 2 lần liên tục đạt Chiến sĩ thi đua cơ sở, cũng chưa có 2 năm liên tục "
            "(%(first)s–%(y)s) hoàn thành xuất sắc nhiệm vụ kèm 2 sáng kiến được công nhận",
            first=y - 1,
            y=y,
        ),
    )


def _since_award(
    c: _Checker, prerequisite: str, prerequisite_name: str, minimum: Rating, citation: str
) -> None:
    y = c.year
    since = c.history.last_year_of(prerequisite, before=y)
    c.add(
        N_("Đã được tặng %(prerequisite_name)s", prerequisite_name=prerequisite_name),
        citation,
        since is not None,
        N_("Chưa được tặng %(prerequisite_name)s", prerequisite_name=prerequisite_name),
    )
    if since is None:
        return
    years = range(since + 1, y + 1)
    label = _RATING_LABEL[minimum]
    c.add(
        N_(
            "Từ 5 năm liên tục trở lên %(label)s kể từ khi được tặng %(prerequisite_name)s",
            label=label,
            prerequisite_name=prerequisite_name,
        ),
        citation,
        len(years) >= 5 and all(c.rating_at_least(year, minimum) for year in years),
        N_(
            "Từ năm %(since)s đến %(y)s chưa đủ 5 năm liên tục %(label)s",
            since=since + 1,
            y=y,
            label=label,
        ),
    )
    if c.nominee.kind == "individual":
        count = sum(1 for year in years if c.holds("CSTDCS", year))
        c.add(
            N_(
                "Trong thời gian đó có 3 lần đạt Chiến sĩ thi đua cơ sở (từ %(since)s)",
                since=since + 1,
            ),
            citation,
            count >= 3,
            N_(
                "Từ năm %(since)s đến %(y)s mới có %(count)s lần đạt Chiến sĩ thi đua cơ sở "
                "(cần 3)",
                since=since + 1,
                y=y,
                count=count,
            ),
        )
    else:
        c.add(
            N_("Tiêu chí tương đương 3 lần Chiến sĩ thi đua cơ sở đối với tập thể"),
            citation,
            False,
            N_(
                "Tiêu chí cho tập thể chưa được cơ quan xác nhận: thư ký Hội đồng phải xác minh "
                "và cho phép xét tiếp nếu đạt"
            ),
        )


def _bkttg(c: _Checker, basis: str) -> None:
    _since_award(c, "BKT", N_("Bằng khen của Chủ tịch UBND tỉnh"), "good", c.cite)


def _hcld3(c: _Checker, basis: str) -> None:
    _since_award(c, "BKTTG", N_("Bằng khen của Thủ tướng"), "excellent", c.cite)


_SIMPLE: dict[str, Callable[[_Checker, str], None]] = {
    "LDTT": _ldtt,
    "CSTDCS": _cstdcs,
    "CSTDT": _cstdt,
    "GK": _gk,
    "BKT": _bkt,
    "BKTTG": _bkttg,
    "HCLD3": _hcld3,
}


def check_eligibility(
    title_code: str,
    legal_basis: str,
    nominee: Nominee,
    history: History,
    unit_stats: UnitStats | None = None,
) -> EligibilityResult:
    """Check every prerequisite of the title and list the unmet ones in Vietnamese."""
    title = get_title(title_code)
    if not title.processed:
        raise ValueError(N_("%(name)s chỉ lưu lịch sử, không xét tại Sở", name=title.name))
    checker = _Checker(nominee, history, legal_basis, title_code)
    checker.add(
        N_("Đối tượng phù hợp với danh hiệu %(name)s", name=title.name),
        checker.cite,
        nominee.kind in title.nominee_kinds,
        N_(
            "Danh hiệu %(name)s không xét cho %(kind)s",
            name=title.name,
            kind=N_("cá nhân") if nominee.kind == "individual" else N_("tập thể"),
        ),
    )
    if title_code == "TTLDXS":
        _ttldxs(checker, legal_basis, unit_stats)
    elif title_code == "TTLDTT":
        _ttldtt(checker, legal_basis, unit_stats)
    else:
        _SIMPLE[title_code](checker, legal_basis)
    # "<reason> (<citation>)": the reason is a message shown in the reader's language, the
    # citation names the law as it is (a neutral template, not in the catalogue).
    unmet: list[str] = [
        Message("%(reason)s (%(citation)s)", {"reason": c.reason, "citation": c.citation})
        for c in checker.checked
        if not c.met
    ]
    return EligibilityResult(eligible=not unmet, unmet=unmet, checked=checker.checked)

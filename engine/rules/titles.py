"""The emulation titles and commendation forms the agency handles (DESIGN.md "Titles and forms")."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

NomineeKind = Literal["individual", "collective"]
DecidedBy = Literal["director", "province", "central"]


@dataclass(frozen=True)
class Title:
    """A title or form of commendation and who decides it."""

    code: str
    name: str
    nominee_kinds: frozenset[NomineeKind]
    decided_by: DecidedBy


_INDIVIDUAL: frozenset[NomineeKind] = frozenset({"individual"})
_COLLECTIVE: frozenset[NomineeKind] = frozenset({"collective"})
_BOTH: frozenset[NomineeKind] = frozenset({"individual", "collective"})

TITLES: tuple[Title, ...] = (
    Title("LDTT", "Lao động tiên tiến", _INDIVIDUAL, "director"),
    Title("CSTDCS", "Chiến sĩ thi đua cơ sở", _INDIVIDUAL, "director"),
    Title("TTLDTT", "Tập thể lao động tiên tiến", _COLLECTIVE, "director"),
    Title("GK", "Giấy khen của Giám đốc Sở", _BOTH, "director"),
    Title("CSTDT", "Chiến sĩ thi đua cấp tỉnh", _INDIVIDUAL, "province"),
    Title("TTLDXS", "Tập thể lao động xuất sắc", _COLLECTIVE, "province"),
    Title("BKT", "Bằng khen của Chủ tịch UBND tỉnh", _BOTH, "province"),
    Title("BKTTG", "Bằng khen của Thủ tướng Chính phủ", _BOTH, "central"),
    Title("HCLD3", "Huân chương Lao động hạng Ba", _BOTH, "central"),
)
BY_CODE: dict[str, Title] = {title.code: title for title in TITLES}


class UnknownTitleError(ValueError):
    """Raised for a title code that is not in the list."""


def get_title(code: str) -> Title:
    """Return the title with this code."""
    try:
        return BY_CODE[code]
    except KeyError:
        raise UnknownTitleError(
            f"Danh hiệu/hình thức khen thưởng không xác định: {code!r}"
        ) from None

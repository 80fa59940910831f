"""The emulation titles and commendation forms the agency handles (DESIGN.md "Titles and forms")."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from engine.text import N_, search_key

NomineeKind = Literal["individual", "collective"]
DecidedBy = Literal["director", "province", "central"]


@dataclass(frozen=True)
class Title:
    """A title or form of commendation and who decides it."""

    code: str
    name: str
    nominee_kinds: frozenset[NomineeKind]
    decided_by: DecidedBy
    #: An emulation title (danh hiệu thi đua) rather than a form of commendation (hình thức).
    emulation: bool = False


_INDIVIDUAL: frozenset[NomineeKind] = frozenset({"individual"})
_COLLECTIVE: frozenset[NomineeKind] = frozenset({"collective"})
_BOTH: frozenset[NomineeKind] = frozenset({"individual", "collective"})

TITLES: tuple[Title, ...] = (
    Title("LDTT", N_("Lao động tiên tiến"), _INDIVIDUAL, "director", emulation=True),
    Title("CSTDCS", N_("Chiến sĩ thi đua cơ sở"), _INDIVIDUAL, "director", emulation=True),
    Title("TTLDTT", N_("Tập thể lao động tiên tiến"), _COLLECTIVE, "director", emulation=True),
    Title("GK", N_("Giấy khen của Giám đốc Sở"), _BOTH, "director"),
    Title("CSTDT", N_("Chiến sĩ thi đua cấp tỉnh"), _INDIVIDUAL, "province", emulation=True),
    Title("TTLDXS", N_("Tập thể lao động xuất sắc"), _COLLECTIVE, "province", emulation=True),
    Title("BKT", N_("Bằng khen của Chủ tịch UBND tỉnh"), _BOTH, "province"),
    Title("BKTTG", N_("Bằng khen của Thủ tướng Chính phủ"), _BOTH, "central"),
    Title("HCLD3", N_("Huân chương Lao động hạng Ba"), _BOTH, "central"),
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
            N_("Danh hiệu/hình thức khen thưởng không xác định: %(code)s", code=repr(code))
        ) from None


KIND_NAMES = {"individual": N_("cá nhân"), "collective": N_("tập thể")}
_BY_SEARCH_KEY: dict[str, str] = {}


def title_codes() -> list[str]:
    """Return every title code, in the order lists and statistics show them."""
    return [title.code for title in TITLES]


def title_name(code: str) -> str:
    """Return the Vietnamese name of a title code (the code itself if unknown)."""
    title = BY_CODE.get(code)
    return title.name if title else code


def title_kinds(code: str) -> frozenset[str]:
    """Return the nominee kinds (individual, collective) a title is given to."""
    title = BY_CODE.get(code)
    return frozenset(title.nominee_kinds) if title else frozenset()


def is_emulation_title(code: str) -> bool:
    """Return whether the code is an emulation title (danh hiệu), not a form of commendation."""
    title = BY_CODE.get(code)
    return bool(title and title.emulation)


def title_code_for(text: str) -> str | None:
    """Return the code for a code or a Vietnamese name written any way ("lao dong tien tien")."""
    if not _BY_SEARCH_KEY:
        _BY_SEARCH_KEY.update({search_key(t.name): t.code for t in TITLES})
    cleaned = text.strip()
    if cleaned.upper() in BY_CODE:
        return cleaned.upper()
    return _BY_SEARCH_KEY.get(search_key(cleaned))

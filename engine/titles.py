"""Names of the titles and forms of commendation, for documents, statistics and imports.

The procedure keeps titles as data in ``engine/rules/titles.py``; until that is merged here this
module holds the same first set. Everything outside it calls :func:`title_name`,
:func:`title_kinds` and :func:`title_code_for`, so pointing them at the rules is one change.
"""

from __future__ import annotations

from engine.text import search_key

#: code → (Vietnamese name, nominee kinds it is given to), in the order statistics list them.
_TITLES: dict[str, tuple[str, frozenset[str]]] = {
    "LDTT": ("Lao động tiên tiến", frozenset({"individual"})),
    "CSTDCS": ("Chiến sĩ thi đua cơ sở", frozenset({"individual"})),
    "TTLDTT": ("Tập thể lao động tiên tiến", frozenset({"collective"})),
    "GK": ("Giấy khen của Giám đốc Sở", frozenset({"individual", "collective"})),
    "CSTDT": ("Chiến sĩ thi đua cấp tỉnh", frozenset({"individual"})),
    "TTLDXS": ("Tập thể lao động xuất sắc", frozenset({"collective"})),
    "BKT": ("Bằng khen của Chủ tịch UBND tỉnh", frozenset({"individual", "collective"})),
    "BKTTG": ("Bằng khen của Thủ tướng Chính phủ", frozenset({"individual", "collective"})),
    "HCLD3": ("Huân chương Lao động hạng Ba", frozenset({"individual", "collective"})),
}
_BY_KEY = {search_key(name): code for code, (name, _kinds) in _TITLES.items()}

KIND_NAMES = {"individual": "cá nhân", "collective": "tập thể"}
#: Emulation titles (danh hiệu thi đua); the other codes are forms of commendation (hình thức).
_EMULATION_TITLES = frozenset({"LDTT", "CSTDCS", "TTLDTT", "CSTDT", "TTLDXS"})


def title_codes() -> list[str]:
    """Return every title code, in the order lists and statistics show them."""
    return list(_TITLES)


def title_name(code: str) -> str:
    """Return the Vietnamese name of a title code (the code itself if unknown)."""
    entry = _TITLES.get(code)
    return entry[0] if entry else code


def title_kinds(code: str) -> frozenset[str]:
    """Return the nominee kinds (individual, collective) a title is given to."""
    entry = _TITLES.get(code)
    return entry[1] if entry else frozenset()


def title_code_for(text: str) -> str | None:
    """Return the code for a code or a Vietnamese name written any way ("lao dong tien tien")."""
    cleaned = text.strip()
    if cleaned.upper() in _TITLES:
        return cleaned.upper()
    return _BY_KEY.get(search_key(cleaned))


def is_emulation_title(code: str) -> bool:
    """Return whether the code is an emulation title (danh hiệu), not a form of commendation."""
    return code in _EMULATION_TITLES

"""The catalogue of emulation titles and commendation forms, as data (docs/legal-basis.md).

Every title or form an agency's award history holds is here, with the names it is usually
written under (aliases), the kind of nominee it is given to, who decides it and its level. Only
the ``processed`` ones run through this system's procedure; the others are history-only: they
are imported, looked up, counted in statistics and read as prerequisites, never filed.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass
from typing import Literal

from engine.text import search_key

NomineeKind = Literal["individual", "collective"]
#: Who decides: the agency's director, the provincial People's Committee chair, a minister or the
#: head of a central body, or the Prime Minister / President (central).
DecidedBy = Literal["director", "province", "ministry", "central"]

LEVEL_NAMES: dict[str, str] = {
    "director": "cấp cơ sở (Giám đốc Sở)",
    "province": "cấp tỉnh",
    "ministry": "cấp bộ, ban, ngành",
    "central": "cấp nhà nước",
}
#: The issuer an award usually carries when the source file leaves it empty.
DEFAULT_ISSUER: dict[str, str] = {
    "director": "Giám đốc Sở",
    "province": "Chủ tịch UBND tỉnh",
    "ministry": "Bộ trưởng, Thủ trưởng cơ quan trung ương",
    "central": "Nhà nước, Chính phủ",
}


@dataclass(frozen=True)
class Title:
    """A title or form of commendation, who decides it and whether it is processed here."""

    code: str
    name: str
    nominee_kinds: frozenset[NomineeKind]
    decided_by: DecidedBy
    #: An emulation title (danh hiệu thi đua) rather than a form of commendation (hình thức).
    emulation: bool = False
    #: Filed and judged by this system's procedure; False: history-only.
    processed: bool = True
    #: Other spellings met in award histories (compared without case, diacritics, punctuation).
    aliases: tuple[str, ...] = ()

    @property
    def level(self) -> str:
        """Return the level in words (cấp cơ sở, cấp tỉnh, cấp bộ, cấp nhà nước)."""
        return LEVEL_NAMES[self.decided_by]


_INDIVIDUAL: frozenset[NomineeKind] = frozenset({"individual"})
_COLLECTIVE: frozenset[NomineeKind] = frozenset({"collective"})
_BOTH: frozenset[NomineeKind] = frozenset({"individual", "collective"})


def _order(code: str, name: str, rank: str, kinds: frozenset[NomineeKind]) -> Title:
    return Title(
        code,
        f"{name} hạng {rank}",
        kinds,
        "central",
        processed=False,
        aliases=(f"{name} hang {rank}", f"{name} {rank}"),
    )


TITLES: tuple[Title, ...] = (
    # --- processed here (workflows/: routing.dmn, vote_rule.dmn) --------------------------------
    Title(
        "LDTT",
        "Lao động tiên tiến",
        _INDIVIDUAL,
        "director",
        emulation=True,
        aliases=("Danh hiệu Lao động tiên tiến", "LĐTT"),
    ),
    Title(
        "CSTDCS",
        "Chiến sĩ thi đua cơ sở",
        _INDIVIDUAL,
        "director",
        emulation=True,
        aliases=(
            "Chiến sĩ thi đua cấp cơ sở",
            "Danh hiệu Chiến sĩ thi đua cơ sở",
            "CSTĐ cơ sở",
            "CSTĐCS",
            "Chiến sỹ thi đua cơ sở",
        ),
    ),
    Title(
        "TTLDTT",
        "Tập thể lao động tiên tiến",
        _COLLECTIVE,
        "director",
        emulation=True,
        aliases=("TTLĐTT", "Danh hiệu Tập thể lao động tiên tiến"),
    ),
    Title(
        "GK",
        "Giấy khen của Giám đốc Sở",
        _BOTH,
        "director",
        aliases=("Giấy khen", "Giấy khen Giám đốc Sở", "Giấy khen của Sở"),
    ),
    Title(
        "CSTDT",
        "Chiến sĩ thi đua cấp tỉnh",
        _INDIVIDUAL,
        "province",
        emulation=True,
        aliases=(
            "Chiến sĩ thi đua tỉnh",
            "CSTĐ cấp tỉnh",
            "Chiến sỹ thi đua cấp tỉnh",
            "Chiến sĩ thi đua cấp bộ, ban, ngành, tỉnh",
        ),
    ),
    Title(
        "TTLDXS",
        "Tập thể lao động xuất sắc",
        _COLLECTIVE,
        "province",
        emulation=True,
        aliases=("TTLĐXS", "Danh hiệu Tập thể lao động xuất sắc"),
    ),
    Title(
        "BKT",
        "Bằng khen của Chủ tịch UBND tỉnh",
        _BOTH,
        "province",
        aliases=(
            "Bằng khen Chủ tịch UBND tỉnh",
            "Bằng khen của Chủ tịch Ủy ban nhân dân tỉnh",
            "Bằng khen Chủ tịch Ủy ban nhân dân tỉnh",
            "Bằng khen UBND tỉnh",
            "Bằng khen của UBND tỉnh",
            "Bằng khen cấp tỉnh",
        ),
    ),
    Title(
        "BKTTG",
        "Bằng khen của Thủ tướng Chính phủ",
        _BOTH,
        "central",
        aliases=(
            "Bằng khen Thủ tướng Chính phủ",
            "Bằng khen của Thủ tướng",
            "Bằng khen Thủ tướng",
            "Bằng khen Chính phủ",
        ),
    ),
    Title(
        "HCLD3",
        "Huân chương Lao động hạng Ba",
        _BOTH,
        "central",
        aliases=("Huân chương Lao động hạng 3", "Huân chương Lao động hạng III", "HCLĐ hạng Ba"),
    ),
    # --- history-only: imported, counted and read as prerequisites, never filed here ----------
    Title(
        "CSTDB",
        "Chiến sĩ thi đua cấp bộ, ngành",
        _INDIVIDUAL,
        "ministry",
        emulation=True,
        processed=False,
        aliases=("Chiến sĩ thi đua cấp bộ", "CSTĐ cấp bộ", "Chiến sĩ thi đua Bộ"),
    ),
    Title(
        "CSTDTQ",
        "Chiến sĩ thi đua toàn quốc",
        _INDIVIDUAL,
        "central",
        emulation=True,
        processed=False,
        aliases=("CSTĐ toàn quốc", "Chiến sỹ thi đua toàn quốc"),
    ),
    Title(
        "CTDT",
        "Cờ thi đua của UBND tỉnh",
        _COLLECTIVE,
        "province",
        emulation=True,
        processed=False,
        aliases=("Cờ thi đua cấp tỉnh", "Cờ thi đua của Ủy ban nhân dân tỉnh", "Cờ thi đua tỉnh"),
    ),
    Title(
        "CTDB",
        "Cờ thi đua của Bộ",
        _COLLECTIVE,
        "ministry",
        emulation=True,
        processed=False,
        aliases=("Cờ thi đua cấp bộ", "Cờ thi đua của bộ, ban, ngành", "Cờ thi đua Bộ"),
    ),
    Title(
        "CTDCP",
        "Cờ thi đua của Chính phủ",
        _COLLECTIVE,
        "central",
        emulation=True,
        processed=False,
        aliases=("Cờ thi đua Chính phủ",),
    ),
    Title(
        "BKB",
        "Bằng khen của Bộ trưởng",
        _BOTH,
        "ministry",
        processed=False,
        aliases=(
            "Bằng khen Bộ trưởng",
            "Bằng khen cấp bộ",
            "Bằng khen của Bộ",
            "Bằng khen của Bộ trưởng, Thủ trưởng cơ quan trung ương",
            "Bằng khen của bộ, ban, ngành",
        ),
    ),
    _order("HCLD2", "Huân chương Lao động", "Nhì", _BOTH),
    _order("HCLD1", "Huân chương Lao động", "Nhất", _BOTH),
    _order("HCDL3", "Huân chương Độc lập", "Ba", _BOTH),
    _order("HCDL2", "Huân chương Độc lập", "Nhì", _BOTH),
    _order("HCDL1", "Huân chương Độc lập", "Nhất", _BOTH),
    Title("HCHCM", "Huân chương Hồ Chí Minh", _BOTH, "central", processed=False, aliases=()),
    Title("HCSV", "Huân chương Sao vàng", _BOTH, "central", processed=False, aliases=()),
    Title(
        "KNC_KHCN",
        "Kỷ niệm chương Vì sự nghiệp Khoa học và Công nghệ",
        _INDIVIDUAL,
        "ministry",
        processed=False,
        aliases=(
            "Kỷ niệm chương Vì sự nghiệp KH&CN",
            "Kỷ niệm chương vì sự nghiệp khoa học công nghệ",
            "KNC Vì sự nghiệp KH&CN",
        ),
    ),
)
BY_CODE: dict[str, Title] = {title.code: title for title in TITLES}

# "hạng 3" and "hạng III" are "hạng Ba": numerals are spelled before matching.
_RANKS = {"1": "nhat", "2": "nhi", "3": "ba", "i": "nhat", "ii": "nhi", "iii": "ba"}


class UnknownTitleError(ValueError):
    """Raised for a title code that is not in the catalogue."""


def get_title(code: str) -> Title:
    """Return the title with this code."""
    try:
        return BY_CODE[code]
    except KeyError:
        raise UnknownTitleError(
            f"Danh hiệu/hình thức khen thưởng không xác định: {code!r}"
        ) from None


KIND_NAMES = {"individual": "cá nhân", "collective": "tập thể"}


def normalise_title(text: str) -> str:
    """Return the key a title's name is matched by: no case, diacritics, punctuation, "của",
    "danh hiệu" or quotes; "hạng 3"/"hạng III" read "hạng ba"; "KH&CN" reads "khoa học và công
    nghệ"; "Ủy ban nhân dân" reads "UBND"."""
    key = search_key(text.replace("&", " va "))
    key = re.sub(r"[\"'“”‘’.,;:()\-/]", " ", key)
    key = re.sub(r"\buy ban nhan dan\b", "ubnd", key)
    key = re.sub(r"\bkh va cn\b", "khoa hoc va cong nghe", key)
    key = re.sub(r"\bkhoa hoc cong nghe\b", "khoa hoc va cong nghe", key)
    key = re.sub(r"\bchien sy\b", "chien si", key)
    key = re.sub(r"\bhang (iii|ii|i|1|2|3)\b", lambda m: "hang " + _RANKS[m.group(1)], key)
    words = [w for w in key.split() if w not in ("cua", "danh", "hieu")]
    return " ".join(words)


_BY_KEY: dict[str, str] = {}


def _keys() -> dict[str, str]:
    if not _BY_KEY:
        for title in TITLES:
            for text in (title.name, title.code, *title.aliases):
                _BY_KEY.setdefault(normalise_title(text), title.code)
    return _BY_KEY


def title_codes() -> list[str]:
    """Return every catalogue code, in the order lists and statistics show them."""
    return [title.code for title in TITLES]


def processed_title_codes() -> list[str]:
    """Return the codes this system files and judges (a campaign opens only these)."""
    return [title.code for title in TITLES if title.processed]


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
    """Return the code for a code, a name or an alias written any usual way."""
    cleaned = text.strip()
    if cleaned.upper() in BY_CODE:
        return cleaned.upper()
    return _keys().get(normalise_title(cleaned))


def closest_title(text: str) -> Title | None:
    """Return the catalogue entry whose name or alias is closest to ``text`` (or None)."""
    key = normalise_title(text)
    match = difflib.get_close_matches(key, list(_keys()), n=1, cutoff=0.5)
    return BY_CODE[_keys()[match[0]]] if match else None

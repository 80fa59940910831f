"""Text helpers for Vietnamese: search keys without diacritics."""

from __future__ import annotations

import unicodedata


def search_key(text: str) -> str:
    """Return ``text`` lower-cased without diacritics, for matching "nguyen van" to "Nguyễn Văn"."""
    decomposed = unicodedata.normalize("NFD", text.replace("đ", "d").replace("Đ", "D"))
    stripped = "".join(c for c in decomposed if unicodedata.category(c) != "Mn")
    return " ".join(stripped.lower().split())

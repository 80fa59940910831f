"""Text helpers for Vietnamese: search keys without diacritics, bounded free text."""

from __future__ import annotations

import unicodedata

from engine.errors import ValidationFailed

#: The longest reason a withdrawal, a cancellation or an eligibility override takes.
MAX_REASON_CHARS = 2000


def bounded(value: str, field: str, label: str, max_chars: int) -> str:
    """Return ``value`` trimmed; a longer one is refused (ValidationFailed naming ``field``)."""
    text = value.strip()
    if len(text) > max_chars:
        message = f"Tối đa {max_chars} ký tự (đã nhập {len(text)})."
        raise ValidationFailed(f"{label} quá dài. {message}", {field: message})
    return text


def search_key(text: str) -> str:
    """Return ``text`` lower-cased without diacritics, for matching "nguyen van" to "Nguyễn Văn"."""
    decomposed = unicodedata.normalize("NFD", text.replace("đ", "d").replace("Đ", "D"))
    stripped = "".join(c for c in decomposed if unicodedata.category(c) != "Mn")
    return " ".join(stripped.lower().split())

"""Text helpers for Vietnamese: messages for people, search keys, bounded free text.

The engine writes what it tells people in Vietnamese and never imports Flask. A message is
marked for the catalogue with :func:`N_` (a keyword of ``make translations``' extraction) and
keeps its catalogue id and parameters, so the web shows it in the reader's language
(``web.i18n.translate``): the parameters are formatted after translation.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Mapping

from engine.errors import ValidationFailed


class Message(str):
    """Text for people: the Vietnamese as a ``str``, with its catalogue id and parameters."""

    __slots__ = ("msgid", "params")
    msgid: str
    params: dict[str, object]

    def __new__(cls, msgid: str, params: Mapping[str, object] | None = None) -> Message:
        values = dict(params or {})
        self = super().__new__(cls, msgid % values if values else msgid)
        self.msgid = msgid
        self.params = values
        return self

    def __reduce__(self) -> tuple[object, ...]:
        return (Message, (self.msgid, self.params))


def N_(msgid: str, /, **params: object) -> str:
    """Mark ``msgid`` for the catalogue and fill ``%(name)s`` placeholders from ``params``.

    Typed as ``str``: to the engine a message is its Vietnamese text; the web finds the
    :class:`Message` in it.
    """
    return Message(msgid, params)


def joined(separator: str, items: list[str]) -> str:
    """Join messages with a neutral ``separator`` ("; ", ", "), each translated when shown."""
    template = separator.replace("%", "%%").join(f"%(item{i})s" for i in range(len(items)))
    return Message(template, {f"item{i}": item for i, item in enumerate(items)})


#: The longest reason a withdrawal, a cancellation or an eligibility override takes.
MAX_REASON_CHARS = 2000


def bounded(value: str, field: str, label: str, max_chars: int) -> str:
    """Return ``value`` trimmed; a longer one is refused (ValidationFailed naming ``field``)."""
    text = value.strip()
    if len(text) > max_chars:
        message = N_("Tối đa %(max)d ký tự (đã nhập %(given)d).", max=max_chars, given=len(text))
        raise ValidationFailed(
            N_("%(label)s quá dài. %(limit)s", label=label, limit=message), {field: message}
        )
    return text


def search_key(text: str) -> str:
    """Return ``text`` lower-cased without diacritics, for matching "nguyen van" to "Nguyễn Văn"."""
    decomposed = unicodedata.normalize("NFD", text.replace("đ", "d").replace("Đ", "D"))
    stripped = "".join(c for c in decomposed if unicodedata.category(c) != "Mn")
    return " ".join(stripped.lower().split())

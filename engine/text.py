"""Text helpers for Vietnamese: messages for people, search keys, bounded free text.

The engine writes what it tells people in Vietnamese and never imports Flask. A message is
marked for the catalogue with :func:`N_` (a keyword of ``make translations``' extraction) and
keeps its catalogue id and parameters, so the web shows it in the reader's language
(``web.i18n.translate``): the parameters are formatted after translation.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Callable, Mapping

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


class Localized(str):
    """Text that brings its own translations (a holiday's name from the ``holidays`` package):
    the Vietnamese as a ``str``, and the other languages' text by language code."""

    __slots__ = ("translations",)
    translations: dict[str, str]

    def __new__(cls, text: str, translations: Mapping[str, str] | None = None) -> Localized:
        self = super().__new__(cls, text)
        self.translations = dict(translations or {})
        return self

    def __reduce__(self) -> tuple[object, ...]:
        return (Localized, (str(self), self.translations))


def message_data(text: object) -> object:
    """Return ``text`` in a form JSON keeps: a :class:`Message` as ``{"msgid", "params"}`` (its
    parameters likewise), anything else as it is. :func:`from_data` reads it back, so a message
    stored in the database is shown in the reader's language, not only in its Vietnamese."""
    if isinstance(text, Message):
        return {"msgid": text.msgid, "params": {k: message_data(v) for k, v in text.params.items()}}
    if isinstance(text, str):
        return str(text)
    return text


def from_data(value: object) -> object:
    """Return what :func:`message_data` stored: a :class:`Message` again (a plain text stored
    before messages were kept, or typed by a person, comes back as it is)."""
    if isinstance(value, Mapping) and isinstance(value.get("msgid"), str):
        params = value.get("params")
        values = (
            {str(k): from_data(v) for k, v in params.items()} if isinstance(params, Mapping) else {}
        )
        try:
            return Message(value["msgid"], values)
        except (KeyError, TypeError, ValueError):
            return str(value["msgid"])
    return value


def localize(text: object, gettext: Callable[[str], str], language: str = "vi") -> str:
    """Return ``text`` in the language of ``gettext`` (one catalogue's lookup): a
    :class:`Message` by its id with its parameters (those that are messages too) filled in after,
    a :class:`Localized` text by ``language``, any other text looked up as it is (a BPMN name
    finds its English; unknown text stays as it is)."""
    if isinstance(text, Message):
        params = {
            key: localize(value, gettext, language)
            if isinstance(value, Message | Localized)
            else value
            for key, value in text.params.items()
        }
        found = gettext(text.msgid)
        if not params:
            return str(found)
        try:
            return str(found % params)
        except (KeyError, TypeError, ValueError):
            return str(text.msgid % params)
    if isinstance(text, Localized):
        return text.translations.get(language) or str(text)
    if text is None:
        return ""
    value = str(text)
    return str(gettext(value)) if value.strip() else value


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

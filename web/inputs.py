"""What every request's input must be before a view sees it, checked once for the whole app.

- Ids in paths: the ``int`` URL converter is replaced app-wide by :class:`RowIdConverter`, which
  matches only 1 … ``engine.db.MAX_ID``; a larger id names no row and answers 404 (PostgreSQL
  refuses an out-of-range integer, SQLite does not: the bound makes both behave alike).
- NUL characters: PostgreSQL refuses them in text, and no person types one, so a path, query
  argument, form field or file name holding one answers 400 before any view runs.
- JSON bodies: parsed by :class:`BoundedJSONProvider`, which refuses nesting deeper than
  ``MAX_JSON_DEPTH`` and NUL in strings; ``request.get_json`` then fails as on malformed JSON
  (400) instead of a RecursionError (500).

Query filters of the lists are parsed in ``engine.read.queries`` (``ListFilters.from_args``,
``row_id_arg``, ``page_arg``), which answer 422 naming the bad argument.
"""

from __future__ import annotations

import json
from typing import Any

from flask import Flask, request
from flask.json.provider import DefaultJSONProvider
from flask_babel import gettext as _
from werkzeug.routing import IntegerConverter, Map

from engine.db import MAX_ID, as_id
from web.errors import BadInput

#: How deeply a JSON body may nest arrays and objects; the API's bodies nest three levels.
MAX_JSON_DEPTH = 32


def numbers_up_to(n: int) -> str:
    """Return a regular expression matching exactly the decimal numbers 1 … ``n``."""
    digits = str(n)
    alternatives = [rf"[1-9]\d{{0,{len(digits) - 2}}}"] if len(digits) > 1 else []
    for i, d in enumerate(digits):
        low = 1 if i == 0 else 0
        if int(d) > low:
            rest = len(digits) - i - 1
            alternatives.append(
                f"{digits[:i]}[{low}-{int(d) - 1}]" + (rf"\d{{{rest}}}" if rest else "")
            )
    alternatives.append(digits)
    return "(?:" + "|".join(alternatives) + ")"


class RowIdConverter(IntegerConverter):
    """``<int:...>`` for row ids: digits only, 1 … MAX_ID unless a rule says otherwise.

    The bound is in the pattern itself, not only in ``to_python``: a path with a larger number
    then matches no rule, so it is a 404 for every method (a failed conversion after a match
    would answer 405 when the same path has a rule for another method).
    """

    def __init__(
        self,
        map: Map,
        fixed_digits: int = 0,
        min: int | None = 1,
        max: int | None = MAX_ID,
        signed: bool = False,
    ) -> None:
        super().__init__(map, fixed_digits=fixed_digits, min=min, max=max, signed=signed)
        if (fixed_digits, min, max, signed) == (0, 1, MAX_ID, False):
            self.regex = numbers_up_to(MAX_ID)


class JSONTooDeep(ValueError):
    """A JSON body nests deeper than MAX_JSON_DEPTH (or too deep for the parser itself)."""


class JSONHasNul(ValueError):
    """A JSON body holds a NUL character in a key or a string."""


def check_json(value: Any, max_depth: int = MAX_JSON_DEPTH) -> None:
    """Raise JSONTooDeep or JSONHasNul for a parsed JSON value; walks it without recursion."""
    stack: list[tuple[Any, int]] = [(value, 1)]
    while stack:
        item, depth = stack.pop()
        if isinstance(item, str):
            if "\x00" in item:
                raise JSONHasNul("NUL character in JSON text")
        elif isinstance(item, dict | list):
            if depth > max_depth:
                raise JSONTooDeep(f"JSON nested deeper than {max_depth} levels")
            if isinstance(item, dict):
                stack.extend((k, depth) for k in item)
                stack.extend((v, depth + 1) for v in item.values())
            else:
                stack.extend((v, depth + 1) for v in item)


class BoundedJSONProvider(DefaultJSONProvider):
    """Flask's JSON provider whose ``loads`` refuses too deep nesting and NUL, as ValueError."""

    def loads(self, s: str | bytes, **kwargs: Any) -> Any:
        try:
            value = json.loads(s, **kwargs)
        except RecursionError:
            raise JSONTooDeep("JSON nested too deeply") from None
        check_json(value)
        return value


def chosen_id(value: str | None) -> int | None:
    """Return the row id a form's choice names; None when nothing was chosen (empty).

    A value that is neither empty nor an id answers 400: a tampered or broken form is refused,
    never read as "nothing chosen".
    """
    if value is None or not value.strip():
        return None
    found = as_id(value)
    if found is None:
        raise BadInput(
            _("Lựa chọn không hợp lệ: “%(value)s” không phải là mã hợp lệ.", value=value[:40])
        )
    return found


def chosen_ids(name: str) -> list[int]:
    """Return the distinct row ids of the ticked checkboxes ``name``, in the order sent."""
    found = (chosen_id(v) for v in request.form.getlist(name))
    return list(dict.fromkeys(i for i in found if i is not None))


def _has_nul(*texts: str | None) -> bool:
    return any(t is not None and "\x00" in t for t in texts)


def _refuse_nul() -> None:
    """Answer 400 when the path, a query argument, a form field or a file name holds NUL."""
    found = _has_nul(request.path) or any(_has_nul(k, v) for k, v in request.args.items(multi=True))
    if not found and request.method in ("POST", "PUT", "PATCH", "DELETE"):
        found = any(_has_nul(k, v) for k, v in request.form.items(multi=True)) or any(
            _has_nul(k, f.filename) for k, f in request.files.items(multi=True)
        )
    if found:
        raise BadInput(_("Dữ liệu gửi lên chứa ký tự không hợp lệ (NUL)."))


def register_converters(app: Flask) -> None:
    """Replace the ``int`` converter; call before any blueprint is registered."""
    app.url_map.converters["int"] = RowIdConverter


def init_app(app: Flask) -> None:
    app.json = BoundedJSONProvider(app)
    # First of the before_request functions, so CSRF and log-in checks never see NUL either.
    app.before_request_funcs.setdefault(None, []).insert(0, _refuse_nul)

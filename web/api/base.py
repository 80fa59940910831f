"""What every API operation shares: the blueprint, the operation registry the OpenAPI document
is built from, authentication and scopes, strict query parameters, paging with Link headers,
ETag/If-Match and Idempotency-Key.

An endpoint is declared once with :func:`operation`, which adds the Flask rule and the OpenAPI
operation together, so the document cannot miss a route (tests/web/test_api_conventions.py
compares the two anyway).
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from functools import wraps
from typing import Any, TypeVar
from urllib.parse import urlencode

from flask import Blueprint, Response, abort, current_app, g, json, request
from flask_babel import gettext as _
from flask_login import current_user
from pydantic import BaseModel
from pydantic import ValidationError as PydanticValidationError

from engine.domain import idempotency, tokens
from engine.errors import EngineError, ValidationFailed
from engine.models import ApiToken, User
from engine.read import queries
from web.context import db
from web.errors import BEARER_CHALLENGE, problem
from web.security import is_token_request

bp = Blueprint("api", __name__, url_prefix="/api/v1")

#: The largest JSON body the API reads: room for every field of a form at its maximum
#: (engine.workflow.forms.DEFAULT_MAX_LENGTH, even as \\uXXXX escapes); a larger one is a 413.
MAX_JSON_BYTES = 512 * 1024
MAX_PER_PAGE = 100
PAGE_PARAMS = ("page", "per_page")

F = TypeVar("F", bound=Callable[..., Any])


class InvalidParameters(ValidationFailed):
    """A query parameter is unknown or its value does not fit: 400, each one named."""

    http_status = 400
    code = "invalid_parameter"


class PreconditionFailed(EngineError):
    http_status = 412
    code = "precondition_failed"


class InsufficientScope(EngineError):
    http_status = 403
    code = "insufficient_scope"


@dataclass(frozen=True)
class Param:
    """A query parameter an operation takes: its JSON Schema and what it means."""

    name: str
    schema: dict[str, Any]
    description: str


@dataclass
class Operation:
    """One API operation, as Flask routes it and as the OpenAPI document declares it."""

    method: str
    rule: str
    operation_id: str
    tag: str
    summary: str
    response: type[BaseModel] | None
    status: int = 200
    errors: tuple[int, ...] = ()
    body: type[BaseModel] | None = None
    #: A multipart form body: field name → JSON Schema (a file is {"type": "string",
    #: "format": "binary"}).
    form: dict[str, dict[str, Any]] | None = None
    query: tuple[Param, ...] = ()
    paged: bool = False
    etag: bool = False
    if_match: bool = False
    #: For a download: media type of the answer (no JSON model).
    media: str | None = None
    description: str = ""
    path_params: dict[str, dict[str, Any]] = field(default_factory=dict)

    @property
    def path(self) -> str:
        return re.sub(r"<(?:[^:<>]+:)?([^<>]+)>", r"{\1}", self.rule)

    @property
    def reads(self) -> bool:
        return self.method == "GET"


OPERATIONS: list[Operation] = []


def operation(
    method: str, rule: str, operation_id: str, tag: str, summary: str, **kw: Any
) -> Callable[[F], F]:
    """Declare an API operation: route ``view`` under ``rule`` and describe it for OpenAPI."""
    op = Operation(method, rule, operation_id, tag, summary, kw.pop("response", None), **kw)

    def decorate(view: F) -> F:
        OPERATIONS.append(op)
        bp.add_url_rule(rule, op.operation_id, _wrap(view, op), methods=[method])
        return view

    return decorate


# --- Authentication and scope ------------------------------------------------------------------


def authenticate() -> Response | None:
    """Find the caller: a live bearer token, else the browser session (a blueprint hook)."""
    if request.endpoint == "api.get_openapi":
        return None
    user: User | None = None
    row: ApiToken | None = None
    if is_token_request():
        row = tokens.authenticate_token(
            db(), request.headers["Authorization"].removeprefix("Bearer ").strip()
        )
        if row is None:
            return problem(
                401,
                "invalid_token",
                _("Mã truy cập (token) không hợp lệ, đã hết hạn hoặc đã bị thu hồi."),
                headers=[("WWW-Authenticate", BEARER_CHALLENGE + ', error="invalid_token"')],
            )
        user = row.user
    elif current_user.is_authenticated:
        user = current_user.user
    if user is None:
        return problem(401, "unauthorized", _("Cần mã truy cập (token) hợp lệ."))
    g.api_user = user
    g.api_scope = row.scope if row is not None else "act"
    return None


def api_user() -> User:
    user: User = g.api_user
    return user


# --- Bodies, parameters, paging -----------------------------------------------------------------


def dump(model: BaseModel) -> dict[str, Any]:
    return model.model_dump(mode="json")


def body(model: type[Any]) -> Any:
    """Return the JSON body parsed into ``model``; 400 when it is not a JSON object, 422 with
    each field's message when it does not fit."""
    if (request.content_length or 0) > MAX_JSON_BYTES:
        abort(413)
    payload = request.get_json(silent=True)
    if not isinstance(payload, dict):
        abort(400)
    try:
        return model.model_validate(payload)
    except PydanticValidationError as exc:
        fields = {".".join(str(p) for p in e["loc"]) or "body": e["msg"] for e in exc.errors()}
        raise ValidationFailed("Dữ liệu gửi lên không hợp lệ.", fields) from None


def _check_known(op: Operation) -> None:
    known = {p.name for p in op.query} | (set(PAGE_PARAMS) if op.paged else set())
    unknown = sorted(set(request.args) - known)
    if unknown:
        message = _("Tham số không được hỗ trợ.")
        raise InvalidParameters(message, dict.fromkeys(unknown, message))


def parsed(parse: Callable[[], Any]) -> Any:
    """Run a query-parameter parser; its ValidationFailed becomes a 400 naming each parameter."""
    try:
        return parse()
    except InvalidParameters:
        raise
    except ValidationFailed as exc:
        raise InvalidParameters(exc.message, exc.field_errors) from None


def per_page_arg() -> int:
    value = request.args.get("per_page", "").strip()
    if not value:
        return queries.PER_PAGE
    if not (value.isascii() and value.isdigit()) or not 1 <= int(value) <= MAX_PER_PAGE:
        message = _("Số dòng mỗi trang (per_page) phải từ 1 đến %(n)s.", n=MAX_PER_PAGE)
        raise InvalidParameters(message, {"per_page": message})
    return int(value)


def choice_arg(name: str, choices: Sequence[str]) -> str | None:
    """Return query parameter ``name`` (None when absent or empty); a value not in ``choices``
    is a 400 naming it."""
    value = request.args.get(name, "").strip()
    if not value:
        return None
    if value not in choices:
        message = _(
            "Giá trị của %(name)s phải là một trong: %(choices)s.",
            name=name,
            choices=", ".join(choices),
        )
        raise InvalidParameters(message, {name: message})
    return value


def page_and_size() -> tuple[int, int]:
    """Return the page number and size of a list that has no other filters."""
    number: int = parsed(lambda: queries.page_arg(request.args))
    return number, per_page_arg()


def list_filters(sorts: Sequence[str]) -> queries.ListFilters:
    """Parse a list's filters, page and per_page strictly (400 on anything that does not fit)."""
    filters: queries.ListFilters = parsed(
        lambda: queries.ListFilters.from_args(request.args, sorts)
    )
    filters.per_page = per_page_arg()
    return filters


def paged(
    items: list[Any], total: int, number: int, per_page: int, page: queries.Page[Any] | None = None
) -> Response:
    """Return a list page as ``{"items", "meta"}`` with Link (first/prev/next/last) and
    X-Total-Count headers; a keyset ``page`` adds its cursors (next-cursor, prev-cursor,
    last-cursor), which read a deep page off the order's index instead of an OFFSET."""
    pages = max(1, -(-total // per_page))
    response = json_response(
        {
            "items": items,
            "meta": {"total": total, "page": number, "pages": pages, "per_page": per_page},
        }
    )
    args = {k: v for k, v in request.args.items() if k not in (*PAGE_PARAMS, "cursor")}
    links = []
    for rel, n in (
        ("first", 1),
        ("prev", number - 1 if number > 1 else None),
        ("next", number + 1 if number < pages else None),
        ("last", pages),
    ):
        if n is not None:
            query = urlencode({**args, "page": n, "per_page": per_page})
            links.append(f'<{request.base_url}?{query}>; rel="{rel}"')
    if page is not None:
        for rel, cursor in (
            ("next-cursor", page.next_cursor),
            ("prev-cursor", page.prev_cursor),
            ("last-cursor", page.last_cursor if pages > 1 else None),
        ):
            if cursor is not None:
                query = urlencode({**args, "cursor": cursor, "per_page": per_page})
                links.append(f'<{request.base_url}?{query}>; rel="{rel}"')
    response.headers["Link"] = ", ".join(links)
    response.headers["X-Total-Count"] = str(total)
    return response


# --- ETag and If-Match ------------------------------------------------------------------------


def etag_of(*parts: Any) -> str:
    """Return a strong entity tag over ``parts`` (what makes the resource's state)."""
    digest = hashlib.sha256("\x1f".join(str(p) for p in parts).encode()).hexdigest()[:32]
    return f'"{digest}"'


def check_if_match(current: str) -> None:
    """Refuse (412) a request whose If-Match names none of the resource's current tag."""
    header = request.headers.get("If-Match")
    if header is None:
        return
    wanted = [t.strip() for t in header.split(",")]
    if "*" in wanted or current in wanted:
        return
    raise PreconditionFailed(
        _(
            "Đối tượng đã thay đổi từ khi bạn đọc nó (If-Match không khớp ETag hiện tại); "
            "hãy đọc lại rồi thử lại."
        )
    )


def if_match(tag_of: Callable[[Any], str]) -> Callable[[Any], None] | None:
    """Return the If-Match check for an engine operation to run on the row it has just locked
    (engine.workflow.operations.Precondition), ``tag_of`` giving that row's ETag; None when
    the request has no If-Match. Checked after the lock, in the operation's transaction, a
    change made after the client read the resource is a 412, never a lost update."""
    if request.headers.get("If-Match") is None:
        return None

    def check(row: Any) -> None:
        check_if_match(tag_of(row))

    return check


def json_response(payload: dict[str, Any], status: int = 200) -> Response:
    """Return ``payload`` as an application/json response."""
    return Response(json.dumps(payload), status=status, mimetype="application/json")


def with_etag(payload: dict[str, Any], tag: str, status: int = 200) -> Response:
    response = json_response(payload, status)
    response.headers["ETag"] = tag
    return response


# --- The wrapper every operation runs in --------------------------------------------------------

_REPLAYED_HEADERS = ("Content-Type", "ETag", "Location")


def _wrap(view: Callable[..., Any], op: Operation) -> Callable[..., Any]:
    @wraps(view)
    def run(**kwargs: Any) -> Any:
        _check_known(op)
        if not op.reads and g.get("api_scope") == "read":
            raise InsufficientScope(_("Mã truy cập này chỉ có quyền đọc (scope read)."))
        key = request.headers.get("Idempotency-Key")
        if op.method != "POST" or key is None:
            return view(**kwargs)
        key = idempotency.check_key(key.strip())

        def call() -> idempotency.Answer:
            response = current_app.make_response(view(**kwargs))
            return idempotency.Answer(
                response.status_code,
                response.get_data(as_text=True),
                {h: response.headers[h] for h in _REPLAYED_HEADERS if h in response.headers},
            )

        print_ = idempotency.fingerprint(op.method, request.full_path, request.get_data())
        answer, replayed = idempotency.run_once(db(), api_user().id, key, print_, call)
        response = Response(answer.body, status=answer.status)
        for name, value in answer.headers.items():
            response.headers[name] = value
        if replayed:
            response.headers["Idempotent-Replayed"] = "true"
        return response

    return run

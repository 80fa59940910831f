"""Administration reads (units, users, campaigns, failed e-mails) and API tokens: list, create,
revoke. Administrators only; the secretariat reads campaigns."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any, Literal, TypeVar

from flask import Response
from pydantic import AwareDatetime, BaseModel, Field

from engine import notify, permissions
from engine.admin import reads
from engine.domain import tokens
from engine.errors import Forbidden, NotFound
from engine.models import ApiToken, User
from web.api import schemas
from web.api.base import api_user, body, dump, operation, page_and_size, paged
from web.api.params import ID
from web.context import db

TAG = "administration"
T = TypeVar("T")


def _require(section: permissions.Section) -> None:
    if not permissions.may_administer(api_user(), section):
        raise Forbidden("Bạn không có quyền quản trị mục này.")


def _listing(
    section: permissions.Section, rows: Callable[[], Iterable[T]], item: Callable[[T], BaseModel]
) -> Response:
    """The body every administration list shares: the section's permission, the page and
    per_page (strict), the page of ``rows()`` as ``item``s, with Link and X-Total-Count."""
    _require(section)
    number, per_page = page_and_size()
    found = list(rows())
    start = (number - 1) * per_page
    items = [dump(item(row)) for row in found[start : start + per_page]]
    return paged(items, len(found), number, per_page)


class UnitInfo(schemas.Model):
    id: int
    code: str
    name: str
    active: bool


class UserInfo(schemas.Model):
    id: int
    username: str
    full_name: str
    email: str | None
    unit_id: int | None
    active: bool
    roles: list[str]


class CampaignInfo(schemas.Model):
    id: int
    name: str
    year: int
    title_codes: list[str]


class FailedMail(schemas.Model):
    id: int
    user_id: int
    username: str
    attempts: int
    last_error: str | None
    created_at: AwareDatetime


@operation(
    "GET",
    "/admin/units",
    "list_units",
    TAG,
    "Units",
    response=schemas.page_of(UnitInfo),
    errors=(400, 403),
    paged=True,
)
def list_units() -> Response:
    return _listing(
        "org",
        lambda: reads.units(db()),
        lambda u: UnitInfo(id=u.id, code=u.code, name=u.name, active=u.active),
    )


def _roles(user: User) -> list[str]:
    return sorted({m.role_code for m in user.memberships})


@operation(
    "GET",
    "/admin/users",
    "list_users",
    TAG,
    "Users with their roles",
    response=schemas.page_of(UserInfo),
    errors=(400, 403),
    paged=True,
)
def list_users() -> Response:
    return _listing(
        "org",
        lambda: reads.users(db()),
        lambda u: UserInfo(
            id=u.id,
            username=u.username,
            full_name=u.full_name,
            email=u.email,
            unit_id=u.unit_id,
            active=u.active,
            roles=_roles(u),
        ),
    )


@operation(
    "GET",
    "/admin/campaigns",
    "list_campaigns",
    TAG,
    "Campaigns and the titles each opens",
    response=schemas.page_of(CampaignInfo),
    errors=(400, 403),
    paged=True,
)
def list_campaigns() -> Response:
    return _listing(
        "campaigns",
        lambda: reads.campaigns(db()),
        lambda c: CampaignInfo(id=c.id, name=c.name, year=c.year, title_codes=list(c.title_codes)),
    )


@operation(
    "GET",
    "/admin/outbox/failed",
    "list_failed_mail",
    TAG,
    "E-mails that could not be sent",
    response=schemas.page_of(FailedMail),
    errors=(400, 403),
    paged=True,
)
def list_failed_mail() -> Response:
    return _listing(
        "outbox",
        lambda: notify.failed_messages(db()),
        lambda row: FailedMail(
            id=row[0].id,
            user_id=row[1].id,
            username=row[1].username,
            attempts=row[0].attempts,
            last_error=row[0].last_error,
            created_at=row[0].created_at,
        ),
    )


class TokenInfo(schemas.Model):
    id: int
    user_id: int
    username: str
    name: str
    scope: Literal["read", "act"] | str
    created_at: AwareDatetime
    expires_at: AwareDatetime | None
    last_used_at: AwareDatetime | None
    revoked_at: AwareDatetime | None
    live: bool


class TokenRequest(schemas.Model):
    user_id: int = Field(ge=1, le=ID["maximum"])
    name: str = Field(default="", max_length=tokens.MAX_NAME)
    scope: Literal["read", "act"] = "read"
    expires_in_days: int | None = Field(
        default=90, ge=1, le=tokens.MAX_DAYS, description="None: never expires"
    )


class NewToken(TokenInfo):
    token: str = Field(description="The token itself: shown this once, never again")


def token_model(row: ApiToken) -> TokenInfo:
    return TokenInfo(
        id=row.id,
        user_id=row.user_id,
        username=row.user.username,
        name=row.name,
        scope=row.scope,
        created_at=row.created_at,
        expires_at=row.expires_at,
        last_used_at=row.last_used_at,
        revoked_at=row.revoked_at,
        live=tokens.is_live(row),
    )


def token_info(row: ApiToken) -> dict[str, Any]:
    return dump(token_model(row))


@operation(
    "GET",
    "/admin/tokens",
    "list_tokens",
    TAG,
    "API tokens: scope, expiry, last use, revocation",
    response=schemas.page_of(TokenInfo),
    errors=(400, 403),
    paged=True,
)
def list_tokens() -> Response:
    return _listing("org", lambda: tokens.all_tokens(db()), token_model)


@operation(
    "POST",
    "/admin/tokens",
    "create_token",
    TAG,
    "Create a token for a user (read or act, with an expiry); the token is shown once",
    response=NewToken,
    status=201,
    errors=(400, 403, 404, 422),
    body=TokenRequest,
)
def create_token() -> tuple[dict[str, Any], int]:
    _require("org")
    data = body(TokenRequest)
    user = db().get(User, data.user_id)
    if user is None:
        raise NotFound("Không tìm thấy người dùng.")
    secret = tokens.create_token(
        db(),
        user,
        data.name,
        data.scope,
        tokens.expiry_after(data.expires_in_days),
        actor=api_user(),
    )
    row = tokens.authenticate_token(db(), secret)
    assert row is not None
    return {**token_info(row), "token": secret}, 201


@operation(
    "POST",
    "/admin/tokens/<int:token_id>/revoke",
    "revoke_token",
    TAG,
    "Revoke a token; it stops working at once",
    response=TokenInfo,
    errors=(403, 404),
)
def revoke_token(token_id: int) -> dict[str, Any]:
    _require("org")
    return token_info(tokens.revoke(db(), api_user(), token_id))

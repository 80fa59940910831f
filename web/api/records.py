"""The agency's records the rules read: yearly ratings (đánh giá, xếp loại) and recognised
initiatives (sáng kiến, đề tài), per person, unit and year. Directors, the secretariat and
admins (those who see the award history); they come in through the imports."""

from __future__ import annotations

from typing import Any, Literal

from flask import Response, request
from flask_babel import gettext as _
from pydantic import Field
from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from engine import permissions
from engine.errors import Forbidden
from engine.models import Initiative, InitiativeAuthor, PerformanceRecord, User
from engine.models.agency import INITIATIVE_LEVELS, INITIATIVE_SCOPES
from engine.read import queries
from web.api import schemas
from web.api.base import (
    InvalidParameters,
    Param,
    api_user,
    choice_arg,
    dump,
    operation,
    page_and_size,
    paged,
    parsed,
)
from web.api.params import ID
from web.context import db

TAG = "records"
YEAR: dict[str, Any] = {"type": "integer", "minimum": queries.MIN_YEAR, "maximum": queries.MAX_YEAR}
RATINGS = ("excellent", "good", "complete", "incomplete")
INITIATIVE_KINDS = ("initiative", "research")


def _manager() -> None:
    if not permissions.may_see_reports(api_user()):
        raise Forbidden(_("Chỉ lãnh đạo, Thường trực Hội đồng và quản trị xem được số liệu này."))


def _id(name: str, label: str) -> int | None:
    found: int | None = parsed(lambda: queries.row_id_arg(request.args, name, label))
    return found


def _years(column: Any) -> list[Any]:
    """The year, from and to filters on ``column`` (from > to is a 400)."""
    year = parsed(lambda: queries.year_arg(request.args, "year"))
    first = parsed(lambda: queries.year_arg(request.args, "from"))
    last = parsed(lambda: queries.year_arg(request.args, "to"))
    if first is not None and last is not None and first > last:
        message = _("Năm bắt đầu (from) phải không lớn hơn năm kết thúc (to).")
        raise InvalidParameters(message, {"from": message})
    found = []
    if year is not None:
        found.append(column == year)
    if first is not None:
        found.append(column >= first)
    if last is not None:
        found.append(column <= last)
    return found


def _page_of(session: Session, query: Any, order: tuple[Any, ...]) -> tuple[list[Any], int]:
    number, per_page = page_and_size()
    total = session.scalar(select(func.count()).select_from(query.order_by(None).subquery())) or 0
    rows = list(
        session.execute(query.order_by(*order).limit(per_page).offset((number - 1) * per_page))
    )
    return rows, total


YEAR_PARAMS = (
    Param("year", YEAR, "One year"),
    Param("from", YEAR, "From this year"),
    Param("to", YEAR, "Up to this year"),
)


class Rating(schemas.Model):
    """A person's or a collective's rating for a year, with its recognised initiatives."""

    id: int
    nominee_kind: Literal["individual", "collective"]
    user_id: int | None
    unit_id: int | None = Field(description="The collective, or the person's current unit")
    name: str = Field(description="The person's full name (an individual)")
    year: int
    rating: Literal["excellent", "good", "complete", "incomplete"] | str
    initiatives: int
    initiative_scope: Literal["unit", "province", "national"] | str | None
    note: str | None


@operation(
    "GET",
    "/ratings",
    "list_ratings",
    TAG,
    "Yearly ratings of people and collectives, newest year first",
    response=schemas.page_of(Rating),
    errors=(400, 403),
    query=(
        Param("user", ID, "A person (their ratings)"),
        Param("unit", ID, "A unit: the collective's ratings and its current staff's"),
        Param("kind", {"type": "string", "enum": ["individual", "collective"]}, "Person or unit"),
        Param("rating", {"type": "string", "enum": list(RATINGS)}, "The rating"),
        *YEAR_PARAMS,
    ),
    paged=True,
)
def list_ratings() -> Response:
    _manager()
    user_id = _id("user", _("Cán bộ"))
    unit_id = _id("unit", _("Đơn vị"))
    kind = choice_arg("kind", ("individual", "collective"))
    rating = choice_arg("rating", RATINGS)
    query = select(PerformanceRecord, User).outerjoin(User, User.id == PerformanceRecord.user_id)
    query = query.where(*_years(PerformanceRecord.year))
    if user_id is not None:
        query = query.where(PerformanceRecord.user_id == user_id)
    if unit_id is not None:
        query = query.where(or_(PerformanceRecord.unit_id == unit_id, User.unit_id == unit_id))
    if kind == "individual":
        query = query.where(PerformanceRecord.user_id.is_not(None))
    elif kind == "collective":
        query = query.where(PerformanceRecord.unit_id.is_not(None))
    if rating is not None:
        query = query.where(PerformanceRecord.rating == rating)
    rows, total = _page_of(db(), query, (PerformanceRecord.year.desc(), PerformanceRecord.id))
    items = [
        dump(
            Rating(
                id=r.id,
                nominee_kind="individual" if r.user_id is not None else "collective",
                user_id=r.user_id,
                unit_id=r.unit_id if r.unit_id is not None else (u.unit_id if u else None),
                name=u.full_name if u else "",
                year=r.year,
                rating=r.rating,
                initiatives=r.initiatives,
                initiative_scope=r.initiative_scope,
                note=r.note,
            )
        )
        for r, u in rows
    ]
    number, per_page = page_and_size()
    return paged(items, total, number, per_page)


class Author(schemas.Model):
    user_id: int
    full_name: str
    unit_id: int | None


class InitiativeInfo(schemas.InitiativeFields):
    """An initiative (sáng kiến) or research (đề tài) recognised by a decision."""

    authors: list[Author]


@operation(
    "GET",
    "/initiatives",
    "list_initiatives",
    TAG,
    "Recognised initiatives and research with their authors, newest year first",
    response=schemas.page_of(InitiativeInfo),
    errors=(400, 403),
    query=(
        Param("user", ID, "An author"),
        Param("unit", ID, "Authors of this (current) unit"),
        Param("kind", {"type": "string", "enum": list(INITIATIVE_KINDS)}, "Initiative or research"),
        Param("level", {"type": "string", "enum": list(INITIATIVE_LEVELS)}, "Recognised at"),
        Param("scope", {"type": "string", "enum": list(INITIATIVE_SCOPES)}, "Scope of effect"),
        *YEAR_PARAMS,
    ),
    paged=True,
)
def list_initiatives() -> Response:
    _manager()
    session = db()
    user_id = _id("user", _("Tác giả"))
    unit_id = _id("unit", _("Đơn vị"))
    kind = choice_arg("kind", INITIATIVE_KINDS)
    level = choice_arg("level", INITIATIVE_LEVELS)
    scope = choice_arg("scope", INITIATIVE_SCOPES)
    query = select(Initiative).where(*_years(Initiative.year))
    if user_id is not None or unit_id is not None:
        authors = select(InitiativeAuthor.initiative_id).join(
            User, User.id == InitiativeAuthor.user_id
        )
        if user_id is not None:
            authors = authors.where(InitiativeAuthor.user_id == user_id)
        if unit_id is not None:
            authors = authors.where(User.unit_id == unit_id)
        query = query.where(Initiative.id.in_(authors))
    for column, value in (
        (Initiative.kind, kind),
        (Initiative.level, level),
        (Initiative.scope, scope),
    ):
        if value is not None:
            query = query.where(column == value)
    rows, total = _page_of(session, query, (Initiative.year.desc(), Initiative.id))
    ids = [i.id for (i,) in rows]
    by_initiative: dict[int, list[Author]] = {i: [] for i in ids}
    for initiative_id, user in session.execute(
        select(InitiativeAuthor.initiative_id, User)
        .join(User, User.id == InitiativeAuthor.user_id)
        .where(InitiativeAuthor.initiative_id.in_(ids))
        .order_by(InitiativeAuthor.id)
    ):
        by_initiative[initiative_id].append(
            Author(user_id=user.id, full_name=user.full_name, unit_id=user.unit_id)
        )
    items = [
        dump(InitiativeInfo(**schemas.InitiativeFields.fields_of(i), authors=by_initiative[i.id]))
        for (i,) in rows
    ]
    number, per_page = page_and_size()
    return paged(items, total, number, per_page)

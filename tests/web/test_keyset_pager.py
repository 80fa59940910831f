"""The pager of the inboxes and the dossier list links deep pages by cursor (keyset paging),
the API adds cursor links to its page links, and a bad cursor is a 400 with a message."""

from __future__ import annotations

import html
import re

import pytest
from flask.testing import FlaskClient
from sqlalchemy.orm import Session, sessionmaker

from engine.domain.tokens import create_token
from engine.read import queries
from engine.read.queries import PER_PAGE
from engine.unit_of_work import unit_of_work
from tests.common import dossiers, workflow
from tests.common.worlds import World
from tests.web.conftest import sign_in


def _rows(page: str) -> list[str]:
    return re.findall(r'href="/tasks/(\d+)"', page)


def _link(page: str, rel: str) -> str:
    found = re.search(rf'href="([^"]+)" rel="{rel}"', page)
    assert found is not None, rel
    return html.unescape(found.group(1))


@pytest.fixture
def many(world: World, session_factory: sessionmaker[Session]) -> World:
    """Unit A's head lane holds two pages and a half of open tasks."""
    with unit_of_work(session_factory) as s:
        for i in range(2 * PER_PAGE + 3):
            d = dossiers.dossier(s, world.unit_a, nominee_name=f"Người {i:02d}", with_instance=True)
            workflow.task(s, d)
    return world


def test_pages_beyond_the_numbered_ones_are_linked_by_cursor(
    client: FlaskClient, many: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    sign_in(client, many.users["head_a"])
    by_number = [
        _rows(client.get(f"/tasks/group?page={n}").get_data(as_text=True)) for n in (1, 2, 3)
    ]
    monkeypatch.setattr("web.common.NUMBERED_PAGES", 1)
    first = client.get("/tasks/group").get_data(as_text=True)
    following = _link(first, "next")
    assert "cursor=" in following
    assert "page=" not in following
    second = client.get(following).get_data(as_text=True)
    assert _rows(second) == by_number[1]
    assert 'aria-current="page">2<' in second
    third = client.get(_link(second, "next")).get_data(as_text=True)
    assert _rows(third) == by_number[2]
    assert 'rel="next"' not in third  # the last page
    back = client.get(_link(third, "prev")).get_data(as_text=True)
    assert _rows(back) == by_number[1]
    # The first page is linked by number; the last by the end cursor.
    assert "cursor=" not in _link(back, "prev")
    assert "page=" not in _link(back, "prev")
    last = re.search(r'href="([^"]+)" aria-label="Trang 3"', first)
    assert last is not None
    assert "cursor=" in last.group(1)
    assert _rows(client.get(html.unescape(last.group(1))).get_data(as_text=True)) == by_number[2]


@pytest.mark.parametrize("path", ["/tasks/group", "/tasks/mine", "/dossiers"])
def test_a_bad_cursor_is_a_400_page_with_a_message(
    client: FlaskClient, many: World, path: str
) -> None:
    sign_in(client, many.users["head_a"])
    response = client.get(path, query_string={"cursor": "not-a-cursor"})
    assert response.status_code == 400
    assert "Con trỏ trang (cursor) không hợp lệ" in response.get_data(as_text=True)
    # A cursor of another sort is not this list's either.
    other = queries.encode_cursor("after", ["Người 01", 1], 2, "nominee")
    assert client.get(path, query_string={"cursor": other}).status_code == 400


def test_the_api_adds_cursor_links_and_refuses_a_bad_cursor(
    client: FlaskClient, many: World, session_factory: sessionmaker[Session]
) -> None:
    with unit_of_work(session_factory) as s:
        token = create_token(s, s.merge(many.users["head_a"]))
    h = {"Authorization": f"Bearer {token}"}
    first = client.get("/api/v1/tasks/group?per_page=10", headers=h)
    links = first.headers["Link"]
    assert 'page=2&per_page=10>; rel="next"' in links
    found = re.search(r'<http://[^/]+(/api/v1/tasks/group\?[^>]+)>; rel="next-cursor"', links)
    assert found is not None
    assert 'rel="last-cursor"' in links
    by_page = client.get("/api/v1/tasks/group?per_page=10&page=2", headers=h).get_json()
    by_cursor = client.get(found.group(1), headers=h).get_json()
    assert by_cursor["items"] == by_page["items"]
    assert by_cursor["meta"]["page"] == 2
    bad = client.get("/api/v1/tasks/group?cursor=%%%", headers=h)
    assert bad.status_code == 400
    assert set(bad.get_json()["fields"]) == {"cursor"}

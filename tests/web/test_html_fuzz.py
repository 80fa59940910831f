"""The property test of issue 14 over the HTML pages, as tests/web/test_api_fuzz.py is over the
API: every GET route of the URL map (static files and /api/ aside), its ``<int:…>`` ids and
the list pages' query parameters filled by Hypothesis — huge and negative numbers, NUL,
unicode digits, long strings, empty values, bogus sorts — for anonymous visitors and several
roles. Never a 5xx; an id outside 1 … 2^31−1 is a 404; a bad parameter on a page the caller may
open is a 400/422 whose page names the parameter, never silently ignored.

Deterministic: Hypothesis runs derandomized with no example database, over the fixed web world
(tests/web/conftest.py); the cases that found a 500 or a silently ignored parameter are kept as
explicit examples (``REGRESSIONS``).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from werkzeug.routing import AnyConverter, IntegerConverter, PathConverter, Rule

from engine.db import MAX_ID
from engine.domain.rules.titles import KIND_NAMES, title_codes
from engine.read.queries import DUE_FILTERS, MAX_PAGE, MAX_QUERY, MAX_YEAR, MIN_YEAR
from tests.common.worlds import World
from tests.web.conftest import sign_in
from web.common import DOSSIER_SORTS, INBOX_SORTS

#: Examples per run: about 0.05 s of CPU each on SQLite (30 s in all on an idle machine).
EXAMPLES = 500
CALLERS = ("anonymous", "clerk_a", "head_a", "council", "secretariat", "director", "admin")


# --- what each page's query parameters accept --------------------------------------------------

Check = Callable[[str], bool]


def _digits_between(low: int, high: int) -> Check:
    def check(value: str) -> bool:
        value = value.strip()
        return not value or (value.isascii() and value.isdigit() and low <= int(value) <= high)

    return check


def _one_of(*allowed: str) -> Check:
    return lambda value: not value.strip() or value.strip() in allowed


def _text_up_to(n: int) -> Check:
    return lambda value: len(value.strip()) <= n


def _iso_date(value: str) -> bool:
    value = value.strip()
    if not value:
        return True
    try:
        if not value.isascii():
            return False
        date.fromisoformat(value)
    except ValueError:
        return False
    return True


ID = _digits_between(1, MAX_ID)
PAGE = _digits_between(1, MAX_PAGE)
YEAR = _digits_between(MIN_YEAR, MAX_YEAR)
TEXT = _text_up_to(MAX_QUERY)


def _list(sorts: tuple[str, ...]) -> dict[str, Check]:
    return {
        "campaign": ID,
        "unit": ID,
        "page": PAGE,
        "sort": _one_of(*sorts),
        "due": _one_of(*DUE_FILTERS),
        "q": TEXT,
    }


AWARD_FILTERS = {
    "q": TEXT,
    "kind": _one_of(*KIND_NAMES),
    "unit": TEXT,
    "year": YEAR,
    "title": _one_of(*title_codes()),
}
#: The query parameters each list page reads, and what each accepts (empty = not given).
PARAMETERS: dict[str, dict[str, Check]] = {
    "inbox.inbox": {**_list(INBOX_SORTS), "done": ID},
    "dossiers.index": _list(DOSSIER_SORTS),
    "awards.search": {**AWARD_FILTERS, "page": PAGE},
    "awards.export": AWARD_FILTERS,
    "awards.statistics": {"from": YEAR, "to": YEAR},
    "awards.statistics_export": {"from": YEAR, "to": YEAR},
    "dashboard.index": {"campaign": ID, "from": _iso_date, "to": _iso_date, "page": PAGE},
    "dashboard.export": {"campaign": ID, "from": _iso_date, "to": _iso_date},
    "council.index": {"campaign_id": ID},
}

NASTY = [
    "",
    " ",
    "0",
    "-1",
    "1.5",
    "abc",
    "\x00",
    "1\x00",
    "٣",
    "²",
    "１",
    str(MAX_ID),
    str(MAX_ID + 1),
    str(2**63),
    str(2**64),
    "9" * 400,
    "x" * (MAX_QUERY + 1),
    "Hà Nội",
    "' OR 1=1 --",
    "<script>",
    "2024-02-30",
    "2024-01-01",
    "2024",
    "bogus",
    "-due",
    "week",
    "LDTT",
    "individual",
]
values = st.one_of(st.sampled_from(NASTY), st.text(max_size=120))
huge_ints = st.one_of(
    st.integers(min_value=-(2**70), max_value=2**70),
    st.sampled_from([0, 1, MAX_ID, MAX_ID + 1, 2**63, 10**30]),
)


# --- the routes ---------------------------------------------------------------------------------


def _get_rules(app: Flask) -> list[Rule]:
    return sorted(
        (
            r
            for r in app.url_map.iter_rules()
            if "GET" in (r.methods or ())
            and r.endpoint != "static"
            and not r.rule.startswith(("/api/", "/static"))
        ),
        key=lambda r: r.rule,
    )


def _build(rule: Rule, path_values: dict[str, Any]) -> str:
    built = rule.build(path_values, append_unknown=False)
    assert built is not None
    return built[1]


def _path_values(rule: Rule, draw: Any, known: dict[str, list[int]]) -> tuple[dict[str, Any], bool]:
    """Fill the rule's arguments; return them and whether every id is within 1 … MAX_ID."""
    filled: dict[str, Any] = {}
    in_range = True
    for name, converter in (rule._converters or {}).items():
        if isinstance(converter, IntegerConverter):
            value = draw(st.one_of(st.sampled_from(known.get(name) or [1]), huge_ints))
            in_range = in_range and 1 <= value <= MAX_ID
            filled[name] = value
        elif isinstance(converter, AnyConverter):
            filled[name] = draw(st.sampled_from(sorted(converter.items)))
        elif isinstance(converter, PathConverter):
            filled[name] = draw(st.sampled_from(["procedure.bpmn", "a/../b.dmn"]) | values)
        else:
            filled[name] = draw(st.sampled_from(["vi", "en", "stage_unit", "x"]) | values)
    return filled, in_range


# --- the callers --------------------------------------------------------------------------------


@pytest.fixture
def callers(app: Flask, world: World) -> dict[str, FlaskClient]:
    """One client per caller, signed in once (anonymous: never)."""
    users = {**world.users, "admin": world.procedure.user("admin")}
    clients = {}
    for name in CALLERS:
        client = app.test_client()
        if name != "anonymous":
            sign_in(client, users[name])
        clients[name] = client
    return clients


def _known_ids(world: World) -> dict[str, list[int]]:
    """Ids that name rows of the world, so the views behind the 404 are reached too."""
    return {
        "dossier_id": [world.dossier.id],
        "task_id": [world.task.id],
        "user_id": [world.users["clerk_a"].id],
        "spec_id": [1],
        "job_id": [1],
        "attachment_id": [1],
        "document_id": [1],
    }


def _names_the_parameter(body: str, names: list[str]) -> bool:
    return "NUL" in body or any(f"({name})" in body for name in names)


#: Cases the property found (500s, parameters silently ignored), kept as explicit examples:
#: (caller, endpoint, query).
REGRESSIONS: list[tuple[str, str, dict[str, str]]] = [
    # A malformed date was read as the default period.
    ("director", "dashboard.index", {"to": "â"}),
    ("secretariat", "dashboard.export", {"from": "2024-02-30"}),
    # An unknown title or kind, or an over-long text, was dropped from the award look-up.
    ("director", "awards.export", {"title": "-1"}),
    ("secretariat", "awards.search", {"kind": "bogus"}),
    ("secretariat", "awards.search", {"unit": "x" * (MAX_QUERY + 1)}),
    # ?done= that is no task id was ignored; a malformed campaign was the first campaign.
    ("director", "inbox.inbox", {"done": "\tJU"}),
    ("secretariat", "council.index", {"campaign_id": "week"}),
]


@pytest.mark.slow
def test_every_html_route_answers_bad_ids_and_parameters_without_a_server_error(
    app: Flask, world: World, callers: dict[str, FlaskClient]
) -> None:
    rules = _get_rules(app)
    assert len(rules) > 40
    by_endpoint = {r.endpoint: r for r in rules}
    assert set(PARAMETERS) <= set(by_endpoint), set(PARAMETERS) - set(by_endpoint)
    known = _known_ids(world)
    baseline: dict[tuple[str, str], int] = {}
    ran = 0

    def status_without_query(caller: str, path: str) -> int:
        if (caller, path) not in baseline:
            baseline[caller, path] = callers[caller].get(path).status_code
        return baseline[caller, path]

    def check(caller: str, rule: Rule, path: str, in_range: bool, query: dict[str, str]) -> None:
        nonlocal ran
        ran += 1
        response = callers[caller].get(path, query_string=query)
        status = response.status_code
        where = (caller, path, query, status)
        assert status < 500, where
        if not in_range:
            assert status == 404, where
            return
        checks = PARAMETERS.get(rule.endpoint, {})
        bad = [n for n, v in query.items() if "\x00" in n + v or (n in checks and not checks[n](v))]
        if not bad:
            return
        if "\x00" in path + "".join(f"{k}{v}" for k, v in query.items()):
            assert status == 400, where
            return
        if status_without_query(caller, path) != 200:
            return  # refused before its parameters are read (log-in, 403, 404)
        assert status in (400, 422), where
        assert _names_the_parameter(response.get_data(as_text=True), bad), where

    @st.composite
    def cases(draw: Any) -> tuple[str, Rule, str, bool, dict[str, str]]:
        caller = draw(st.sampled_from(CALLERS))
        # The list pages are drawn more often: they are where the parameters are.
        listed = sorted(PARAMETERS)
        endpoint = draw(st.sampled_from(listed) | st.sampled_from([r.endpoint for r in rules]))
        rule = by_endpoint[endpoint]
        filled, in_range = _path_values(rule, draw, known)
        names = sorted(PARAMETERS.get(endpoint, {})) or ["q", "page"]
        query = draw(st.dictionaries(st.sampled_from(names), values, max_size=3))
        return caller, rule, _build(rule, filled), in_range, query

    @given(case=cases())
    @settings(
        max_examples=EXAMPLES,
        deadline=None,
        database=None,
        derandomize=True,
        phases=[Phase.explicit, Phase.generate],
        suppress_health_check=list(HealthCheck),
    )
    def property_holds(case: tuple[str, Rule, str, bool, dict[str, str]]) -> None:
        check(*case)

    for caller, endpoint, query in REGRESSIONS:
        rule = by_endpoint[endpoint]
        path = _build(rule, {"box": "mine", "name": "stage_unit"})
        check(caller, rule, path, True, query)
        assert baseline[caller, path] == 200, (caller, path)  # the refusal was the parameter's
    property_holds()
    assert ran >= EXAMPLES


def test_the_route_walk_sees_every_list_page(app: Flask) -> None:
    """A list page added later gets its parameters listed above, or this fails."""
    lists = {
        r.endpoint
        for r in _get_rules(app)
        if re.search(r"\.(index|search|inbox|statistics)$", r.endpoint)
        and not r.endpoint.startswith(("admin.", "notifications.", "start.", "documents."))
    }
    assert lists <= set(PARAMETERS), lists - set(PARAMETERS)

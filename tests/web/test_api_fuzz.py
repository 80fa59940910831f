"""Schemathesis over the whole OpenAPI document (issue 14's standing check): every operation,
with a token and without, answers no 5xx and nothing the document does not declare.

Checks: all of schemathesis' response checks except positive_data_acceptance — data that fits
the schema may still be refused on purpose (a task's own form fields, a dossier not waiting for
the council), with a 409 or 422 the document declares.
"""

from __future__ import annotations

from typing import Any

import pytest
import schemathesis
from flask.testing import FlaskClient
from hypothesis import HealthCheck, Phase, given, settings
from schemathesis.specs.openapi.checks import positive_data_acceptance
from sqlalchemy.orm import Session, sessionmaker

from engine.domain.tokens import create_token
from engine.unit_of_work import unit_of_work
from tests.common.worlds import World

#: Cases per operation and caller (two tokens, none): 45 operations × 3 × 15 ≥ 1,000.
CASES = 15


@pytest.mark.slow
@pytest.mark.timeout(1200)  # ~45 operations × 3 callers; minutes on a loaded machine
def test_schemathesis_finds_no_server_error_and_no_schema_violation(
    client: FlaskClient, world: World, session_factory: sessionmaker[Session]
) -> None:
    app = client.application
    with unit_of_work(session_factory) as s:
        admin = create_token(s, s.merge(world.procedure.user("admin")))
        head = create_token(s, s.merge(world.users["head_a"]))
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app)
    operations = [result.ok() for result in schema.get_all_operations()]  # type: ignore[union-attr]
    assert len(operations) >= 30
    ran = 0
    callers: list[dict[str, str]] = [
        {"Authorization": f"Bearer {admin}"},
        {"Authorization": f"Bearer {head}"},
        {},
    ]

    def run(operation: Any, headers: dict[str, str]) -> None:
        @given(case=operation.as_strategy())
        @settings(
            max_examples=CASES,
            deadline=None,
            database=None,
            phases=[Phase.explicit, Phase.generate],
            suppress_health_check=list(HealthCheck),
        )
        def check(case: Any) -> None:
            nonlocal ran
            ran += 1
            case.headers = {**(case.headers or {}), **headers}
            if not headers:
                case.headers.pop("Authorization", None)
            response = case.call(app=app)
            assert response.status_code < 500, (case.method, case.path, response.text)
            case.validate_response(response, excluded_checks=[positive_data_acceptance])

        check()

    for operation in operations:
        for headers in callers:
            run(operation, headers)
    assert ran >= 1000

"""A page speaks the reader's language whatever language the server spoke first (issue 15,
defect 12; found by the English pass of tests/web/test_journey_browser.py): labels made once
when a template is first imported kept the language of the first page after a restart."""

from __future__ import annotations

from flask.testing import FlaskClient

from tests.common.procedure import Procedure
from tests.web.conftest import csrf_token, sign_in


def test_a_withdrawn_dossier_reads_withdrawn_in_english_after_a_vietnamese_page(
    client: FlaskClient, procedure: Procedure
) -> None:
    dossier_id = procedure.file("vanthu.qlkh", "cb004", "LDTT")
    sign_in(client, procedure.user("vanthu.qlkh"))
    response = client.post(
        f"/dossiers/{dossier_id}/withdraw",
        data={"csrf_token": csrf_token(client), "reason": "Filed by mistake"},
        follow_redirects=True,
    )
    assert response.status_code == 200
    vietnamese = client.get(f"/dossiers/{dossier_id}").get_data(as_text=True)
    assert 'data-status="withdrawn">Đã rút<' in vietnamese
    client.get("/lang/en")
    english = client.get(f"/dossiers/{dossier_id}").get_data(as_text=True)
    assert 'data-status="withdrawn">Withdrawn<' in english
    listed = client.get("/dossiers").get_data(as_text=True)
    assert ">Đã rút<" not in listed

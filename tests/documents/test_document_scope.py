"""Each document takes exactly the dossiers it is about (issue 15, defects 5 and 6), on the real
procedure: the draft Quyết định the director's own titles the council passed, the Tờ trình the
titles for the Chủ tịch UBND tỉnh, a list of a session that session's dossiers — never a
dossier still being prepared or posted, whatever the page's filters say."""

from __future__ import annotations

import io
from collections.abc import Iterator

import pytest
from flask import Flask
from openpyxl import load_workbook
from sqlalchemy.orm import Session, sessionmaker

from engine.documents.context import DocumentInputError, document_number, dossier_ids_for
from engine.documents.render import render_document
from engine.models import Dossier
from tests.common.decided import Decided, decided_dossiers
from tests.common.procedure import Procedure, deployed
from tests.documents.test_documents import docx_table_rows, docx_text


@pytest.fixture
def world(app: Flask, session_factory: sessionmaker[Session]) -> Iterator[Procedure]:
    with deployed(session_factory) as built:
        yield built


@pytest.fixture
def decided(world: Procedure) -> Decided:
    return decided_dossiers(world)


def _names(world: Procedure, *ids: int) -> list[str]:
    with world.factory() as session:
        return [d.nominee_name for d in (session.get(Dossier, i) for i in ids) if d is not None]


def test_the_states_are_the_ones_the_documents_choose_between(
    world: Procedure, decided: Decided
) -> None:
    stages = {
        name: (world.dossier(i).status, world.dossier(i).stage)
        for name, i in vars(decided).items()
        if name != "session_id"
    }
    assert stages == {
        "for_director": ("active", "decision"),
        "awarded": ("awarded", "archived"),
        "for_province": ("active", "submission"),
        "not_selected": ("not_selected", "archived"),
        "posting": ("active", "posting"),
        "preparing": ("active", "prepare"),
    }


def test_draft_decision_lists_only_what_the_director_decides(
    world: Procedure, decided: Decided
) -> None:
    with world.factory() as session:
        ids = dossier_ids_for(session, "decision", campaign_id=world.campaign_id)
        doc = render_document(session, "decision", {"dossier_ids": ids, "number": "120"})
    assert sorted(ids) == sorted([decided.for_director, decided.awarded])
    text = docx_text(doc.content)
    assert "Điều 1. Công nhận / tặng thưởng cho 0 tập thể và 2 cá nhân" in text
    rows = docx_table_rows(doc.content, "STT")
    assert sorted(r[1] for r in rows) == sorted(
        _names(world, decided.for_director, decided.awarded)
    )


def test_submission_to_the_province_has_no_title_the_director_decides(
    world: Procedure, decided: Decided
) -> None:
    with world.factory() as session:
        ids = dossier_ids_for(session, "submission", campaign_id=world.campaign_id)
        doc = render_document(session, "submission", {"dossier_ids": ids, "number": "7"})
    assert ids == [decided.for_province]
    text = docx_text(doc.content)
    assert "Kính gửi: Chủ tịch Ủy ban nhân dân tỉnh Cao Bằng" in text
    assert "khen thưởng cho 0 tập thể và 1 cá nhân" in text
    assert "- Bằng khen của Chủ tịch UBND tỉnh: 1 cá nhân;" in text
    assert "Lao động tiên tiến" not in text


def test_a_sessions_list_has_the_dossiers_put_to_that_session(
    world: Procedure, decided: Decided
) -> None:
    with world.factory() as session:
        ids = dossier_ids_for(
            session, "nominee_list_xlsx", "session", session_id=decided.session_id
        )
        doc = render_document(session, "nominee_list_xlsx", {"dossier_ids": ids})
    sheet = load_workbook(io.BytesIO(doc.content)).active
    values = [list(row) for row in sheet.iter_rows(values_only=True)]
    listed = [v[1] for v in values[3:] if isinstance(v[0], int)]
    assert sorted(listed) == sorted(
        _names(
            world, decided.for_director, decided.awarded, decided.for_province, decided.not_selected
        )
    )
    assert values[-1][1] == "Tổng cộng: 0 tập thể, 4 cá nhân"


def test_a_scope_the_document_cannot_have_is_refused(world: Procedure, decided: Decided) -> None:
    with world.factory() as session, pytest.raises(DocumentInputError, match="chỉ lập cho"):
        dossier_ids_for(session, "submission", "director", campaign_id=world.campaign_id)
    with world.factory() as session, pytest.raises(DocumentInputError, match="phiên họp"):
        dossier_ids_for(session, "nominee_list", "session")


def test_the_documents_page_ignores_dossiers_being_prepared(
    app: Flask, world: Procedure, decided: Decided
) -> None:
    """The page's old "Bước: Tất cả" took the whole campaign; the Tờ trình now takes its own."""
    from tests.web.conftest import csrf_token, sign_in

    client = app.test_client()
    sign_in(client, world.user("thuky"))
    response = client.post(
        "/documents/generate",
        data={
            "csrf_token": csrf_token(client),
            "kind": "submission",
            "campaign_id": str(world.campaign_id),
            "title": "",
            "stage": "",
            "number": "1/TTr-SKHCN",
        },
    )
    assert response.status_code == 200, response.get_data(as_text=True)[:300]
    text = docx_text(response.data)
    assert "khen thưởng cho 0 tập thể và 1 cá nhân" in text
    assert "Số: 1/TTr-SKHCN" in text
    assert "TTr-SKHCN/TTr-SKHCN" not in text


@pytest.mark.parametrize(
    ("typed", "kept"),
    [("45", "45"), (" 45 ", "45"), ("45/TTr-SKHCN", "45"), ("45/ttr-skhcn", "45"), ("", "")],
)
def test_a_typed_suffix_is_not_printed_twice(typed: str, kept: str) -> None:
    assert document_number(typed, "TTr", "SKHCN") == kept


@pytest.mark.parametrize("typed", ["45/QĐ-SKHCN", "45/TTr-SKHCN/TTr-SKHCN", "bốn lăm", "1234567"])
def test_a_number_that_is_not_this_documents_is_refused(typed: str) -> None:
    with pytest.raises(DocumentInputError, match="chỉ ghi số"):
        document_number(typed, "TTr", "SKHCN")

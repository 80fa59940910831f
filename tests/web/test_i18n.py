"""Languages: the engine's Vietnamese messages shown in the reader's language, codes shown as
names, and the language taken from Accept-Language until the user picks one."""

from __future__ import annotations

import pytest
from flask import Flask
from flask.testing import FlaskClient

from engine.errors import ValidationFailed
from engine.text import MAX_REASON_CHARS, N_, Message, bounded
from web.i18n import localize_diagram, role_name, stage_name, title_name, translate


def test_an_engine_message_is_vietnamese_text_that_keeps_its_catalogue_id() -> None:
    message = N_("Tối đa %(max)d ký tự (đã nhập %(given)d).", max=5, given=7)
    assert message == "Tối đa 5 ký tự (đã nhập 7)."
    assert isinstance(message, Message)
    assert (message.msgid, message.params) == (
        "Tối đa %(max)d ký tự (đã nhập %(given)d).",
        {"max": 5, "given": 7},
    )


@pytest.mark.parametrize(
    ("lang", "expected"),
    [
        ("en", "Reason for cancelling is too long. At most 2000 characters (2001 entered)."),
        ("vi", "Lý do hủy quá dài. Tối đa 2000 ký tự (đã nhập 2001)."),
    ],
)
def test_engine_messages_are_translated_at_the_web_boundary_parameters_after(
    app: Flask, lang: str, expected: str
) -> None:
    with pytest.raises(ValidationFailed) as refused:
        bounded("x" * (MAX_REASON_CHARS + 1), "reason", N_("Lý do hủy"), MAX_REASON_CHARS)
    with app.test_request_context(headers={"Accept-Language": lang}):
        assert translate(refused.value.message) == expected


def test_codes_are_named_in_the_readers_language(app: Flask) -> None:
    with app.test_request_context(headers={"Accept-Language": "en-GB,en;q=0.9"}):
        assert title_name("LDTT") == "Advanced Worker"
        assert role_name("unit_clerk") == "Unit emulation clerk"
        assert stage_name("completeness") != "completeness"
        xml = '<bpmn:lane id="l" name="unit_head"/><bpmn:userTask id="t" name="Thẩm định hồ sơ"/>'
        shown = localize_diagram(xml)
        assert 'name="Unit head"' in shown
        assert 'name="Check the dossier&#x27;s completeness"' in shown
        assert 'id="t"' in shown
    with app.test_request_context():
        assert title_name("LDTT") == "Lao động tiên tiến"


def test_the_language_follows_accept_language_until_the_user_picks_one(
    client: FlaskClient,
) -> None:
    assert '<html lang="vi">' in client.get("/login").get_data(as_text=True)
    english = client.get("/login", headers={"Accept-Language": "en-US,en;q=0.8"})
    assert '<html lang="en">' in english.get_data(as_text=True)
    assert "Log in" in english.get_data(as_text=True) or "Sign in" in english.get_data(as_text=True)
    # A user's choice wins over the browser's.
    client.get("/lang/vi")
    chosen = client.get("/login", headers={"Accept-Language": "en-US"})
    assert '<html lang="vi">' in chosen.get_data(as_text=True)

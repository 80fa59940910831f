"""The administrator's rules page names no DMN output code (issue 15, defect 11): the routing
table's note said "follow_up_days không dùng ở nhánh này" in the Vietnamese interface."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

from flask.testing import FlaskClient

from tests.common.procedure import WORKFLOWS, Procedure
from tests.web.conftest import sign_in


def test_the_rules_page_shows_no_output_name_of_the_routing_table(
    client: FlaskClient, procedure: Procedure
) -> None:
    root = ET.parse(WORKFLOWS / "routing.dmn").getroot()  # noqa: S314 - our own file
    outputs = {e.get("name") for e in root.iter() if e.tag.endswith("}output") and e.get("name")}
    assert "follow_up_days" in outputs
    sign_in(client, procedure.user("admin"))
    for lang in ("vi", "en"):
        client.get(f"/lang/{lang}")
        page = client.get("/admin/rules").get_data(as_text=True)
        text = re.sub(r"<[^>]+>", " ", page)  # the words shown, not the markup's names
        shown = sorted(name for name in outputs if name and name in text)
        assert shown == [], f"{lang}: {shown}"

"""What the README and the docs say about the demo is true (issue 15, defect 16)."""

from __future__ import annotations

import re
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine import permissions
from engine.demo import DEMO_ACCOUNTS, load_demo
from engine.models import User

ROOT = Path(__file__).resolve().parents[1]
DOCS = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md")), *ROOT.glob("workflows/**/*.md")]


def test_no_doc_points_outside_the_clone() -> None:
    for path in DOCS:
        text = path.read_text("utf-8")
        assert "../shared" not in text, path
        assert "DESIGN.md" not in text, f"{path}: a clone has no DESIGN.md"


def test_whoever_the_readme_gives_administration_may_administer(db_session: Session) -> None:
    load_demo(db_session)
    db_session.commit()
    readme = (ROOT / "README.md").read_text("utf-8")
    # The tour is a numbered list; an item may run over several lines.
    items = re.split(r"\n(?=\d+\. )", readme.split("## A first tour", 1)[1].split("\n## ", 1)[0])
    demo = {a.username for a in DEMO_ACCOUNTS}
    checked = 0
    for item in items:
        if "*Quản trị*" not in item:
            continue
        for username in set(re.findall(r"`([a-z.]+)`", item)) & demo:
            user = db_session.scalars(select(User).where(User.username == username)).one()
            assert permissions.may_administer(user), f"README gives {username} Quản trị"
            checked += 1
    assert checked >= 1, "the README says who has Quản trị"
    director = db_session.scalars(select(User).where(User.username == "giamdoc")).one()
    assert not permissions.may_administer(director)

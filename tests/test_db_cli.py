"""`tdkt db upgrade|downgrade|current|history|check` say what they did, in one line each."""

from __future__ import annotations

from pathlib import Path

from engine.migrate import head_revision, history
from tests.test_cli import _tdkt


def test_the_db_commands_say_what_they_did(tmp_path: Path) -> None:
    env = {"TDKT_DATA_DIR": str(tmp_path)}
    head = head_revision()
    assert head is not None
    revisions = [rev for rev, _down, _msg in history()]

    current = _tdkt("db", "current", env=env)
    assert current.stdout == f"empty (no revision) (head is {head}: run tdkt db upgrade)\n"
    check = _tdkt("db", "check", env=env)
    assert (check.returncode, check.stderr) == (
        2,
        f"tdkt: database at empty (no revision), migrations at {head}: run tdkt db upgrade\n",
    )

    first = _tdkt("db", "upgrade", env=env)
    assert first.stdout == f"database upgraded from empty (no revision) to {head}\n", first.stderr
    again = _tdkt("db", "upgrade", env=env)
    assert again.stdout == f"database already at {head}: nothing to apply\n"
    assert _tdkt("db", "current", env=env).stdout == f"{head} (head)\n"
    assert _tdkt("db", "check", env=env).stdout == (
        f"database at {head} (head); models and migrations agree\n"
    )

    listed = _tdkt("db", "history", env=env).stdout.splitlines()
    assert [line[2:].split()[0] for line in listed] == revisions
    assert listed[-1].startswith(f"* {head} ")

    back = _tdkt("db", "downgrade", "-1", env=env)
    assert back.stdout == f"database downgraded from {head} to {revisions[-2]}\n", back.stderr
    bad = _tdkt("db", "downgrade", "nope", env=env)
    assert bad.returncode == 2
    assert bad.stderr.startswith("tdkt: cannot downgrade to 'nope': ")
    assert bad.stderr.count("\n") == 1

"""What a fresh clone holds: nothing that only works on the machine it was committed from."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def _tracked() -> list[tuple[str, str]]:
    """(mode, path) of every file git tracks here."""
    if shutil.which("git") is None or not (ROOT / ".git").exists():
        pytest.skip("not a git checkout")
    out = subprocess.run(
        ["git", "ls-files", "-s", "-z"], cwd=ROOT, capture_output=True, text=True, check=True
    ).stdout
    rows = []
    for entry in filter(None, out.split("\0")):
        meta, _, path = entry.partition("\t")
        rows.append((meta.split()[0], path))
    return rows


def test_no_virtualenv_or_cache_is_tracked() -> None:
    # A merge once committed the .venv symlink: `make install` then failed in every clone.
    local = (".venv", "node_modules", "__pycache__", ".pytest_cache", ".mypy_cache", "data")
    found = [
        path for _, path in _tracked() if path.split("/")[0] in local or "/__pycache__/" in path
    ]
    assert found == []


def test_every_tracked_link_stays_inside_the_clone() -> None:
    for mode, path in _tracked():
        if mode != "120000":
            continue
        target = (ROOT / path).parent / (ROOT / path).readlink()
        assert target.resolve().is_relative_to(ROOT), f"{path} points outside the clone: {target}"

"""Every benchmark runs as a script (``python bench/x.py``, as ``make bench`` runs them): its
directory, first on the path then, must not hide the standard library's ``http`` behind
bench/http.py. bench/sweep.py did, and ``make bench`` stopped at its first webhook import. The
modules the benchmarks share (no ``__main__``) are not run: ``make bench`` skips them too."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

BENCH = Path(__file__).resolve().parents[2] / "bench"
# The same choice as the Makefile's bench target.
SCRIPTS = sorted(p for p in BENCH.glob("*.py") if 'if __name__ == "__main__"' in p.read_text())

# What `python bench/x.py` does before the script's first line: its directory goes first on the
# path. The script's module body runs (its imports and path fix), not its main().
PROBE = """
import runpy, sys
sys.path.insert(0, {bench!r})
runpy.run_path({script!r}, run_name="bench_script")
import http.client, urllib.request
print(http.client.__file__)
"""


@pytest.mark.parametrize("script", SCRIPTS, ids=[p.name for p in SCRIPTS])
def test_a_benchmark_run_as_a_script_keeps_the_standard_librarys_http(
    script: Path, tmp_path: Path
) -> None:
    probe = PROBE.format(bench=str(BENCH), script=str(script))
    result = subprocess.run(
        [sys.executable, "-c", probe], cwd=tmp_path, capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stderr[-2000:]
    assert Path(result.stdout.strip()).parent.name == "http", result.stdout
    assert str(BENCH) not in result.stdout


def test_make_bench_runs_these_scripts_and_no_shared_module(tmp_path: Path) -> None:
    # The target's own loop, with a stand-in interpreter that records what it is asked to run.
    recorded = tmp_path / "ran"
    fake = tmp_path / "python"
    fake.write_text(f'#!/bin/sh\necho "$1" >> {recorded}\n')
    fake.chmod(0o755)
    result = subprocess.run(
        ["make", "-o", "install", "bench", f"BIN={tmp_path}"],
        cwd=BENCH.parent,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    ran = [Path(line).name for line in recorded.read_text().split()]
    assert ran == [p.name for p in SCRIPTS]

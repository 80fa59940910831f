"""compose.yaml, the Dockerfile and the systemd units start real commands of this version, and
every variable they set is documented (no Docker engine needed)."""

from __future__ import annotations

import re
import shlex
import warnings
from pathlib import Path
from typing import Any

import click
import pytest
import yaml  # type: ignore[import-untyped]
from celery.app.utils import find_app
from gunicorn.config import Config

from engine.config import SECRET_SETTINGS
from web.cli import cli

ROOT = Path(__file__).resolve().parents[1]
OUR_IMAGE = "tdkt-flow"


def _compose() -> dict[str, Any]:
    loaded: dict[str, Any] = yaml.safe_load((ROOT / "compose.yaml").read_text())
    return loaded


def _ours(service: dict[str, Any]) -> bool:
    return "build" in service or str(service.get("image", "")).startswith(OUR_IMAGE)


def _rest(ctx: click.Context) -> list[str]:
    # Click 8.2 deprecates protected_args (folded into args in Click 9).
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        return [*getattr(ctx, "protected_args", []), *ctx.args]


def _check_tdkt(args: list[str]) -> None:
    """Parse ``tdkt …`` with the real command group: unknown commands or options fail."""
    ctx = cli.make_context("tdkt", list(args))
    command: click.Command = cli
    rest = _rest(ctx)
    while isinstance(command, click.Group) and rest:
        name, sub, rest = command.resolve_command(ctx, rest)
        assert sub is not None, name
        ctx = sub.make_context(name or "", list(rest), parent=ctx)
        command, rest = sub, _rest(ctx) if isinstance(sub, click.Group) else []
    assert not isinstance(command, click.Group), f"tdkt {' '.join(args)} names no command"


def _check_gunicorn(args: list[str]) -> None:
    parsed = Config().parser().parse_args(args)
    config = parsed.config
    assert config.startswith("python:"), config
    __import__(config.removeprefix("python:"))
    module, _, attr = parsed.args[0].partition(":")
    assert (module, attr) == ("web.wsgi", "app")
    assert (ROOT / "web" / "wsgi.py").is_file()


def _check_celery(args: list[str]) -> None:
    app_name = args[args.index("-A") + 1] if "-A" in args else args[args.index("--app") + 1]
    assert app_name == "tasks.celery_app"
    assert any(sub in args for sub in ("worker", "beat"))
    # find_app resolves it with the environment in tests/tasks/test_celery_config.py.
    assert callable(find_app)


CHECKS = {"tdkt": _check_tdkt, "gunicorn": _check_gunicorn, "celery": _check_celery}


def _check(command: list[str]) -> None:
    program, *args = command
    assert program in CHECKS, f"{program}: not a tdkt, gunicorn or celery command"
    CHECKS[program](args)


def test_every_service_of_ours_runs_a_real_command_of_this_version() -> None:
    services = _compose()["services"]
    ours = {name: s for name, s in services.items() if _ours(s)}
    assert {"web1", "web2", "worker1", "worker2", "beat", "migrate"} <= set(ours)
    assert {"postgres", "redis", "proxy"} <= set(services)
    for name, service in ours.items():
        command = service["command"]
        assert isinstance(command, list), f"{name}: exec form"
        _check(command)
    hostnames = [
        s["command"][s["command"].index("--hostname") + 1]
        for n, s in ours.items()
        if n.startswith("worker")
    ]
    assert len(set(hostnames)) == len(hostnames) == 2, "each worker its own name"
    dockerfile = (ROOT / "Dockerfile").read_text()
    cmd = re.search(r"^CMD (\[.*\])$", dockerfile, re.M)
    assert cmd
    _check(yaml.safe_load(cmd.group(1)))


def test_every_variable_compose_sets_is_documented_in_the_readme() -> None:
    readme = (ROOT / "README.md").read_text()
    for name, service in _compose()["services"].items():
        if not _ours(service):
            continue
        for variable in service.get("environment", {}):
            # A secret's file variant is documented by its secret ("… with _FILE appended").
            base = variable.removesuffix("_FILE")
            if variable.endswith("_FILE") and base.removeprefix("TDKT_").lower() in SECRET_SETTINGS:
                variable = base
            assert f"`{variable}`" in readme, (
                f"{name} sets {variable}, which README does not document"
            )


@pytest.mark.parametrize(
    "unit", sorted((ROOT / "deploy" / "systemd").glob("*.service")), ids=lambda p: p.name
)
def test_every_systemd_unit_starts_a_real_command(unit: Path) -> None:
    text = unit.read_text()
    start = re.search(r"^ExecStart=(.*)$", text, re.M)
    assert start
    words = shlex.split(
        start.group(1).replace("${TDKT_WORKER_QUEUES}", "timers,notifications,documents")
    )
    words[0] = Path(words[0]).name
    _check(words)
    for variable in re.findall(r"^Environment=(\w+)=", text, re.M):
        assert (
            variable == "TDKT_WORKER_QUEUES" or f"`{variable}`" in (ROOT / "README.md").read_text()
        )

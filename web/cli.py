"""The ``tdkt`` command: run everything, manage the schema, load demo data, run workers."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import click

from engine.config import ConfigError, Settings, load_settings
from engine.db import DatabaseUnavailable, check_connection
from engine.redis_service import RedisUnavailable, check_redis

F = TypeVar("F", bound=Callable[..., Any])


class StartupError(Exception):
    """Something the user must fix before the command can run; the message says what."""


def _settings() -> Settings:
    return load_settings()


def _checked_runtime(settings: Settings) -> Any:
    from engine.runtime import build_runtime

    runtime = build_runtime(settings)
    try:
        check_connection(runtime.engine)
    except DatabaseUnavailable as exc:
        where = "TDKT_DATABASE_URL" if settings.database_url else "the SQLite file in TDKT_DATA_DIR"
        raise StartupError(f"{where}: cannot connect to the database: {exc}") from None
    try:
        check_redis(runtime.redis_url)
    except RedisUnavailable as exc:
        raise StartupError(
            f"TDKT_REDIS_URL: cannot reach Redis at {settings.redis_url}: {exc}"
        ) from None
    return runtime


def main() -> None:
    """Run the CLI; configuration and connection problems end with one line and exit code 2."""
    try:
        cli.main(standalone_mode=False)
    except (ConfigError, StartupError) as exc:
        click.echo(f"tdkt: {exc}", err=True)
        sys.exit(2)
    except click.exceptions.Abort:
        sys.exit(130)
    except click.ClickException as exc:
        exc.show()
        sys.exit(exc.exit_code)


@click.group()
def cli() -> None:
    """TĐKT Flow: nomination dossiers for emulation and commendation."""


@cli.group("db")
def db_group() -> None:
    """Database schema."""


def _db_engine(settings: Settings) -> Any:
    """The configured database's engine, connection checked (no Redis needed for the schema)."""
    from engine.db import make_engine

    if settings.database_url is None:
        # The embedded shape: the SQLite file lives in the data folder, made on first use.
        settings.data_dir.mkdir(parents=True, exist_ok=True)
    engine = make_engine(settings.db_url)
    try:
        check_connection(engine)
    except DatabaseUnavailable as exc:
        where = "TDKT_DATABASE_URL" if settings.database_url else "the SQLite file in TDKT_DATA_DIR"
        raise StartupError(f"{where}: cannot connect to the database: {exc}") from None
    return engine


def _rev(revision: str | None) -> str:
    return revision or "empty (no revision)"


def _migrate(direction: str, revision: str) -> None:
    """Move the configured database to ``revision`` (``upgrade`` or ``downgrade``); say what
    changed, or that nothing did."""
    from alembic.util import CommandError

    from engine import migrate

    settings = _settings()
    engine = _db_engine(settings)
    before = migrate.current_revision(engine)
    move = migrate.upgrade if direction == "upgrade" else migrate.downgrade
    try:
        move(engine, revision, settings)
    except CommandError as exc:
        raise StartupError(f"cannot {direction} to {revision!r}: {exc}") from None
    after = migrate.current_revision(engine)
    engine.dispose()
    if before == after:
        nothing = "apply" if direction == "upgrade" else "undo"
        click.echo(f"database already at {_rev(after)}: nothing to {nothing}")
    else:
        click.echo(f"database {direction}d from {_rev(before)} to {_rev(after)}")


@db_group.command("upgrade")
@click.argument("revision", default="head")
def db_upgrade(revision: str) -> None:
    """Apply the Alembic migrations up to REVISION (default: head) to the configured database."""
    _migrate("upgrade", revision)


@db_group.command("downgrade", context_settings={"ignore_unknown_options": True})
@click.argument("revision")
def db_downgrade(revision: str) -> None:
    """Undo migrations down to REVISION (a revision id, or -1 for one step back)."""
    _migrate("downgrade", revision)


@db_group.command("current")
def db_current() -> None:
    """Print the revision the database is at, and whether it is the newest."""
    from engine.migrate import current_revision, head_revision

    engine = _db_engine(_settings())
    current, head = current_revision(engine), head_revision()
    engine.dispose()
    if current == head:
        click.echo(f"{current} (head)")
    else:
        click.echo(f"{_rev(current)} (head is {head}: run tdkt db upgrade)")


@db_group.command("history")
def db_history() -> None:
    """List the migrations, oldest first, marking the one the database is at."""
    from engine.migrate import current_revision, history

    engine = _db_engine(_settings())
    current = current_revision(engine)
    engine.dispose()
    for revision, down, message in history():
        mark = "*" if revision == current else " "
        click.echo(f"{mark} {revision} (after {down or '-'}): {message}")


@db_group.command("check")
def db_check() -> None:
    """Exit non-zero if the database is behind the migrations or disagrees with the models."""
    from engine.migrate import current_revision, head_revision, schema_differences

    engine = _db_engine(_settings())
    current, head = current_revision(engine), head_revision()
    if current != head:
        engine.dispose()
        raise StartupError(
            f"database at {_rev(current)}, migrations at {head}: run tdkt db upgrade"
        )
    diffs = schema_differences(engine)
    engine.dispose()
    if diffs:
        for diff in diffs:
            click.echo(f"differs: {diff}", err=True)
        raise StartupError("models and migrations disagree: add an Alembic revision")
    click.echo(f"database at {head} (head); models and migrations agree")


@cli.group("demo")
def demo_group() -> None:
    """Demo data."""


@demo_group.command("load")
def demo_load() -> None:
    """Load the demo organisation (idempotent: a second load changes nothing)."""
    from engine.demo import load_demo, load_demo_dossiers
    from engine.unit_of_work import unit_of_work

    settings = _settings()
    runtime = _checked_runtime(settings)
    _deploy_workflows(runtime, settings)
    with unit_of_work(runtime.session_factory) as session:
        added = load_demo(session)
    added["dossiers"] = load_demo_dossiers(runtime.session_factory)
    summary = ", ".join(f"{count} {what}" for what, count in added.items())
    click.echo(f"demo data loaded: added {summary}")


def _deploy_workflows(runtime: Any, settings: Settings) -> None:
    """Deploy the procedure's BPMN/DMN folder; unchanged files deploy nothing."""
    from engine.errors import DeployError
    from engine.workflow import operations

    try:
        with runtime.session_factory() as session:
            deployed = operations.deploy(session, [settings.workflows_dir])
    except DeployError as exc:
        raise StartupError(f"TDKT_WORKFLOWS_DIR: {exc.message}") from None
    for spec in deployed:
        click.echo(f"workflow {spec.process_id}: version {spec.version}")


@cli.command("deploy")
@click.argument("paths", nargs=-1, required=True, type=click.Path(exists=True, path_type=Path))
def deploy(paths: tuple[Path, ...]) -> None:
    """Deploy BPMN/DMN files or folders (a folder: every .bpmn with the .dmn files)."""
    from engine.db import make_engine, make_session_factory
    from engine.errors import DeployError
    from engine.runtime import build_wiring
    from engine.workflow import operations

    # Deploying needs the database only, not Redis.
    settings = _settings()
    engine = make_engine(settings.db_url)
    try:
        check_connection(engine)
        with make_session_factory(engine, build_wiring(settings))() as session:
            deployed = operations.deploy(session, list(paths))
    except DatabaseUnavailable as exc:
        raise StartupError(f"cannot connect to the database: {exc}") from None
    except DeployError as exc:
        raise StartupError(exc.message) from None
    finally:
        engine.dispose()
    for spec in deployed:
        click.echo(f"{spec.process_id}: version {spec.version} ({spec.content_hash[:12]})")
        for warning in (spec.design or {}).get("warnings") or []:
            where = warning["file"] + (
                f": element {warning['element']}" if warning.get("element") else ""
            )
            click.echo(f"warning: {where}: {warning['message']}", err=True)


@cli.command("start")
@click.argument("process_id")
@click.option(
    "--data",
    "data_file",
    type=click.Path(dir_okay=False, path_type=Path),
    help="A JSON object with the start form's fields (default: no data).",
)
@click.option("--as", "username", required=True, help="The user who starts it (their roles count).")
def start(process_id: str, data_file: Path | None, username: str) -> None:
    """Start PROCESS_ID from its start form as a user would (docs/process-design.md)."""
    import json

    from sqlalchemy import select

    from engine.errors import EngineError, ValidationFailed
    from engine.models import User
    from engine.workflow import operations

    data: Any = {}
    if data_file is not None:
        try:
            data = json.loads(data_file.read_text(encoding="utf-8"))
        except OSError as exc:
            raise StartupError(f"{data_file}: {exc.strerror}") from None
        except (ValueError, UnicodeDecodeError) as exc:
            raise StartupError(f"{data_file}: not JSON: {exc}") from None
        if not isinstance(data, dict):
            raise StartupError(f"{data_file}: the data must be a JSON object")
    runtime = _checked_runtime(_settings())
    try:
        with runtime.session_factory() as session:
            user = session.scalar(select(User).where(User.username == username))
            if user is None or not user.active:
                raise StartupError(f"no active user named {username!r}")
            instance = operations.start_with_form(session, process_id, user, data)
            instance_id = instance.id
    except ValidationFailed as exc:
        for name, message in exc.field_errors.items():
            click.echo(f"{name}: {message}", err=True)
        click.echo(f"tdkt: {exc.message}", err=True)
        sys.exit(1)
    except EngineError as exc:
        raise StartupError(exc.message) from None
    finally:
        runtime.dispose()
    click.echo(f"{process_id}: started instance {instance_id}")


@cli.group("awards")
def awards_group() -> None:
    """Award history."""


@awards_group.command("import")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--partial", is_flag=True, help="Import the valid rows even if some are invalid.")
def awards_import(file: Path, partial: bool) -> None:
    """Import historical awards from an XLSX or CSV file (docs/award-import.md)."""
    from engine.domain.awards import ImportFileError, import_awards
    from engine.unit_of_work import unit_of_work

    try:
        content = file.read_bytes()
    except OSError as exc:
        raise StartupError(f"{file}: {exc.strerror}") from None
    runtime = _checked_runtime(_settings())
    try:
        with unit_of_work(runtime.session_factory) as session:
            report = import_awards(session, content, file.name, partial=partial)
    except ImportFileError as exc:
        raise StartupError(str(exc)) from None
    for row in report.invalid:
        click.echo(f"dòng {row.row}: {'; '.join(row.reasons)}", err=True)
    if not report.committed:
        click.echo(
            f"{len(report.invalid)} dòng lỗi: chưa nhập dòng nào (--partial nhập các dòng hợp lệ)",
            err=True,
        )
        sys.exit(1)
    click.echo(
        f"đã nhập {report.imported} dòng, {report.existing} dòng đã có, "
        f"{len(report.invalid)} dòng lỗi"
    )


@cli.command("import")
@click.argument(
    "kind", type=click.Choice(["units", "staff", "ratings", "discipline", "initiatives", "awards"])
)
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--apply", "apply_", is_flag=True, help="Write the changes (default: show the diff).")
@click.option(
    "--partial", is_flag=True, help="With --apply: write the valid rows even if some are not."
)
def import_data(kind: str, file: Path, apply_: bool, partial: bool) -> None:
    """Import an agency's spreadsheet (docs/agency-import.md): show the diff, or --apply it."""
    from engine.admin.imports import ImportLimitError, apply_import, preview_import
    from engine.domain.awards import ImportFileError
    from engine.errors import ValidationFailed

    try:
        content = file.read_bytes()
    except OSError as exc:
        raise StartupError(f"{file}: {exc.strerror}") from None
    runtime = _checked_runtime(_settings())
    try:
        with runtime.session_factory() as session:
            if apply_:
                result = apply_import(session, None, kind, content, file.name, partial=partial)
            else:
                result = preview_import(session, kind, content, file.name)
    except (ImportFileError, ImportLimitError, ValidationFailed) as exc:
        raise StartupError(str(exc)) from None
    for row in result.rows:
        if row.status == "invalid":
            click.echo(f"dòng {row.row}: {'; '.join(row.reasons)}", err=True)
        elif row.status == "changed":
            detail = ", ".join(f"{k}: {a} → {b}" for k, (a, b) in row.changes.items())
            click.echo(f"dòng {row.row}: sửa {row.name} ({detail})")
    counts = result.to_json()["counts"]
    summary = (
        f"{counts['new']} mới, {counts['changed']} sửa, {counts['unchanged']} không đổi, "
        f"{counts['invalid']} dòng lỗi"
    )
    if apply_ and not result.applied:
        click.echo(f"{summary}: chưa ghi dòng nào (--partial ghi các dòng hợp lệ)", err=True)
        sys.exit(1)
    click.echo(f"{'đã ghi' if apply_ else 'xem trước'}: {summary}")


@cli.group("token")
def token_group() -> None:
    """API tokens."""


@token_group.command("create")
@click.argument("username")
@click.option("--name", default="", help="What the token is for (shown in listings).")
@click.option(
    "--scope",
    type=click.Choice(["act", "read"]),
    default="act",
    show_default=True,
    help="read: GET only; act: everything the user may do.",
)
@click.option(
    "--expires-days",
    type=click.IntRange(1, 3650),
    default=None,
    help="Stop working after this many days (default: never).",
)
def token_create(username: str, name: str, scope: str, expires_days: int | None) -> None:
    """Create an API token for USERNAME and print it; only its hash is kept."""
    from sqlalchemy import select

    from engine.domain.tokens import create_token, expiry_after
    from engine.models import User
    from engine.unit_of_work import unit_of_work

    runtime = _checked_runtime(_settings())
    with unit_of_work(runtime.session_factory) as session:
        user = session.scalar(select(User).where(User.username == username))
        if user is None or not user.active:
            raise StartupError(f"no active user named {username!r}")
        token = create_token(session, user, name, scope, expiry_after(expires_days))
    click.echo(token)
    click.echo("Keep it secret: it is shown only now.", err=True)


def _queues(value: str) -> list[str]:
    from tasks.celery_app import QUEUES

    names = [q.strip() for q in value.split(",") if q.strip()]
    unknown = sorted(set(names) - set(QUEUES))
    if not names or unknown:
        raise click.BadParameter(
            f"expected a comma-separated list of {', '.join(QUEUES)}"
            + (f" (unknown: {', '.join(unknown)})" if unknown else "")
        )
    return names


@cli.command("worker")
@click.option("--concurrency", "-c", default=1, show_default=True, help="Worker processes.")
@click.option(
    "--hostname",
    "-n",
    default=None,
    help="Node name, unique per worker (default celery@<host>; %h is the host name).",
)
@click.option(
    "--queues",
    "-Q",
    default="timers,notifications,documents",
    show_default=True,
    help="Queues to consume: timers, notifications, documents (imports).",
)
def worker(concurrency: int, hostname: str | None, queues: str) -> None:
    """Run a Celery worker."""
    chosen = _queues(queues)
    if concurrency < 1:
        raise click.BadParameter("must be at least 1", param_hint="--concurrency")
    rt, celery = _celery_runtime()
    argv = [
        "worker",
        "--loglevel",
        rt.settings.log_level,
        "--concurrency",
        str(concurrency),
        "--queues",
        ",".join(chosen),
        "--without-gossip",
        "--without-mingle",
    ]
    if hostname:
        argv += ["--hostname", hostname]
    celery.worker_main(argv)


@cli.command("beat")
def beat() -> None:
    """Run the Celery beat scheduler (run exactly one)."""
    rt, celery = _celery_runtime()
    celery.start(["beat", "--loglevel", rt.settings.log_level])


def _celery_runtime() -> Any:
    """Return the worker's or beat's own runtime and Celery bound to it: no Flask app."""
    from tasks.worker import build_celery_runtime

    settings = _settings()
    _checked_runtime(settings).dispose()
    return build_celery_runtime(settings)


@cli.command("run")
@click.option("--host", default=None, help="Address to serve on (default TDKT_HOST).")
@click.option("--port", type=int, default=None, help="Port to serve on (default TDKT_PORT).")
def run(host: str | None, port: int | None) -> None:
    """Migrate, load demo data, then run web, worker and beat together (Ctrl-C stops all)."""
    from honcho.manager import Manager

    from engine.demo import DEMO_ACCOUNTS, DEMO_PASSWORD, load_demo, load_demo_dossiers
    from engine.migrate import upgrade
    from engine.unit_of_work import unit_of_work

    settings = _settings()
    runtime = _checked_runtime(settings)
    upgrade(runtime.engine)
    _deploy_workflows(runtime, settings)
    if settings.demo:
        with unit_of_work(runtime.session_factory) as session:
            load_demo(session)
        load_demo_dossiers(runtime.session_factory)
    runtime.dispose()

    host = host or settings.host
    port = port or settings.port
    env = dict(os.environ, TDKT_REDIS_URL=runtime.redis_url, PYTHONUNBUFFERED="1")
    # The gunicorn processes add up their request figures for /metrics here (emptied at start).
    web_env = dict(env)
    web_env.setdefault("PROMETHEUS_MULTIPROC_DIR", str(settings.data_dir / "metrics"))
    python = sys.executable
    manager = Manager()
    manager.add_process(
        "web",
        # The settings of every web host (gthread, one JSON access line per request), with
        # this run's processes, threads and address.
        f"{python} -m gunicorn --config python:web.gunicorn_conf "
        f"--workers {settings.web_workers} --threads {settings.web_threads} "
        f"--bind {host}:{port} web.wsgi:app",
        env=web_env,
    )
    manager.add_process("worker", f"{python} -m web.cli worker", env=env)
    manager.add_process("beat", f"{python} -m web.cli beat", env=env)

    click.echo(f"\nTĐKT Flow is starting at http://{host}:{port}/")
    if settings.demo:
        click.echo(f"Demo log-ins (password {DEMO_PASSWORD}):")
        for account in DEMO_ACCOUNTS:
            click.echo(f"  {account.username:<20} {account.full_name} — {account.role_label}")
    click.echo("Press Ctrl-C to stop web, worker and beat.\n")
    if settings.redis_url is None:
        _watch_embedded_redis(settings.data_dir, manager)
    manager.loop()
    # Ctrl-C (SIGINT) or a service manager's SIGTERM is how `tdkt run` is stopped: a clean stop
    # exits 0, so `make run` does not end with "make: *** Error 130" (issue 15). A process that
    # ended by itself keeps its exit code (honcho records the signal's code only when a signal
    # came first).
    code = manager.returncode or 0
    sys.exit(0 if code in _STOP_CODES else code)


#: The exit codes honcho gives a run stopped by SIGINT (130) or SIGTERM (143).
_STOP_CODES = frozenset({130, 143})


REDIS_WATCH_SECONDS = 2.0


def _watch_embedded_redis(data_dir: Path, manager: Any) -> None:
    """Watch the embedded Redis this run started: restart it if it stops, else stop loudly.

    Worker and beat reconnect to the restarted server (its socket path does not change); if it
    cannot be restarted, everything stops with exit code 1 rather than retrying in silence.
    """
    import atexit
    import threading

    from engine.redis_service import embedded

    server = embedded(data_dir)
    atexit.register(server.stop)  # stops only a server this process started

    def watch() -> None:
        while not manager._terminating:
            time.sleep(REDIS_WATCH_SECONDS)
            if manager._terminating or server.answers():
                continue
            click.echo(
                f"tdkt: the embedded Redis stopped (see {server.log_file}); restarting it", err=True
            )
            try:
                server.start()
            except (RedisUnavailable, OSError, subprocess.CalledProcessError) as exc:
                click.echo(f"tdkt: cannot restart the embedded Redis: {exc}; stopping", err=True)
                manager.returncode = 1
                manager.terminate()
                return
            click.echo("tdkt: the embedded Redis is running again", err=True)

    threading.Thread(target=watch, name="redis-watch", daemon=True).start()


if __name__ == "__main__":
    main()

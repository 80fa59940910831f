"""The ``tdkt`` command: run everything, manage the schema, load demo data, run workers."""

from __future__ import annotations

import os
import sys
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

    engine = make_engine(settings.db_url)
    try:
        check_connection(engine)
    except DatabaseUnavailable as exc:
        where = "TDKT_DATABASE_URL" if settings.database_url else "the SQLite file in TDKT_DATA_DIR"
        raise StartupError(f"{where}: cannot connect to the database: {exc}") from None
    return engine


def _rev(revision: str | None) -> str:
    return revision or "empty (no revision)"


@db_group.command("upgrade")
@click.argument("revision", default="head")
def db_upgrade(revision: str) -> None:
    """Apply the Alembic migrations up to REVISION (default: head) to the configured database."""
    from alembic.util import CommandError

    from engine.migrate import current_revision, upgrade

    settings = _settings()
    engine = _db_engine(settings)
    before = current_revision(engine)
    try:
        upgrade(engine, revision, settings)
    except CommandError as exc:
        raise StartupError(f"cannot upgrade to {revision!r}: {exc}") from None
    after = current_revision(engine)
    engine.dispose()
    if before == after:
        click.echo(f"database already at {_rev(after)}: nothing to apply")
    else:
        click.echo(f"database upgraded from {_rev(before)} to {_rev(after)}")


@db_group.command("downgrade", context_settings={"ignore_unknown_options": True})
@click.argument("revision")
def db_downgrade(revision: str) -> None:
    """Undo migrations down to REVISION (a revision id, or -1 for one step back)."""
    from alembic.util import CommandError

    from engine.migrate import current_revision, downgrade

    settings = _settings()
    engine = _db_engine(settings)
    before = current_revision(engine)
    try:
        downgrade(engine, revision, settings)
    except CommandError as exc:
        raise StartupError(f"cannot downgrade to {revision!r}: {exc}") from None
    after = current_revision(engine)
    engine.dispose()
    if before == after:
        click.echo(f"database already at {_rev(after)}: nothing to undo")
    else:
        click.echo(f"database downgraded from {_rev(before)} to {_rev(after)}")


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


@cli.group("token")
def token_group() -> None:
    """API tokens."""


@token_group.command("create")
@click.argument("username")
@click.option("--name", default="", help="What the token is for (shown in listings).")
def token_create(username: str, name: str) -> None:
    """Create an API token for USERNAME and print it; only its hash is kept."""
    from sqlalchemy import select

    from engine.domain.tokens import create_token
    from engine.models import User
    from engine.unit_of_work import unit_of_work

    runtime = _checked_runtime(_settings())
    with unit_of_work(runtime.session_factory) as session:
        user = session.scalar(select(User).where(User.username == username))
        if user is None or not user.active:
            raise StartupError(f"no active user named {username!r}")
        token = create_token(session, user, name)
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
    python = sys.executable
    manager = Manager()
    manager.add_process(
        "web",
        f"{python} -m gunicorn --workers {settings.web_workers} --bind {host}:{port} "
        "--access-logfile - web.wsgi:app",
        env=env,
    )
    manager.add_process("worker", f"{python} -m web.cli worker", env=env)
    manager.add_process("beat", f"{python} -m web.cli beat", env=env)

    click.echo(f"\nTĐKT Flow is starting at http://{host}:{port}/")
    if settings.demo:
        click.echo(f"Demo log-ins (password {DEMO_PASSWORD}):")
        for account in DEMO_ACCOUNTS:
            click.echo(f"  {account.username:<20} {account.full_name} — {account.position}")
    click.echo("Press Ctrl-C to stop web, worker and beat.\n")
    manager.loop()
    sys.exit(manager.returncode or 0)


if __name__ == "__main__":
    main()

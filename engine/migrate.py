"""Schema management: Alembic upgrade and the models-versus-migrations check."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.config import Config
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Connection, Engine

from engine.config import Settings
from engine.models import Base


def alembic_config(engine: Engine | None = None) -> Config:
    """Return an Alembic config for the packaged migrations."""
    config = Config()
    config.set_main_option("script_location", "engine:migrations")
    if engine is not None:
        config.set_main_option("sqlalchemy.url", engine.url.render_as_string(hide_password=False))
    return config


def upgrade(engine: Engine, revision: str = "head", settings: Settings | None = None) -> None:
    """Bring the database schema to ``revision`` (default: the newest).

    ``settings`` (default: from the environment) tell a data migration where local files are
    (revision 0017 moves TDKT_DATA_DIR's attachments and documents into the file store).
    """
    with engine.begin() as connection:
        config = alembic_config(engine)
        config.attributes["connection"] = connection
        config.attributes["settings"] = settings
        command.upgrade(config, revision)


def downgrade(engine: Engine, revision: str, settings: Settings | None = None) -> None:
    """Take the database schema back to ``revision`` (e.g. "-1" or "0010")."""
    with engine.begin() as connection:
        config = alembic_config(engine)
        config.attributes["connection"] = connection
        config.attributes["settings"] = settings
        command.downgrade(config, revision)


def current_revision(target: Engine | Connection) -> str | None:
    """Return the revision the database is at (None: never migrated).

    Give a session's connection where one is open (SQLite allows one transaction at a time).
    """
    if isinstance(target, Connection):
        return MigrationContext.configure(target).get_current_revision()
    with target.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()


def head_revision() -> str | None:
    """Return the newest revision of the packaged migrations."""
    return ScriptDirectory.from_config(alembic_config()).get_current_head()


def history() -> list[tuple[str, str | None, str]]:
    """Return (revision, down revision, first line of its message), oldest first."""
    script = ScriptDirectory.from_config(alembic_config())
    rows = [
        (str(rev.revision), _down(rev.down_revision), (rev.doc or "").splitlines()[0])
        for rev in script.walk_revisions()
    ]
    return list(reversed(rows))


def _down(value: str | Sequence[str] | None) -> str | None:
    if value is None or isinstance(value, str):
        return value
    return ",".join(value)


def schema_differences(engine: Engine) -> list[Any]:
    """Return the differences between the models and the migrated database (empty when equal)."""
    with engine.connect() as connection:
        context = MigrationContext.configure(
            connection, opts={"compare_type": True, "target_metadata": Base.metadata}
        )
        return list(compare_metadata(context, Base.metadata))

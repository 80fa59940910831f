"""The Flask extensions, created unbound; ``web.app.create_app`` initialises them in order."""

from __future__ import annotations

from flask_babel import Babel
from flask_babel import lazy_gettext as _l
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_login import LoginManager
from flask_wtf import CSRFProtect

csrf = CSRFProtect()
babel = Babel()
login_manager = LoginManager()
login_manager.login_view = "auth.login"
login_manager.login_message = _l("Vui lòng đăng nhập để tiếp tục.")
login_manager.login_message_category = "info"
#: Rate limits (failed log-ins); storage is Redis, in memory while Redis is unreachable.
limiter = Limiter(get_remote_address, in_memory_fallback_enabled=True)

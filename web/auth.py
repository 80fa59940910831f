"""Log-in and log-out."""

from __future__ import annotations

import unicodedata
from urllib.parse import unquote, urlsplit

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_limiter.util import get_remote_address
from flask_login import UserMixin, current_user, login_user, logout_user
from flask_wtf import FlaskForm
from sqlalchemy import select
from werkzeug.security import check_password_hash
from werkzeug.wrappers import Response
from wtforms import PasswordField, StringField
from wtforms.validators import DataRequired

from engine.demo import DEMO_ACCOUNTS, DEMO_PASSWORD
from engine.domain import sessions
from engine.models import User
from web.context import db, runtime
from web.extensions import limiter

bp = Blueprint("auth", __name__)

#: Failed log-ins allowed per client address and user name: a short back-off, so guessing one
#: account's password is slow, yet a stranger elsewhere cannot lock its owner out (no limit
#: counts a name alone). The client address is the connecting one, or the one the trusted
#: proxies report (TDKT_TRUSTED_PROXIES, web.app).
LOGIN_LIMIT_PER_ADDRESS_AND_NAME = "10 per 5 minutes"
#: Failed log-ins allowed per client address over all names (spraying many names).
LOGIN_LIMIT_PER_ADDRESS = "30 per minute; 100 per hour"
#: Shown on the 429 of the log-in page.
LOGIN_LIMITED_MESSAGE = _l(
    "Đăng nhập sai quá nhiều lần từ địa chỉ này; vui lòng chờ vài phút rồi thử lại."
)


def _failed(response: Response) -> bool:
    """A log-in failed unless it redirected; only failures use up the limit."""
    return response.status_code != 302


def _address_and_name_key() -> str:
    name = (request.form.get("username") or "").strip().lower()
    return f"login:{get_remote_address()}:{name}"


class LoginForm(FlaskForm):  # type: ignore[misc]  # Flask-WTF ships no types
    username = StringField(
        _l("Tên đăng nhập"), validators=[DataRequired(_l("Nhập tên đăng nhập."))]
    )
    password = PasswordField(_l("Mật khẩu"), validators=[DataRequired(_l("Nhập mật khẩu."))])


def _unsafe_path(path: str) -> bool:
    """Whether ``path`` could leave this site: a browser drops tabs and newlines from a URL and
    reads a backslash as a slash, so "/<tab>/evil" becomes "//evil", another host."""
    if any(unicodedata.category(c) in ("Cc", "Cf") for c in path):
        return True
    if not path.startswith("/") or path.startswith(("//", "/\\")):
        return True
    parts = urlsplit(path)
    return bool(parts.scheme or parts.netloc)


def safe_next(target: str | None) -> str | None:
    """Return ``target`` if it is a path on this site (no open redirect), else None.

    ``target`` is the decoded ``next`` argument; it is checked as given and once more
    percent-decoded (so ``/%2F/evil`` is refused too). Anything with a control character, a
    scheme or a host, or starting with two slashes or a slash and a backslash, is refused.
    """
    if not target or _unsafe_path(target) or _unsafe_path(unquote(target)):
        return None
    return target


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit(
    LOGIN_LIMIT_PER_ADDRESS,
    methods=["POST"],
    deduct_when=_failed,
    error_message=lambda: str(LOGIN_LIMITED_MESSAGE),
)
@limiter.limit(
    LOGIN_LIMIT_PER_ADDRESS_AND_NAME,
    methods=["POST"],
    key_func=_address_and_name_key,
    deduct_when=_failed,
    error_message=lambda: str(LOGIN_LIMITED_MESSAGE),
)
def login() -> str | Response:
    form = LoginForm()
    if form.validate_on_submit():
        user = db().scalar(select(User).where(User.username == form.username.data))
        password = form.password.data or ""
        if (
            user
            and user.active
            and user.password_hash
            and check_password_hash(user.password_hash, password)
        ):
            token = sessions.start(
                db(),
                user,
                user_agent=request.user_agent.string,
                ip_address=request.remote_addr,
            )
            login_user(LoginUser(user, token))
            return redirect(safe_next(request.args.get("next")) or url_for("index"))
        flash(_("Tên đăng nhập hoặc mật khẩu không đúng."), "error")
    demo = DEMO_ACCOUNTS if runtime().settings.demo else ()
    return render_template("login.html", form=form, demo_accounts=demo, demo_password=DEMO_PASSWORD)


@bp.post("/logout")
def logout() -> Response:
    # End the server's record first: a copy of this cookie must not outlive the log-out.
    if current_user.is_authenticated:
        sessions.end(db(), current_user.session_token)
    logout_user()
    flash(_("Đã đăng xuất."), "info")
    return redirect(url_for("auth.login"))


class LoginUser(UserMixin):  # type: ignore[misc]  # Flask-Login ships no types
    """The Flask-Login view of a user; wraps the model so the ORM object stays plain.

    Its id, which Flask-Login keeps in the session cookie (and in a remember cookie), is
    "<user id>:<session token>": the token names the server-side session
    (:mod:`engine.domain.sessions`), so ending that session signs the cookie out.
    """

    def __init__(self, user: User, session_token: str) -> None:
        self.user = user
        self.id = user.id
        self.session_token = session_token

    def get_id(self) -> str:
        return f"{self.user.id}:{self.session_token}"

    def __getattr__(self, name: str) -> object:
        return getattr(self.user, name)


def parse_id(value: str) -> tuple[int, str] | None:
    """Split a cookie's "<user id>:<session token>"; None for anything else (an old cookie)."""
    user_id, _, token = value.partition(":")
    if not user_id.isdigit() or not token:
        return None
    return int(user_id), token

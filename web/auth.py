"""Log-in and log-out."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import UserMixin, login_user, logout_user
from flask_wtf import FlaskForm
from sqlalchemy import select
from werkzeug.security import check_password_hash
from werkzeug.wrappers import Response
from wtforms import PasswordField, StringField
from wtforms.validators import DataRequired

from engine.demo import DEMO_ACCOUNTS, DEMO_PASSWORD
from engine.models import User

bp = Blueprint("auth", __name__)


class LoginForm(FlaskForm):
    username = StringField("Tên đăng nhập", validators=[DataRequired("Nhập tên đăng nhập.")])
    password = PasswordField("Mật khẩu", validators=[DataRequired("Nhập mật khẩu.")])


def _safe_next(target: str | None) -> str | None:
    """Return ``target`` if it is a path on this site (no open redirect), else None."""
    if target and target.startswith("/") and not target.startswith(("//", "/\\")):
        return target
    return None


@bp.route("/login", methods=["GET", "POST"])
def login() -> str | Response:
    from web.app import db, runtime

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
            login_user(LoginUser(user))
            return redirect(_safe_next(request.args.get("next")) or url_for("auth.login"))
        flash("Tên đăng nhập hoặc mật khẩu không đúng.", "error")
    demo = DEMO_ACCOUNTS if runtime().settings.demo else ()
    return render_template("login.html", form=form, demo_accounts=demo, demo_password=DEMO_PASSWORD)


@bp.post("/logout")
def logout() -> Response:
    logout_user()
    flash("Đã đăng xuất.", "info")
    return redirect(url_for("auth.login"))


class LoginUser(UserMixin):
    """The Flask-Login view of a user; wraps the model so the ORM object stays plain."""

    def __init__(self, user: User) -> None:
        self.user = user
        self.id = user.id

    def __getattr__(self, name: str) -> object:
        return getattr(self.user, name)

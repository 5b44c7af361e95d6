"""Forgotten passwords: asking for a reset link, and the page the link opens."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext, lazy_gettext
from flask_login import logout_user
from werkzeug.wrappers import Response

from bss.backoffice import bp
from core.errors import GoneError, NotFoundError, ValidationError
from core.services.password_resets import (
    open_password_reset,
    request_password_reset,
    reset_password,
)
from web.csrf import rotate_csrf_token
from web.database import db
from web.errors import status_for
from web.formatting import current_locale

#: The one answer to every request for a link, so that it never tells who has a login.
SENT = lazy_gettext("If an account exists for that address, we have sent a link to reset its password. It works for one hour.")

#: The URL carries the token: keep it out of Referer headers and caches.
_PRIVATE = {"Referrer-Policy": "no-referrer", "Cache-Control": "no-store"}


def _reset_link(token: str) -> str:
    return url_for("backoffice.reset_password_view", token=token, _external=True)


@bp.route("/password/forgot", methods=["GET", "POST"])
def forgot_password() -> str | tuple[str, int]:
    if request.method == "GET":
        return render_template("backoffice/password_forgot.html", sent=None, errors={}, email="")
    email = request.form.get("email", "").strip()
    if not email:
        errors = {"email": [gettext("Give the email address you sign in with.")]}
        return render_template("backoffice/password_forgot.html", sent=None, errors=errors, email=""), 422
    request_password_reset(db.session, email=email, link_for=_reset_link, locale=current_locale())
    db.session.commit()
    # The form comes back empty: echoing the address would be the only difference between pages.
    return render_template("backoffice/password_forgot.html", sent=SENT, errors={}, email="")


@bp.route("/password/reset/<token>", methods=["GET", "POST"])
def reset_password_view(token: str) -> Response | tuple[str, int, dict[str, str]]:
    try:
        open_password_reset(db.session, token)
    except (NotFoundError, GoneError) as error:
        return _render(error=error.detail, status=status_for(error))
    if request.method == "GET":
        return _render()
    try:
        reset_password(
            db.session,
            token=token,
            password=request.form.get("password", ""),
            confirmation=request.form.get("confirmation", ""),
        )
    except ValidationError as error:
        db.session.rollback()
        return _render(errors=error.fields, status=422)
    db.session.commit()
    logout_user()  # this browser's session, if any, was revoked with all the others
    rotate_csrf_token()
    flash(gettext("Your password is changed and you are signed out everywhere. Sign in with your new password."), "info")
    return redirect(url_for("backoffice.login"))


def _render(
    *, error: str | None = None, errors: dict[str, list[str]] | None = None, status: int = 200
) -> tuple[str, int, dict[str, str]]:
    page = render_template("backoffice/password_reset.html", error=error, errors=errors or {})
    return page, status, _PRIVATE

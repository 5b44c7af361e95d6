"""Forgotten passwords on the storefront: asking for a link in the shop's name, and the page it opens."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, request, url_for
from flask_babel import gettext as _
from flask_login import logout_user
from werkzeug.wrappers import Response

from core.errors import GoneError, NotFoundError, ValidationError
from core.passwords import MIN_LENGTH
from core.services.password_resets import open_password_reset, request_password_reset, reset_password
from storefront.hosts import current_storefront
from storefront.themes import render_page
from web.csrf import rotate_csrf_token
from web.database import db
from web.formatting import current_locale

bp = Blueprint("shop_password", __name__)

#: The URL carries the token: keep it out of Referer headers and caches.
_PRIVATE = {"Referrer-Policy": "no-referrer", "Cache-Control": "no-store"}


@bp.route("/password/forgot", methods=["GET", "POST"], endpoint="forgot")
def forgot_password() -> str | tuple[str, int]:
    if request.method == "GET":
        return render_page("password_forgot.html", sent=False, errors={})
    email = request.form.get("email", "").strip()
    if not email:
        errors = {"email": [_("Give the email address you sign in with.")]}
        return render_page("password_forgot.html", sent=False, errors=errors), 422
    request_password_reset(db.session, email=email, storefront=current_storefront(), locale=current_locale(),
                           link_for=lambda token: url_for("shop_password.reset", token=token, _external=True))
    db.session.commit()
    # The same answer whoever the address belongs to, and the form comes back empty: nothing tells who has a login.
    return render_page("password_forgot.html", sent=True, errors={})


@bp.route("/password/reset/<token>", methods=["GET", "POST"], endpoint="reset")
def reset_password_page(token: str) -> Response | tuple[str, int, dict[str, str]]:
    try:
        open_password_reset(db.session, token)
    except NotFoundError:
        return _render(error=_("This link is not valid. Check that you copied all of it."), status=404)
    except GoneError:
        return _render(error=_("This link has been used or has expired. Ask for a new one."), status=410)
    if request.method == "GET":
        return _render()
    try:
        reset_password(db.session, token=token, password=request.form.get("password", ""),
                       confirmation=request.form.get("confirmation", ""))
    except ValidationError as error:
        db.session.rollback()
        return _render(errors=error.fields, status=422)
    db.session.commit()
    logout_user()  # this browser's session, if any, was revoked with all the others
    rotate_csrf_token()
    flash(_("Your password is changed and you are signed out everywhere. Sign in with your new password."), "info")
    return redirect(url_for("shop_account.sign_in"))


def _render(*, error: str | None = None, errors: dict[str, list[str]] | None = None,
            status: int = 200) -> tuple[str, int, dict[str, str]]:
    page = render_page("password_reset.html", error=error, errors=errors or {},
                       min_password_length=MIN_LENGTH)
    return page, status, _PRIVATE

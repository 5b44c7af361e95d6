"""Signing in and out of the back office, and switching between one's accounts."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required, login_user, logout_user
from werkzeug.wrappers import Response

from bss.auth import acting_account, current_actor
from bss.backoffice import bp
from core.errors import NotFoundError
from core.links import links
from core.models.accounts import Account
from core.models.people import User
from core.services.attention import needs_attention
from core.services.people import accounts_of
from core.services.sign_in import NotStaffError, SignInError, sign_in, sign_out, switch_account, unlock_sign_in
from web.csrf import rotate_csrf_token
from web.database import db
from web.redirects import safe_next
from web.sessions import SignedInUser

#: The unlock page's URL carries a token: keep it out of Referer headers and caches.
_PRIVATE = {"Referrer-Policy": "no-referrer", "Cache-Control": "no-store"}


@bp.route("/login", methods=["GET", "POST"])
def login() -> str | Response | tuple[str, int]:
    if current_user.is_authenticated:
        return redirect(url_for("backoffice.home"))
    email = request.form.get("email") or request.args.get("email", "")
    if request.method == "POST":
        try:
            signed_in = sign_in(
                db.session,
                email=email,
                password=request.form.get("password", ""),
                ip_address=request.remote_addr,
                user_agent=request.user_agent.string,
            )
        except NotStaffError as error:
            db.session.commit()
            return render_template("backoffice/not_staff.html", shops=_shops_of(error.user)), 403
        except SignInError as error:
            db.session.commit()  # keep the failure count
            return render_template("backoffice/login.html", email=email, error=error.detail), 401
        db.session.commit()
        rotate_csrf_token()
        login_user(SignedInUser(signed_in.login_session, signed_in.token))
        return redirect(safe_next(request.args.get("next"), url_for("backoffice.home")))
    return render_template("backoffice/login.html", email=email, error=None)


def _shops_of(user: User) -> list[tuple[Account, str | None]]:
    """Each of the person's accounts with the storefront it serves itself on (``None``: its seller has none open)."""
    return [(account, links.shop_of(db.session, account)) for account in accounts_of(db.session, user)]


@bp.route("/sign-in/unlock/<token>", methods=["GET", "POST"])
def unlock(token: str) -> str | Response | tuple[str, int, dict[str, str]]:
    """The emailed link that lifts a paused login: a button, so that a mail scanner following it changes nothing."""
    if request.method == "POST":
        try:
            email = unlock_sign_in(db.session, token)
        except NotFoundError as error:
            return render_template("backoffice/unlock.html", token=token, error=error.detail), 404, _PRIVATE
        db.session.commit()
        flash("Sign-ins to your login work again. If you did not try so often yourself, choose a new password.",
              "info")
        return redirect(url_for("backoffice.login", email=email))
    return render_template("backoffice/unlock.html", token=token, error=None), 200, _PRIVATE


@bp.post("/logout")
@login_required
def logout() -> Response:
    sign_out(db.session, current_user.login_session)
    db.session.commit()
    logout_user()
    rotate_csrf_token()
    flash("You are signed out.", "info")
    return redirect(url_for("backoffice.login"))


@bp.post("/switch")
@login_required
def switch() -> Response:
    account = switch_account(db.session, current_user.login_session, request.form.get("account_id", type=int) or 0)
    db.session.commit()
    flash(f"You are now working in {account.name}.", "info")
    return redirect(url_for("backoffice.home"))


@bp.get("/")
@login_required
def home() -> str | Response:
    if current_user.login_session.account_id is None and current_user.user.platform_operator:
        return redirect(url_for("backoffice.distributors"))
    return render_template(
        "backoffice/home.html",
        account=acting_account(),
        my_accounts=accounts_of(db.session, current_user.user, staff=True),
        attention=needs_attention(db.session, current_actor()),
    )

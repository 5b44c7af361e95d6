"""Customers' sign-up, sign-in and sign-out on a storefront, and their account's home."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_user, logout_user
from werkzeug.wrappers import Response

from core.errors import GoneError, NotFoundError, ValidationError
from core.passwords import MIN_LENGTH
from core.services.sign_in import (
    NotACustomerHereError,
    SignInError,
    ThrottledError,
    open_session,
    sign_in,
    sign_out,
    switch_account,
    unlock_sign_in,
)
from core.services.sign_ups import confirm_sign_up, pending_sign_up, start_sign_up
from storefront.auth import current_customer_actor, customer_account, customer_accounts
from storefront.cart import clear_cart
from storefront.hosts import current_storefront
from storefront.themes import render_page
from storefront.transfers import account_transfers, moved_away
from web.csrf import rotate_csrf_token
from web.database import db
from web.formatting import current_locale
from web.pages import sign_in_required
from web.redirects import safe_next
from web.sessions import SignedInUser

bp = Blueprint("shop_account", __name__)

#: The URL carries a token: keep it out of Referer headers and caches.
_PRIVATE = {"Referrer-Policy": "no-referrer", "Cache-Control": "no-store"}


@bp.route("/sign-in/unlock/<token>", methods=["GET", "POST"], endpoint="unlock")
def unlock_page(token: str) -> Response | tuple[str, int, dict[str, str]]:
    """The emailed link that lifts a paused login: a button, so that a mail scanner following it changes nothing."""
    if request.method == "POST":
        try:
            email = unlock_sign_in(db.session, token)
        except NotFoundError:
            page = render_page("unlock.html", token=token, error=_("This link does not unlock anything: it was used "
                                                                   "already, or the pause is over."))
            return page, 404, _PRIVATE
        db.session.commit()
        flash(_("Sign-ins to your login work again. If you did not try so often yourself, choose a new password."),
              "info")
        return redirect(url_for("shop_account.sign_in", email=email))
    return render_page("unlock.html", token=token, error=None), 200, _PRIVATE


@bp.route("/sign-in", methods=["GET", "POST"], endpoint="sign_in")
def sign_in_page() -> str | Response | tuple[str, int]:
    if current_user.is_authenticated:
        return redirect(safe_next(request.args.get("next"), url_for("shop_account.home")))
    email = request.form.get("email") or request.args.get("email", "")
    if request.method == "POST":
        try:
            signed_in = sign_in(db.session, email=email, password=request.form.get("password", ""),
                                ip_address=request.remote_addr, user_agent=request.user_agent.string,
                                storefront=current_storefront(),
                                unlock_link=lambda token: url_for("shop_account.unlock", token=token, _external=True))
        except SignInError as error:
            db.session.commit()  # keep the failure count
            moved = moved_away(error.user) if isinstance(error, NotACustomerHereError) else None
            message = (_("Too many failed attempts. Wait a few minutes, then try again.")
                       if isinstance(error, ThrottledError) else _("That email and password do not match an account here."))
            return render_page("sign_in.html", email=email, error=None if moved else message, moved=moved), 401
        db.session.commit()
        rotate_csrf_token()
        login_user(SignedInUser(signed_in.login_session, signed_in.token))
        return redirect(safe_next(request.args.get("next"), url_for("shop_account.home")))
    return render_page("sign_in.html", email=email, error=None)


@bp.post("/sign-out", endpoint="sign_out")
def sign_out_page() -> Response:
    if current_user.is_authenticated:
        sign_out(db.session, current_user.login_session)
        db.session.commit()
        logout_user()
        clear_cart()  # the next person at this browser starts with an empty cart
        rotate_csrf_token()
        flash(_("You are signed out."), "info")
    return redirect(url_for("shop.home"))


@bp.route("/sign-up", methods=["GET", "POST"])
def sign_up() -> str | Response | tuple[str, int]:
    form = {name: request.form.get(name, "") for name in ("name", "company_name", "email")}
    if request.method == "GET":
        return render_page("sign_up.html", form=form, errors={}, min_password_length=MIN_LENGTH)
    try:
        start_sign_up(db.session, storefront=current_storefront(), password=request.form.get("password", ""),
                      locale=current_locale(), link_for=_confirmation_link, **form)
    except ValidationError as error:
        db.session.rollback()
        return render_page("sign_up.html", form=form, errors=error.fields, min_password_length=MIN_LENGTH), 422
    db.session.commit()
    # The same page whoever the address belongs to: it never tells who has a login.
    return redirect(url_for("shop_account.sign_up_sent"))


@bp.get("/sign-up/sent")
def sign_up_sent() -> str:
    return render_page("sign_up_sent.html")


@bp.route("/sign-up/confirm/<token>", methods=["GET", "POST"])
def confirm(token: str) -> str | Response | tuple[str, int, dict[str, str]]:
    """GET shows a button, POST confirms: mail scanners that open links must not confirm for the reader."""
    try:
        sign_up = pending_sign_up(db.session, token)
        if sign_up.storefront_id != current_storefront().id:
            raise NotFoundError("This link is not valid.")
    except NotFoundError:
        return render_page("sign_up_confirm.html", error=_("This link is not valid. Check that you copied all of it.")), 404, _PRIVATE
    except GoneError:
        return (render_page("sign_up_confirm.html", error=_("This link has been used or has expired. Sign up again, or sign in.")),
                410, _PRIVATE)
    if request.method == "GET":
        return render_page("sign_up_confirm.html", error=None, sign_up=sign_up), 200, _PRIVATE
    confirmed = confirm_sign_up(db.session, token)
    if confirmed.existing_login:  # its password was set elsewhere: it proves who signs in, not this link
        db.session.commit()
        flash(_("Your account is ready. Sign in with the password you already use for %(email)s.",
                email=confirmed.user.email), "info")
        return redirect(url_for("shop_account.sign_in"))
    signed_in = open_session(db.session, confirmed.user, confirmed.account, storefront=current_storefront(),
                             ip_address=request.remote_addr, user_agent=request.user_agent.string)
    db.session.commit()
    rotate_csrf_token()
    login_user(SignedInUser(signed_in.login_session, signed_in.token))
    flash(_("Your email is confirmed and your account is ready."), "info")
    return redirect(url_for("shop_account.home"))


@bp.get("/account")
@sign_in_required
def home() -> str:
    return render_page("account.html", account=customer_account(), accounts=customer_accounts(),
                       transfers=account_transfers(), may_move=current_customer_actor().in_owner_team)


@bp.post("/account/switch")
@sign_in_required
def switch() -> Response:
    try:
        account = switch_account(db.session, current_user.login_session, request.form.get("account_id", type=int) or 0)
    except NotFoundError:
        return redirect(url_for("shop_account.home"))
    db.session.commit()
    flash(_("You are now working in %(name)s.", name=account.name), "info")
    return redirect(url_for("shop_account.home"))


def _confirmation_link(token: str) -> str:
    return url_for("shop_account.confirm", token=token, _external=True)

"""Email security on a reseller's storefront: the customer's account (``views``), its users and
mailboxes within the users bought, and the links to them from a subscription's page.

Only the signed-in customer account's own accounts are reachable here; any other id answers 404.
Loaded only when the storefront app is built (the ``storefront_pages`` hook).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

from flask import Blueprint, abort, flash, redirect, request, url_for
from werkzeug.wrappers import Response

from core.errors import ConflictError, NotFoundError, PermissionDeniedError, ValidationError, VendorUnavailableError
from core.models.subscriptions import Subscription
from core.permissions import Permission
from core.product_users import IssuedPassword, ProductUser
from core.services.orders import MAX_QUANTITY
from core.services.product_users import (
    create_product_user,
    delete_product_user,
    list_product_users,
    reset_product_user_password,
    set_product_user_enabled,
    set_product_user_licensed,
    update_product_user,
)
from core.services.subscriptions import act_on_subscription
from plugins.email_security.accounts import account_subscription
from plugins.email_security.addons import ACCOUNT_PRODUCT, ARCHIVING, DOMAINS_PRODUCT, HOSTED_EMAIL, addons_of
from plugins.email_security.reservations import live_subscription
from plugins.email_security.texts import t
from plugins.email_security.views import REFUSALS, STOREFRONT, account_pages, reached_on
from web.database import db
from web.pages import StorefrontPages, can, current_account, current_actor, error_page, render_page, sign_in_required


def pages() -> StorefrontPages:
    bp = account_pages(STOREFRONT)
    _user_pages(bp)
    return StorefrontPages(blueprint=bp, subscription_links=_links)


def _links(subscription: Subscription) -> list[tuple[str, str]]:
    """An account links to its page, its users and its archive; its extra domains to the account."""
    if subscription.product.key == DOMAINS_PRODUCT:
        account = live_subscription(db.session, subscription.owner_id, ACCOUNT_PRODUCT, subscription.params["domain"])
        return [(t("Domains and services"), url_for("email_security.account", subscription_id=account.id))] if account else []
    if subscription.product.key != ACCOUNT_PRODUCT:
        return []
    links = [(t("Domains and services"), url_for("email_security.account", subscription_id=subscription.id))]
    if "account_id" in subscription.provisioning_data and can(Permission.MANAGE_PRODUCT_USERS):
        label = t("Users and mailboxes") if HOSTED_EMAIL.key in addons_of(subscription.plan.code) else t("Users")
        links.append((label, url_for("email_security.users", subscription_id=subscription.id)))
        if ARCHIVING.key in addons_of(subscription.plan.code):
            links.append((t("Archive"), url_for("email_security.archive", subscription_id=subscription.id)))
    return links


#: Each action on a user, and what the page says once it is done.
_ACTIONS: dict[str, tuple[Callable[..., ProductUser], Callable[[ProductUser], str]]] = {
    "disable": (lambda *at, form: set_product_user_enabled(*at, enabled=False),
                lambda user: t("%(name)s can no longer sign in.", name=user.display_name)),
    "enable": (lambda *at, form: set_product_user_enabled(*at, enabled=True),
               lambda user: t("%(name)s can sign in again.", name=user.display_name)),
    "protect": (lambda *at, form: set_product_user_licensed(*at, licensed=True),
                lambda user: t("%(name)s's mail is protected.", name=user.display_name)),
    "unprotect": (lambda *at, form: set_product_user_licensed(*at, licensed=False),
                  lambda user: t("%(name)s's user is free again.", name=user.display_name)),
    "rename": (lambda *at, form: update_product_user(*at, display_name=form.get("display_name"),
                                                     user_principal_name=form.get("user_principal_name")),
               lambda user: t("Saved: %(name)s, %(address)s.", name=user.display_name, address=user.user_principal_name)),
    "delete": (lambda *at, form: delete_product_user(*at),
               lambda user: t("%(name)s is deleted.", name=user.display_name)),
}


def _user_pages(bp: Blueprint) -> None:
    """The users of the customer's account: who is protected, their mailboxes, and buying more users."""

    def own(subscription_id: int) -> Subscription:
        subscription = reached_on(STOREFRONT, subscription_id)
        if not can(Permission.MANAGE_PRODUCT_USERS):
            abort(403)
        return subscription

    def page(subscription: Subscription, *, status: int = 200, errors: Mapping[str, list[str]] | None = None,
             problem: str = "", issued: IssuedPassword | None = None,
             form: Mapping[str, str] | None = None) -> tuple[str, int]:
        try:
            users, seats = list_product_users(db.session, current_actor(), subscription.id)
        except VendorUnavailableError:
            return error_page(503, t("Please try again"), t("Your users cannot be shown just now. Try again in a minute."))
        except ConflictError:
            return error_page(409, t("Not ready yet"), t("Your users can be managed once the account is set up."))
        subscription = account_subscription(db.session, current_account(), subscription.id)
        return render_page("email_security/users.html", sub=subscription, users=users, seats=seats,
                           mailboxes=HOSTED_EMAIL.key in addons_of(subscription.plan.code),
                           can_buy=can(Permission.MANAGE_SUBSCRIPTIONS), max_more=MAX_QUANTITY - subscription.quantity,
                           errors=errors or {}, problem=problem, issued=issued, form=form or {}), status

    def refused(subscription: Subscription, error: Exception, form: Mapping[str, str]) -> tuple[str, int]:
        db.session.rollback()
        if isinstance(error, ValidationError):
            return page(subscription, status=422, errors=error.fields, form=form)
        if isinstance(error, PermissionDeniedError):
            return page(subscription, status=403, problem=t("Your teams here may not do that. Ask a person who manages "
                                                            "your organisation."))
        if isinstance(error, VendorUnavailableError):
            return page(subscription, status=503, problem=t("The service did not answer. Nothing was changed: try "
                                                            "again in a minute."))
        assert isinstance(error, ConflictError)
        return page(subscription, status=409, problem=error.detail, form=form)

    @bp.get("/<int:subscription_id>/users")
    @sign_in_required
    def users(subscription_id: int) -> tuple[str, int]:
        return page(own(subscription_id))

    @bp.post("/<int:subscription_id>/users")
    @sign_in_required
    def create_user(subscription_id: int) -> tuple[str, int]:
        subscription, form = own(subscription_id), request.form
        try:
            issued = create_product_user(db.session, current_actor(), subscription.id,
                                         display_name=form.get("display_name", ""),
                                         user_principal_name=form.get("user_principal_name", ""),
                                         licensed=form.get("protected") == "yes")
        except REFUSALS as error:
            return refused(subscription, error, form)
        db.session.commit()
        return page(subscription, issued=issued)

    @bp.post("/<int:subscription_id>/users/<user_id>/reset-password")
    @sign_in_required
    def reset_password(subscription_id: int, user_id: str) -> tuple[str, int]:
        subscription = own(subscription_id)
        try:
            issued = reset_product_user_password(db.session, current_actor(), subscription.id, user_id)
        except NotFoundError:
            abort(404)
        except REFUSALS as error:
            return refused(subscription, error, {})
        db.session.commit()
        return page(subscription, issued=issued)

    @bp.post("/<int:subscription_id>/users/<user_id>/<action>")
    @sign_in_required
    def act(subscription_id: int, user_id: str, action: str) -> Response | tuple[str, int]:
        subscription = own(subscription_id)
        if action not in _ACTIONS:
            abort(404)
        act_on_user, said = _ACTIONS[action]
        try:
            user = act_on_user(db.session, current_actor(), subscription.id, user_id, form=request.form)
        except NotFoundError:
            abort(404)
        except REFUSALS as error:
            return refused(subscription, error, {"user_id": user_id, **request.form})
        db.session.commit()
        flash(said(user), "info")
        return redirect(url_for("email_security.users", subscription_id=subscription.id), 303)

    @bp.post("/<int:subscription_id>/more-users")
    @sign_in_required
    def more_users(subscription_id: int) -> Response | tuple[str, int]:
        """More users: they count at once, charged for the rest of the period."""
        subscription, form = own(subscription_id), request.form
        most = MAX_QUANTITY - subscription.quantity
        more = form.get("users", "").strip()
        if not (more.isascii() and more.isdigit()) or not 1 <= int(more) <= most:
            return page(subscription, status=422, form=form,
                        errors={"users": [t("Choose how many users to add, from 1 to %(most)s.", most=most)]})
        try:
            act_on_subscription(db.session, actor=current_actor(), subscription_id=subscription.id, action="change",
                                quantity=subscription.quantity + int(more))
        except REFUSALS as error:
            return refused(subscription, error, form)
        db.session.commit()
        flash(t("You are buying %(count)s users in all: they count as soon as the service confirms.",
                count=subscription.quantity + int(more)), "info")
        return redirect(url_for("email_security.users", subscription_id=subscription.id), 303)

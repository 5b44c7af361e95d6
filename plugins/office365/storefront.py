"""The customer's Microsoft 365 users on its reseller's storefront: who is in the tenant, who has
a licence, and how many seats are free (with more to buy), through ``core.services.product_users``.

Only the signed-in customer account's own subscriptions are reachable here; any other id answers
404. Loaded only when the storefront app is built (the ``storefront_extensions`` hook).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

from flask import Blueprint, abort, flash, redirect, request, url_for
from flask_babel import gettext as _
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
    managed_users,
    reset_product_user_password,
    set_product_user_enabled,
    set_product_user_licensed,
    update_product_user,
)
from core.services.subscriptions import act_on_subscription
from plugins.office365.product import Microsoft365
from web.database import db
from web.pages import StorefrontPages, can, current_account, current_actor, error_page, render_page, sign_in_required

bp = Blueprint("office365", __name__, template_folder="templates", url_prefix="/microsoft-365")


def pages() -> StorefrontPages:
    return StorefrontPages(blueprint=bp, subscription_links=_links)


def _links(subscription: Subscription) -> list[tuple[str, str]]:
    """"Manage users" on a Microsoft 365 subscription set up at Microsoft, for those who may."""
    if (subscription.product.key != Microsoft365.key or "customer_id" not in subscription.provisioning_data
            or not can(Permission.MANAGE_PRODUCT_USERS)):
        return []
    return [(_("Manage users"), url_for("office365.users", subscription_id=subscription.id))]


def _own(subscription_id: int) -> Subscription:
    """The customer account's own subscription whose users the customer may manage; 404 for any other."""
    try:
        subscription = managed_users(db.session, current_actor(), subscription_id).subscription
    except NotFoundError:
        abort(404)
    except PermissionDeniedError:
        abort(403)
    if subscription.owner_id != current_account().id:
        abort(404)
    return subscription


def _page(subscription: Subscription, *, status: int = 200, errors: Mapping[str, list[str]] | None = None,
          problem: str | None = None, issued: IssuedPassword | None = None,
          form: Mapping[str, str] | None = None) -> tuple[str, int]:
    try:
        users, seats = list_product_users(db.session, current_actor(), subscription.id)
    except VendorUnavailableError:
        return error_page(503, _("Please try again"), _("Your users cannot be shown just now. Try again in a minute."))
    except ConflictError:
        return error_page(409, _("Not ready yet"), _("Your users can be managed once the subscription is set up."))
    return render_page(
        "office365/users.html",
        sub=subscription,
        users=users,
        seats=seats,
        can_buy=can(Permission.MANAGE_SUBSCRIPTIONS),
        max_more=MAX_QUANTITY - subscription.quantity,
        errors=errors or {},
        problem=problem,
        issued=issued,
        form=form or {},
    ), status


def _refused(subscription: Subscription, error: Exception, form: Mapping[str, str]) -> tuple[str, int]:
    """The page again, saying why nothing was done."""
    db.session.rollback()
    if isinstance(error, ValidationError):
        return _page(subscription, status=422, errors=error.fields, form=form)
    if isinstance(error, PermissionDeniedError):
        return _page(subscription, status=403, problem=_("Your teams here may not do that. Ask a person who manages "
                                                         "your organisation."))
    if isinstance(error, VendorUnavailableError):
        return _page(subscription, status=503, problem=_("The service did not answer. Nothing was changed: try again "
                                                         "in a minute."))
    assert isinstance(error, ConflictError)
    return _page(subscription, status=409, problem=error.detail, form=form)


_REFUSALS = (ValidationError, PermissionDeniedError, ConflictError, VendorUnavailableError)


@bp.get("/<int:subscription_id>/users")
@sign_in_required
def users(subscription_id: int) -> tuple[str, int]:
    return _page(_own(subscription_id))


@bp.post("/<int:subscription_id>/users")
@sign_in_required
def create_user(subscription_id: int) -> tuple[str, int]:
    subscription, form = _own(subscription_id), request.form
    try:
        issued = create_product_user(db.session, current_actor(), subscription.id,
                                     display_name=form.get("display_name", ""),
                                     user_principal_name=form.get("user_principal_name", ""),
                                     licensed=form.get("licensed") == "yes")
    except _REFUSALS as error:
        return _refused(subscription, error, form)
    db.session.commit()
    return _page(subscription, issued=issued)


@bp.post("/<int:subscription_id>/users/<user_id>/reset-password")
@sign_in_required
def reset_password(subscription_id: int, user_id: str) -> tuple[str, int]:
    subscription = _own(subscription_id)
    try:
        issued = reset_product_user_password(db.session, current_actor(), subscription.id, user_id)
    except NotFoundError:
        abort(404)
    except _REFUSALS as error:
        return _refused(subscription, error, {})
    db.session.commit()
    return _page(subscription, issued=issued)


#: Each action on a user, and what the page says once it is done.
_ACTIONS: dict[str, tuple[Callable[..., ProductUser], Callable[[ProductUser], str]]] = {
    "disable": (lambda *at, form: set_product_user_enabled(*at, enabled=False),
                lambda user: _("%(name)s can no longer sign in.", name=user.display_name)),
    "enable": (lambda *at, form: set_product_user_enabled(*at, enabled=True),
               lambda user: _("%(name)s can sign in again.", name=user.display_name)),
    "assign-licence": (lambda *at, form: set_product_user_licensed(*at, licensed=True),
                       lambda user: _("%(name)s has a licence.", name=user.display_name)),
    "remove-licence": (lambda *at, form: set_product_user_licensed(*at, licensed=False),
                       lambda user: _("%(name)s's seat is free again.", name=user.display_name)),
    "rename": (lambda *at, form: update_product_user(*at, display_name=form.get("display_name"),
                                                     user_principal_name=form.get("user_principal_name")),
               lambda user: _("Saved: %(name)s, %(sign_in)s.", name=user.display_name,
                              sign_in=user.user_principal_name)),
    "delete": (lambda *at, form: delete_product_user(*at),
               lambda user: _("%(name)s is deleted; their seat is free.", name=user.display_name)),
}


@bp.post("/<int:subscription_id>/users/<user_id>/<action>")
@sign_in_required
def act(subscription_id: int, user_id: str, action: str) -> Response | tuple[str, int]:
    subscription = _own(subscription_id)
    if action not in _ACTIONS:
        abort(404)
    act_on_user, done = _ACTIONS[action]
    try:
        user = act_on_user(db.session, current_actor(), subscription.id, user_id, form=request.form)
    except NotFoundError:
        abort(404)
    except _REFUSALS as error:
        return _refused(subscription, error, {"user_id": user_id, **request.form})
    db.session.commit()
    flash(done(user), "info")
    return redirect(url_for("office365.users", subscription_id=subscription.id))


@bp.post("/<int:subscription_id>/seats")
@sign_in_required
def buy_seats(subscription_id: int) -> Response | tuple[str, int]:
    """Add seats: they count at once (Microsoft's rule), like any increase of the quantity."""
    subscription, form = _own(subscription_id), request.form
    more = form.get("seats", "").strip()
    if not more.isdigit() or not 1 <= int(more) <= MAX_QUANTITY - subscription.quantity:
        return _page(subscription, status=422, form=form,
                     errors={"seats": [_("Choose how many seats to add, from 1 to %(most)s.",
                                         most=MAX_QUANTITY - subscription.quantity)]})
    try:
        act_on_subscription(db.session, actor=current_actor(), subscription_id=subscription.id,
                            action="change", quantity=subscription.quantity + int(more))
    except _REFUSALS as error:
        return _refused(subscription, error, form)
    db.session.commit()
    flash(_("You are buying seats for %(count)s users in all: they count as soon as the service confirms.",
            count=subscription.quantity + int(more)), "info")
    return redirect(url_for("office365.users", subscription_id=subscription.id))

"""The users of a subscription's service (Microsoft 365 users) in the back office: a reseller
manages its customers' users and licences, a customer its own, within the seats bought.

Every write comes back to the users page. A temporary password is shown on the page that
made it, once; it is never put in a flash message or a URL.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext
from flask_login import login_required
from werkzeug.wrappers import Response

from bss.auth import current_actor
from bss.backoffice import bp
from core.errors import ConflictError, NotFoundError, ValidationError
from core.models.subscriptions import Subscription
from core.permissions import Permission
from core.product_users import IssuedPassword, ProductUser
from core.services.product_users import (
    create_product_user,
    delete_product_user,
    has_product_users,
    list_product_users,
    managed_users,
    reset_product_user_password,
    set_product_user_enabled,
    set_product_user_licensed,
    update_product_user,
)
from web.database import db


@bp.app_template_global()
def manages_users(subscription: Subscription) -> bool:
    """Whether the subscription page links to its users: its product has some, and the actor may manage them."""
    return Permission.MANAGE_PRODUCT_USERS in current_actor().permissions and has_product_users(subscription)


def _page(subscription_id: int, *, status: int = 200, errors: Mapping[str, list[str]] | None = None,
          problem: str | None = None, issued: IssuedPassword | None = None,
          form: Mapping[str, str] | None = None) -> tuple[str, int]:
    actor = current_actor()
    subscription = managed_users(db.session, actor, subscription_id).subscription
    users, seats = list_product_users(db.session, actor, subscription_id)
    return render_template(
        "backoffice/product_users.html",
        subscription=subscription,
        users=users,
        seats=seats,
        can_buy=Permission.MANAGE_SUBSCRIPTIONS in actor.permissions,
        errors=errors or {},
        problem=problem,
        issued=issued,
        form=form or {},
    ), status


@bp.get("/subscriptions/<int:subscription_id>/users")
@login_required
def product_users(subscription_id: int) -> tuple[str, int]:
    return _page(subscription_id)


@bp.post("/subscriptions/<int:subscription_id>/users")
@login_required
def create_product_user_view(subscription_id: int) -> tuple[str, int]:
    form = request.form
    try:
        issued = create_product_user(db.session, current_actor(), subscription_id,
                                     display_name=form.get("display_name", ""),
                                     user_principal_name=form.get("user_principal_name", ""),
                                     licensed=form.get("licensed") == "yes")
    except ValidationError as error:
        db.session.rollback()
        return _page(subscription_id, status=422, errors=error.fields, form=form)
    except ConflictError as error:
        db.session.rollback()
        return _page(subscription_id, status=409, problem=error.detail, form=form)
    db.session.commit()
    return _page(subscription_id, issued=issued)


@bp.post("/subscriptions/<int:subscription_id>/users/<user_id>/reset-password")
@login_required
def reset_product_user_password_view(subscription_id: int, user_id: str) -> tuple[str, int]:
    issued = reset_product_user_password(db.session, current_actor(), subscription_id, user_id)
    db.session.commit()
    return _page(subscription_id, issued=issued)


#: What each action on a user does, and what the page says once it is done.
_ACTIONS: dict[str, tuple[Callable[..., Any], Callable[[ProductUser], str]]] = {
    "disable": (lambda *at, form: set_product_user_enabled(*at, enabled=False),
                lambda user: gettext("%(name)s can no longer sign in.", name=user.display_name)),
    "enable": (lambda *at, form: set_product_user_enabled(*at, enabled=True),
               lambda user: gettext("%(name)s can sign in again.", name=user.display_name)),
    "assign-licence": (lambda *at, form: set_product_user_licensed(*at, licensed=True),
                       lambda user: gettext("%(name)s has a licence.", name=user.display_name)),
    "remove-licence": (lambda *at, form: set_product_user_licensed(*at, licensed=False),
                       lambda user: gettext("%(name)s's seat is free again.", name=user.display_name)),
    "rename": (lambda *at, form: update_product_user(*at, display_name=form.get("display_name"),
                                                     user_principal_name=form.get("user_principal_name")),
               lambda user: gettext("Saved: %(name)s, %(sign_in)s.", name=user.display_name,
                                     sign_in=user.user_principal_name)),
    "delete": (lambda *at, form: delete_product_user(*at),
               lambda user: gettext("%(name)s is deleted; their seat is free.", name=user.display_name)),
}


@bp.post("/subscriptions/<int:subscription_id>/users/<user_id>/<action>")
@login_required
def act_on_product_user(subscription_id: int, user_id: str, action: str) -> Response | tuple[str, int]:
    act, done = _ACTIONS.get(action, (None, None))
    actor = current_actor()
    if act is None or done is None:
        managed_users(db.session, actor, subscription_id)  # another tenant's subscription is not found first
        raise NotFoundError(gettext("Users have no action '%(action)s'.", action=action))
    try:
        user = act(db.session, actor, subscription_id, user_id, form=request.form)
    except ValidationError as error:
        db.session.rollback()
        return _page(subscription_id, status=422, errors=error.fields, form={"user_id": user_id, **request.form})
    except ConflictError as error:
        db.session.rollback()
        return _page(subscription_id, status=409, problem=error.detail)
    db.session.commit()
    flash(done(user), "info")
    return redirect(url_for("backoffice.product_users", subscription_id=subscription_id))

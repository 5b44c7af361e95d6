"""``/subscriptions/{id}/users``: the users of a subscription's service (Microsoft 365 users) and
its seats, for those with ``manage_product_users``.

A subscription outside the caller's part of the tree answers 404, as does a user who is not in
the subscription's service. Creating a user and resetting a password answer a temporary password
once: Cascade keeps it nowhere, so those two take no ``Idempotency-Key`` (whose answers are kept).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, ClassVar

from flask import Response
from marshmallow import Schema, ValidationError, fields, validate, validates_schema

from bss.api import bp
from core.permissions import Permission
from core.product_users import ProductUser
from core.services.product_users import (
    create_product_user,
    delete_product_user,
    get_product_user,
    list_product_users,
    reset_product_user_password,
    set_product_user_enabled,
    set_product_user_licensed,
    update_product_user,
)
from web.api.auth import current_actor
from web.api.fields import Boolean
from web.api.idempotency import commit_and_respond
from web.api.operations import operation, request_body, respond
from web.database import db

_DISPLAY_NAME = validate.Length(min=1, max=256)
_PRINCIPAL_NAME = validate.Length(min=3, max=320)
_USERS = "/subscriptions/<int:subscription_id>/users"
_USER = _USERS + "/<user_id>"


class ProductUserSchema(Schema):
    """A user of the subscription's service, with whether they hold its licence."""

    id = fields.String(required=True, metadata={"description": "The vendor's id of the user."})
    user_principal_name = fields.String(required=True, metadata={"description": "What they sign in with."})
    display_name = fields.String(required=True)
    licensed = fields.Boolean(required=True, metadata={"description": "Holds the subscription's licence (a seat)."})
    enabled = fields.Boolean(required=True, metadata={"description": "May sign in."})


class SeatsSchema(Schema):
    """The subscription's seats: bought, given to users, and free."""

    bought = fields.Integer(required=True)
    assigned = fields.Integer(required=True)
    free = fields.Integer(required=True)


class ProductUserPageSchema(Schema):
    items = fields.List(fields.Nested(ProductUserSchema), required=True)
    next = fields.String(required=True, allow_none=True)
    seats = fields.Nested(SeatsSchema, required=True)


class IssuedPasswordSchema(Schema):
    """A user and their temporary password, which they change at first sign-in. It is shown this once."""

    user = fields.Nested(ProductUserSchema, required=True)
    temporary_password = fields.String(required=True)


class ProductUserCreationSchema(Schema):
    display_name = fields.String(required=True, validate=_DISPLAY_NAME)
    user_principal_name = fields.String(required=True, validate=_PRINCIPAL_NAME,
                                        metadata={"description": "name@domain, under one of the tenant's domains."})
    licensed = Boolean(load_default=True, metadata={"description": "Give them a seat at once."})


class ProductUserChangeSchema(Schema):
    display_name = fields.String(validate=_DISPLAY_NAME)
    user_principal_name = fields.String(validate=_PRINCIPAL_NAME)

    json_schema: ClassVar[dict[str, Any]] = {"minProperties": 1}

    @validates_schema
    def something_to_change(self, data: dict[str, Any], **_: Any) -> None:
        if not data:
            raise ValidationError("Send display_name, user_principal_name or both.")


_MANAGE = {"permission": Permission.MANAGE_PRODUCT_USERS, "conflicts": True}
_ONCE = ("Not idempotent: the answer carries a password that is kept nowhere, so no answer is kept to replay. "
         "Answers 503 when the vendor does not answer.")


@bp.get(_USERS)
@operation(summary="List the users of a subscription's service, with its seats (one page).",
           response=ProductUserPageSchema, **_MANAGE)
def product_users(subscription_id: int) -> Response:
    users, seats = list_product_users(db.session, current_actor(), subscription_id)
    return respond({"items": users, "next": None, "seats": seats})


@bp.post(_USERS)
@operation(summary="Create a user with a temporary password (shown once), licensed unless asked not to be.",
           response=IssuedPasswordSchema, status=201, body=ProductUserCreationSchema, description=_ONCE, **_MANAGE)
def create_product_user_view(subscription_id: int) -> Response:
    issued = create_product_user(db.session, current_actor(), subscription_id, **request_body())
    db.session.commit()
    return respond(issued)


@bp.get(_USER)
@operation(summary="Read a user of a subscription's service.", response=ProductUserSchema, **_MANAGE)
def product_user(subscription_id: int, user_id: str) -> Response:
    return respond(get_product_user(db.session, current_actor(), subscription_id, user_id))


@bp.patch(_USER)
@operation(summary="Rename a user: their display name, their user principal name or both.",
           response=ProductUserSchema, body=ProductUserChangeSchema, idempotent=True, **_MANAGE)
def update_product_user_view(subscription_id: int, user_id: str) -> Response:
    user = update_product_user(db.session, current_actor(), subscription_id, user_id, **request_body())
    return commit_and_respond(user)


@bp.delete(_USER)
@operation(summary="Delete a user (their seat becomes free); answers the user as they were.",
           response=ProductUserSchema, idempotent=True, **_MANAGE)
def delete_product_user_view(subscription_id: int, user_id: str) -> Response:
    return commit_and_respond(delete_product_user(db.session, current_actor(), subscription_id, user_id))


@bp.post(_USER + "/reset-password")
@operation(summary="Replace a user's password with a temporary one (shown once).", response=IssuedPasswordSchema,
           description=_ONCE, **_MANAGE)
def reset_product_user_password_view(subscription_id: int, user_id: str) -> Response:
    issued = reset_product_user_password(db.session, current_actor(), subscription_id, user_id)
    db.session.commit()
    return respond(issued)


#: The actions on a user that answer the user as they are then: what each does, and its service call.
_USER_ACTIONS: dict[str, tuple[str, Callable[..., ProductUser]]] = {
    "disable": ("Stop a user signing in; their data and licence stay.",
                lambda *at: set_product_user_enabled(*at, enabled=False)),
    "enable": ("Let a disabled user sign in again.", lambda *at: set_product_user_enabled(*at, enabled=True)),
    "assign-licence": ("Give a user one of the subscription's seats (409 when none is free).",
                       lambda *at: set_product_user_licensed(*at, licensed=True)),
    "remove-licence": ("Take a user's seat back.", lambda *at: set_product_user_licensed(*at, licensed=False)),
}


def _user_action_view(act: Callable[..., ProductUser]) -> Callable[[int, str], Response]:
    def view(subscription_id: int, user_id: str) -> Response:
        return commit_and_respond(act(db.session, current_actor(), subscription_id, user_id))

    return view


def _add_user_action_routes() -> None:
    for action, (summary, act) in _USER_ACTIONS.items():
        declared = operation(summary=summary, response=ProductUserSchema, idempotent=True, **_MANAGE)
        bp.add_url_rule(f"{_USER}/{action}", endpoint=f"product_user_{action.replace('-', '_')}", methods=["POST"],
                        view_func=declared(_user_action_view(act)))


_add_user_action_routes()

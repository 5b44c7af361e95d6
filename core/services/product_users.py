"""Managing the users of a subscription's service (Microsoft 365 users): who may, and a record of it.

Every function needs the ``manage_product_users`` permission and a subscription in the actor's
part of the tree (any other answers not found, as a missing one does), then hands over to the
product's ``UserDirectory``. The subscription is read and the transaction ended (committed:
nothing is written yet) before the directory calls the vendor, so that no transaction waits on
a vendor's round trip. What changes a user is then recorded in the audit log of the account
that owns the subscription; a temporary password never is.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.orm import Session

from core.db import end_before_outside_call
from core.errors import NotFoundError
from core.languages import say
from core.models.subscriptions import Subscription
from core.permissions import Permission
from core.product_users import IssuedPassword, ProductUser, Seats, ServiceRef, UserDirectory
from core.services.actors import Actor
from core.services.audit import record_event
from core.services.catalog import declared_type
from core.services.subscriptions import get_subscription


@dataclass(frozen=True)
class ManagedUsers:
    """A subscription whose users the actor may manage, its service as the directory sees it,
    and its product's directory."""

    subscription: Subscription
    service: ServiceRef
    directory: UserDirectory


def managed_users(session: Session, actor: Actor, subscription_id: int) -> ManagedUsers:
    """The subscription ``subscription_id`` and its directory, if ``actor`` may manage its users.

    It ends the session's transaction, for the directory to call the vendor with none open.
    """
    actor.require(Permission.MANAGE_PRODUCT_USERS)
    subscription = get_subscription(session, actor.account, subscription_id)
    directory = declared_type(subscription.product).user_directory()
    if directory is None:
        raise NotFoundError(say("%(product)s has no users to manage.", product=subscription.product.said_name))
    service = ServiceRef(subscription_id=subscription.id, plan_code=subscription.plan.code,
                         plan_name=subscription.plan.name, data=dict(subscription.provisioning_data))
    end_before_outside_call(session)
    return ManagedUsers(subscription, service, directory)


def has_product_users(subscription: Subscription) -> bool:
    """Whether the subscription's product has users to manage (what a page links to)."""
    return declared_type(subscription.product).user_directory() is not None


def list_product_users(session: Session, actor: Actor, subscription_id: int) -> tuple[list[ProductUser], Seats]:
    """The service's users, and its seats."""
    managed = managed_users(session, actor, subscription_id)
    return managed.directory.users(managed.service), managed.directory.seats(managed.service)


def get_product_user(session: Session, actor: Actor, subscription_id: int, user_id: str) -> ProductUser:
    managed = managed_users(session, actor, subscription_id)
    return managed.directory.user(managed.service, user_id)


def create_product_user(session: Session, actor: Actor, subscription_id: int, *, display_name: str,
                        user_principal_name: str, licensed: bool = True) -> IssuedPassword:
    """Add a user with a temporary password (shown to the caller once), licensed unless asked not to be."""
    managed = managed_users(session, actor, subscription_id)
    issued = managed.directory.create_user(managed.service, display_name=display_name,
                                           user_principal_name=user_principal_name, licensed=licensed)
    _record(session, actor, managed, "product_user.created", issued.user,
            {"display_name": issued.user.display_name, "licensed": issued.user.licensed})
    return issued


def update_product_user(session: Session, actor: Actor, subscription_id: int, user_id: str, *,
                        display_name: str | None = None, user_principal_name: str | None = None) -> ProductUser:
    managed = managed_users(session, actor, subscription_id)
    before = managed.directory.user(managed.service, user_id)
    user = managed.directory.update_user(managed.service, user_id, display_name=display_name,
                                         user_principal_name=user_principal_name)
    changes = {name: [getattr(before, name), getattr(user, name)] for name in ("display_name", "user_principal_name")
               if getattr(before, name) != getattr(user, name)}
    _record(session, actor, managed, "product_user.updated", user, changes)
    return user


def set_product_user_enabled(session: Session, actor: Actor, subscription_id: int, user_id: str,
                             enabled: bool) -> ProductUser:
    managed = managed_users(session, actor, subscription_id)
    user = managed.directory.set_enabled(managed.service, user_id, enabled)
    _record(session, actor, managed, "product_user.enabled" if enabled else "product_user.disabled", user)
    return user


def set_product_user_licensed(session: Session, actor: Actor, subscription_id: int, user_id: str,
                              licensed: bool) -> ProductUser:
    """Give the user one of the subscription's seats (refused when none is free), or take it back."""
    managed = managed_users(session, actor, subscription_id)
    user = managed.directory.set_licensed(managed.service, user_id, licensed)
    _record(session, actor, managed, "product_user.licence_assigned" if licensed else "product_user.licence_removed", user)
    return user


def reset_product_user_password(session: Session, actor: Actor, subscription_id: int, user_id: str) -> IssuedPassword:
    managed = managed_users(session, actor, subscription_id)
    issued = managed.directory.reset_password(managed.service, user_id)
    _record(session, actor, managed, "product_user.password_reset", issued.user)
    return issued


def delete_product_user(session: Session, actor: Actor, subscription_id: int, user_id: str) -> ProductUser:
    """Remove the user; return them as they were."""
    managed = managed_users(session, actor, subscription_id)
    user = managed.directory.user(managed.service, user_id)
    managed.directory.delete_user(managed.service, user_id)
    _record(session, actor, managed, "product_user.deleted", user)
    return user


def _record(session: Session, actor: Actor, managed: ManagedUsers, action: str, user: ProductUser,
            changes: dict[str, object] | None = None) -> None:
    record_event(session, account=managed.subscription.owner, by=actor.user, action=action,
                 target=managed.subscription,
                 changes={"user_id": user.id, "user_principal_name": user.user_principal_name, **(changes or {})})

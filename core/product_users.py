"""Products whose service has users its owner manages: what a product type supplies for them.

A product type whose subscriptions come with users of their own (Microsoft 365's users and
their licences) answers ``user_directory()`` with a ``UserDirectory``. The core decides who may
manage them, for which subscription (``core.services.product_users``: the
``manage_product_users`` permission, the actor's part of the tree), and records what was done;
the directory talks to the vendor. The API, the back office and the plugin's storefront pages
all go through that service.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class ServiceRef:
    """The subscription whose users a directory manages, as plain data read beforehand: the
    directory talks to the vendor with no database transaction open, so it reads nothing."""

    subscription_id: int
    plan_code: str
    plan_name: str
    #: What provisioning stored for the subscription (the vendor's ids).
    data: Mapping[str, Any]


@dataclass(frozen=True)
class ProductUser:
    """One user of a subscription's service, as the vendor knows them."""

    #: The vendor's id, unique within the subscription's tenant.
    id: str
    user_principal_name: str
    display_name: str
    #: Holds the subscription's licence, so uses one of its seats.
    licensed: bool
    #: May sign in.
    enabled: bool


@dataclass(frozen=True)
class Seats:
    """The seats of a subscription: bought, and given to users."""

    bought: int
    assigned: int

    @property
    def free(self) -> int:
        return max(self.bought - self.assigned, 0)


@dataclass(frozen=True)
class IssuedPassword:
    """A user with the temporary password just set for them: shown once, kept nowhere."""

    user: ProductUser
    temporary_password: str


class UserDirectory(ABC):
    """The users of one product's subscriptions, at the vendor.

    Every method gets the service of a subscription the caller may manage and talks to the vendor. It raises
    ``ValidationError`` naming the field at fault, ``NotFoundError`` for a user who is not in the
    subscription's service, ``ConflictError`` for what cannot be done now (no seat is free, the
    service is not set up yet) and ``VendorUnavailableError`` when the vendor does not answer.
    """

    @abstractmethod
    def users(self, service: ServiceRef) -> list[ProductUser]:
        """Every user of the service, by name."""

    @abstractmethod
    def user(self, service: ServiceRef, user_id: str) -> ProductUser:
        """One user."""

    @abstractmethod
    def seats(self, service: ServiceRef) -> Seats:
        """How many users the subscription can license, and how many it does."""

    @abstractmethod
    def create_user(self, service: ServiceRef, *, display_name: str, user_principal_name: str,
                    licensed: bool) -> IssuedPassword:
        """Add a user who must change the temporary password at first sign-in."""

    @abstractmethod
    def update_user(self, service: ServiceRef, user_id: str, *, display_name: str | None = None,
                    user_principal_name: str | None = None) -> ProductUser:
        """Rename a user (``None``: unchanged)."""

    @abstractmethod
    def set_enabled(self, service: ServiceRef, user_id: str, enabled: bool) -> ProductUser:
        """Let a user sign in again, or stop them (their data and licence stay)."""

    @abstractmethod
    def set_licensed(self, service: ServiceRef, user_id: str, licensed: bool) -> ProductUser:
        """Give a user one of the subscription's seats, or take it back."""

    @abstractmethod
    def reset_password(self, service: ServiceRef, user_id: str) -> IssuedPassword:
        """Replace a user's password with a temporary one."""

    @abstractmethod
    def delete_user(self, service: ServiceRef, user_id: str) -> None:
        """Remove a user (their seat becomes free)."""

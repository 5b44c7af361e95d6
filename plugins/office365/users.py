"""The users of a customer's Microsoft 365 tenant and the licences of its subscriptions.

The directory behind ``/subscriptions/{id}/users``, the back office's and the storefront's user
pages (``core.services.product_users`` decides who may use it). A subscription's licence is its
plan's SKU; its seats are what the tenant's subscriptions of that SKU enable at Microsoft, and a
licence is given only while one is free. Microsoft counts too, and refuses beyond the seats.
"""

from __future__ import annotations

import re
import secrets
from collections.abc import Iterator
from contextlib import contextmanager

from babel.lists import format_list

from core.errors import ConflictError, NotFoundError, ValidationError, VendorUnavailableError
from core.languages import answering, say
from core.product_lifecycle import RetryableError
from core.product_users import IssuedPassword, ProductUser, Seats, ServiceRef, UserDirectory
from plugin_kit.vendor_http import VendorError
from plugins.office365.connector import DirectoryUser, Office365Client
from plugins.office365.offers import offer_of
from plugins.office365.settings import load_settings

#: What Microsoft accepts before the ``@`` of a user principal name.
_LOCAL_PART = re.compile(r"^[A-Za-z0-9'_!#^~-]+(?:\.[A-Za-z0-9'_!#^~-]+)*$")
MAX_LOCAL_PART = 64
MAX_DISPLAY_NAME = 256
PASSWORD_LENGTH = 16
#: No look-alikes (l, 1, I, O, 0) in a password read off a screen.
_PASSWORD_ALPHABETS = ("abcdefghjkmnpqrstuvwxyz", "ABCDEFGHJKLMNPQRSTUVWXYZ", "23456789", "!#$%*+-=?@")


def temporary_password() -> str:
    """A random password meeting Microsoft's complexity rules: every kind of character, no look-alikes."""
    characters = [secrets.choice(alphabet) for alphabet in _PASSWORD_ALPHABETS]
    characters += [secrets.choice("".join(_PASSWORD_ALPHABETS)) for _ in range(PASSWORD_LENGTH - len(characters))]
    secrets.SystemRandom().shuffle(characters)
    return "".join(characters)


class Office365Users(UserDirectory):
    """The directory of the tenant a subscription was set up in."""

    def users(self, service: ServiceRef) -> list[ProductUser]:
        sku_id = _sku(service)
        with _at_microsoft() as client:
            found = client.users(_tenant(service))
        return sorted((_shown(user, sku_id) for user in found), key=lambda user: user.display_name.casefold())

    def user(self, service: ServiceRef, user_id: str) -> ProductUser:
        with _at_microsoft() as client:
            return _shown(_directory_user(client, service, user_id), _sku(service))

    def seats(self, service: ServiceRef) -> Seats:
        with _at_microsoft() as client:
            return _seats(client, service)

    def create_user(self, service: ServiceRef, *, display_name: str, user_principal_name: str,
                    licensed: bool) -> IssuedPassword:
        tenant, sku_id = _tenant(service), _sku(service)
        with _at_microsoft() as client:
            display_name, user_principal_name = _checked_names(client, tenant, display_name, user_principal_name)
            if licensed:
                _require_free_seat(client, service)
            password = temporary_password()
            try:
                user = client.create_user(tenant, display_name=display_name, user_principal_name=user_principal_name,
                                          password=password)
            except VendorError as error:
                if error.retryable:
                    raise
                raise ValidationError({"user_principal_name": [error.message]}) from None
            if licensed:
                user = _licensed(client, service, user.id)
        return IssuedPassword(_shown(user, sku_id), password)

    def update_user(self, service: ServiceRef, user_id: str, *, display_name: str | None = None,
                    user_principal_name: str | None = None) -> ProductUser:
        tenant = _tenant(service)
        with _at_microsoft() as client:
            current = _directory_user(client, service, user_id)
            display_name, user_principal_name = _checked_names(
                client, tenant, current.display_name if display_name is None else display_name,
                current.user_principal_name if user_principal_name is None else user_principal_name)
            try:
                client.update_user(tenant, user_id, display_name=display_name, user_principal_name=user_principal_name)
            except VendorError as error:
                if error.retryable:
                    raise
                raise ValidationError({"user_principal_name": [error.message]}) from None
            return _shown(client.user(tenant, user_id), _sku(service))

    def set_enabled(self, service: ServiceRef, user_id: str, enabled: bool) -> ProductUser:
        tenant = _tenant(service)
        with _at_microsoft() as client:
            _directory_user(client, service, user_id)
            client.update_user(tenant, user_id, enabled=enabled)
            return _shown(client.user(tenant, user_id), _sku(service))

    def set_licensed(self, service: ServiceRef, user_id: str, licensed: bool) -> ProductUser:
        sku_id = _sku(service)
        with _at_microsoft() as client:
            user = _directory_user(client, service, user_id)
            if licensed and sku_id not in user.sku_ids:
                _require_free_seat(client, service)
                user = _licensed(client, service, user_id)
            elif not licensed and sku_id in user.sku_ids:
                user = client.change_licences(_tenant(service), user_id, remove=(sku_id,))
        return _shown(user, sku_id)

    def reset_password(self, service: ServiceRef, user_id: str) -> IssuedPassword:
        tenant = _tenant(service)
        password = temporary_password()
        with _at_microsoft() as client:
            user = _directory_user(client, service, user_id)
            client.update_user(tenant, user_id, password=password)
        return IssuedPassword(_shown(user, _sku(service)), password)

    def delete_user(self, service: ServiceRef, user_id: str) -> None:
        with _at_microsoft() as client:
            _directory_user(client, service, user_id)
            client.delete_user(_tenant(service), user_id)


@contextmanager
def _at_microsoft() -> Iterator[Office365Client]:
    """A client of the configured Microsoft; not answering becomes ``VendorUnavailableError``, and
    a refusal nothing more precise was made of a ``ConflictError`` in Microsoft's words."""
    try:
        yield Office365Client(load_settings())
    except RetryableError as error:  # a retryable VendorError among them
        raise VendorUnavailableError(say("Microsoft is not answering just now (%(error)s). Try again in a minute.",
                                         error=error)) from None
    except VendorError as error:
        raise ConflictError(say("Microsoft refused: %(reason)s", reason=error.message)) from None


def _tenant(service: ServiceRef) -> str:
    tenant = service.data.get("customer_id")
    if tenant is None:
        raise ConflictError(say("%(plan)s is not set up at Microsoft yet: its users can be managed once it is active.",
                                plan=service.plan_name))
    return tenant


def _sku(service: ServiceRef) -> str:
    return offer_of(service.plan_code).sku_id


def _shown(user: DirectoryUser, sku_id: str) -> ProductUser:
    return ProductUser(id=user.id, user_principal_name=user.user_principal_name, display_name=user.display_name,
                       licensed=sku_id in user.sku_ids, enabled=user.enabled)


def _directory_user(client: Office365Client, service: ServiceRef, user_id: str) -> DirectoryUser:
    """The user ``user_id`` of the subscription's tenant: an id of another tenant is not found."""
    try:
        return client.user(_tenant(service), user_id)
    except VendorError as error:
        if error.status in (400, 404):
            raise NotFoundError(say("No user %(id)s.", id=user_id)) from None
        raise


def _seats(client: Office365Client, service: ServiceRef) -> Seats:
    sku_id = _sku(service)
    held = next((sku for sku in client.subscribed_skus(_tenant(service)) if sku.sku_id == sku_id), None)
    return Seats(bought=held.enabled_units, assigned=held.consumed_units) if held else Seats(bought=0, assigned=0)


def _require_free_seat(client: Office365Client, service: ServiceRef) -> None:
    seats = _seats(client, service)
    if seats.free == 0:
        raise ConflictError(say("All %(count)s seats of %(plan)s are in use: remove a licence from someone, "
                                "or buy more seats.", count=seats.bought, plan=service.plan_name))


def _licensed(client: Office365Client, service: ServiceRef, user_id: str) -> DirectoryUser:
    try:
        return client.change_licences(_tenant(service), user_id, add=(_sku(service),))
    except VendorError as error:  # the last seat went to someone else in the meantime
        if error.retryable:
            raise
        raise ConflictError(say("Microsoft gave no licence: %(reason)s", reason=error.message)) from None


def _checked_names(client: Office365Client, tenant: str, display_name: str,
                   user_principal_name: str) -> tuple[str, str]:
    """Both names as Microsoft will take them, or a ``ValidationError`` naming each at fault."""
    errors: dict[str, list[str]] = {}
    display_name = " ".join(display_name.split())
    if not display_name:
        errors["display_name"] = [say("Give the person's name.")]
    elif len(display_name) > MAX_DISPLAY_NAME:
        errors["display_name"] = [say("Use at most %(most)s characters.", most=MAX_DISPLAY_NAME)]
    user_principal_name = user_principal_name.strip()
    local, at, domain = user_principal_name.rpartition("@")
    domains = client.domains(tenant)
    if not at or not local:
        errors["user_principal_name"] = [say("Write it as name@domain, e.g. alex@%(domain)s.", domain=domains[0])]
    elif len(local) > MAX_LOCAL_PART or not _LOCAL_PART.match(local):
        errors["user_principal_name"] = [say("Before the @, use at most %(most)s letters, digits and . - _ ' ! # ^ ~ "
                                             "(no dot first, last or twice in a row).", most=MAX_LOCAL_PART)]
    elif domain.lower() not in domains:
        errors["user_principal_name"] = [say("%(domain)s is not a domain of this tenant: use %(domains)s.",
                                             domain=domain,
                                             domains=format_list(domains, style="or", locale=answering()))]
    if errors:
        raise ValidationError(errors)
    return display_name, f"{local}@{domain.lower()}"

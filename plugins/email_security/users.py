"""The users of an email security account: the addresses it protects, with their mailboxes when the
account has hosted email.

The directory behind ``/subscriptions/{id}/users``, the back office's users page and the
storefront's (``core.services.product_users`` decides who may use it). A user is protected (holds
one of the account's seats, ``licensed``) only while a seat is free: the subscription's quantity is
the account's user limit, which the service enforces too. A user's password signs them in to their
quarantine, and to their mailbox with hosted email.
"""

from __future__ import annotations

import re
import secrets
from collections.abc import Callable, Iterator
from contextlib import contextmanager

from babel.lists import format_list

from core.errors import ConflictError, NotFoundError, ValidationError, VendorUnavailableError
from core.languages import answering
from core.product_lifecycle import RetryableError
from core.product_users import IssuedPassword, ProductUser, Seats, ServiceRef, UserDirectory
from plugin_kit.vendor_http import VendorError
from plugins.email_security.connector import EmailSecurityClient, VendorUser
from plugins.email_security.domain_names import DomainNameError, to_ascii
from plugins.email_security.texts import said

_LOCAL_PART = re.compile(r"^[a-z0-9!#$%&'*+/=?^_`{|}~-]+(?:\.[a-z0-9!#$%&'*+/=?^_`{|}~-]+)*$")
MAX_LOCAL_PART = 64
MAX_DISPLAY_NAME = 256
PASSWORD_LENGTH = 16
#: No look-alikes (l, 1, I, O, 0) in a password read off a screen.
_ALPHABET = "abcdefghjkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789"


def temporary_password() -> str:
    return "".join(secrets.choice(_ALPHABET) for _ in range(PASSWORD_LENGTH))


class EmailSecurityUsers(UserDirectory):
    """The users of the account a subscription was set up as."""

    def users(self, service: ServiceRef) -> list[ProductUser]:
        with _at_service() as client:
            found = client.users(_account(service))
        return sorted((_shown(user) for user in found), key=lambda user: user.display_name.casefold())

    def user(self, service: ServiceRef, user_id: str) -> ProductUser:
        with _at_service() as client:
            return _shown(_vendor_user(client, service, user_id))

    def seats(self, service: ServiceRef) -> Seats:
        with _at_service() as client:
            return _seats(client, service)

    def create_user(self, service: ServiceRef, *, display_name: str, user_principal_name: str,
                    licensed: bool) -> IssuedPassword:
        account_id = _account(service)
        with _at_service() as client:
            display_name, address = _checked_names(client, account_id, display_name, user_principal_name)
            if licensed:
                _require_free_seat(client, service)
            password = temporary_password()
            user = _refused_as(lambda: client.create_user(account_id, address=address, display_name=display_name,
                                                          protected=licensed, password=password))
        return IssuedPassword(_shown(user), password)

    def update_user(self, service: ServiceRef, user_id: str, *, display_name: str | None = None,
                    user_principal_name: str | None = None) -> ProductUser:
        account_id = _account(service)
        with _at_service() as client:
            current = _vendor_user(client, service, user_id)
            display_name, address = _checked_names(
                client, account_id, current.display_name if display_name is None else display_name,
                current.address if user_principal_name is None else user_principal_name)
            changes = {"display_name": display_name, "address": address if address != current.address else None}
            return _shown(_refused_as(lambda: client.update_user(account_id, user_id, **changes)))

    def set_enabled(self, service: ServiceRef, user_id: str, enabled: bool) -> ProductUser:
        with _at_service() as client:
            _vendor_user(client, service, user_id)
            return _shown(client.update_user(_account(service), user_id, enabled=enabled))

    def set_licensed(self, service: ServiceRef, user_id: str, licensed: bool) -> ProductUser:
        with _at_service() as client:
            user = _vendor_user(client, service, user_id)
            if licensed and not user.protected:
                _require_free_seat(client, service)
            if licensed != user.protected:
                try:
                    user = client.update_user(_account(service), user_id, protected=licensed)
                except VendorError as error:  # the last seat went to someone else in the meantime
                    if error.retryable:
                        raise
                    raise ConflictError(said("The user is not protected: %(reason)s", reason=error.message)) from None
        return _shown(user)

    def reset_password(self, service: ServiceRef, user_id: str) -> IssuedPassword:
        password = temporary_password()
        with _at_service() as client:
            user = _vendor_user(client, service, user_id)
            client.update_user(_account(service), user_id, password=password)
        return IssuedPassword(_shown(user), password)

    def delete_user(self, service: ServiceRef, user_id: str) -> None:
        with _at_service() as client:
            _vendor_user(client, service, user_id)
            client.delete_user(_account(service), user_id)


@contextmanager
def _at_service() -> Iterator[EmailSecurityClient]:
    """A client of the configured service; not answering becomes ``VendorUnavailableError``, and a
    refusal nothing more precise was made of a ``ConflictError`` in the service's words."""
    try:
        yield EmailSecurityClient()
    except RetryableError as error:  # a retryable VendorError among them
        raise VendorUnavailableError(said("The email security service is not answering just now (%(error)s). "
                                         "Try again in a minute.", error=error)) from None
    except VendorError as error:
        raise ConflictError(said("The email security service refused: %(reason)s", reason=error.message)) from None


def _refused_as(call: Callable[[], VendorUser]) -> VendorUser:
    """Make the call; a refusal of the address (taken, not under the domains) is the address's error."""
    try:
        return call()
    except VendorError as error:
        if error.retryable or error.status not in (409, 422) or "address" not in error.code:
            raise
        raise ValidationError({"user_principal_name": [error.message]}) from None


def _account(service: ServiceRef) -> str:
    account_id = service.data.get("account_id")
    if account_id is None:
        raise ConflictError(said("%(plan)s is not set up at the email security service yet: its users can be managed "
                                "once it is active.", plan=service.plan_name))
    return str(account_id)


def _shown(user: VendorUser) -> ProductUser:
    return ProductUser(id=user.id, user_principal_name=user.address, display_name=user.display_name,
                       licensed=user.protected, enabled=user.enabled)


def _vendor_user(client: EmailSecurityClient, service: ServiceRef, user_id: str) -> VendorUser:
    """The user ``user_id`` of the subscription's account: an id of another account is not found."""
    try:
        return client.user(_account(service), user_id)
    except VendorError as error:
        if error.status in (400, 404):
            raise NotFoundError(said("No user %(id)s.", id=user_id)) from None
        raise


def _seats(client: EmailSecurityClient, service: ServiceRef) -> Seats:
    account = client.account(_account(service))
    protected = sum(user.protected for user in client.users(account.id))
    return Seats(bought=account.user_limit, assigned=protected)


def _require_free_seat(client: EmailSecurityClient, service: ServiceRef) -> None:
    seats = _seats(client, service)
    if seats.free == 0:
        raise ConflictError(said("All %(count)s users of %(plan)s are protected: stop protecting someone, "
                                "or buy more users.", count=seats.bought, plan=service.plan_name))


def _checked_names(client: EmailSecurityClient, account_id: str, display_name: str, address: str) -> tuple[str, str]:
    """Both names as the service takes them, or a ``ValidationError`` naming each at fault."""
    errors: dict[str, list[str]] = {}
    display_name = " ".join(display_name.split())
    if not display_name:
        errors["display_name"] = [said("Give the person's name.")]
    elif len(display_name) > MAX_DISPLAY_NAME:
        errors["display_name"] = [said("Use at most %(most)s characters.", most=MAX_DISPLAY_NAME)]
    local, at, domain = address.strip().lower().rpartition("@")
    try:
        domain = to_ascii(domain)  # "bücher.de" is the account's "xn--bcher-kva.de"
    except DomainNameError:
        pass
    domains = client.account(account_id).domains
    if not at or not local:
        errors["user_principal_name"] = [said("Write it as name@domain, e.g. alex@%(domain)s.", domain=domains[0])]
    elif len(local) > MAX_LOCAL_PART or not _LOCAL_PART.match(local):
        errors["user_principal_name"] = [said("Before the @, use at most %(most)s letters, digits and . - _ "
                                             "(no dot first, last or twice in a row).", most=MAX_LOCAL_PART)]
    elif domain not in domains:
        errors["user_principal_name"] = [said("%(domain)s is not a domain of this account: use %(domains)s.",
                                             domain=domain[:80],
                                             domains=format_list(domains, style="or", locale=answering()))]
    if errors:
        raise ValidationError(errors)
    return display_name, f"{local}@{domain}"

"""The registrar connector: checking, registering, renewing and transferring domain names.

``Registrar`` is the interface; ``HttpRegistrar`` speaks the JSON API that the local simulator
(``registrar_simulator``) serves, and an adapter for a real registrar implements the same
methods and is handed to ``DomainName(registrar=...)``. Names travel in their ASCII (IDNA)
form; every write carries the provisioning request's idempotency key. A call that fails raises
``plugin_kit.vendor_http.VendorError``, ``retryable`` when trying again later may help.

A name nobody renews follows the registry's rules: ``expired`` for ``GRACE_PERIOD`` after its
expiry date (renewable as usual), then in ``redemption`` for ``REDEMPTION_PERIOD`` (it can
still be restored), then released for anyone to register.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Protocol

from plugin_kit.vendor_http import VendorClient, segment
from plugins.hosting.settings import hosting_settings

GRACE_PERIOD = timedelta(days=30)
REDEMPTION_PERIOD = timedelta(days=30)


@dataclass(frozen=True)
class Contact:
    """A registrant or technical contact, as WHOIS shows it."""

    handle: str
    name: str


@dataclass(frozen=True)
class DomainRecord:
    name: str
    #: ``active``, ``pending_transfer``, ``expired`` or ``redemption``.
    status: str
    expires_at: datetime
    registrant: Contact
    technical: Contact
    nameservers: tuple[str, ...]


class Registrar(Protocol):
    """A domain registrar, as Cascade uses it."""

    def check(self, name: str) -> bool:
        """Whether ``name`` is free to register."""

    def register(self, name: str, *, years: int, registrant: Contact, technical: Contact, key: str,
                 nameservers: tuple[str, ...] = ()) -> DomainRecord:
        """Register a free name for ``years``, pointed at ``nameservers`` (none: the registrar's own)."""

    def renew(self, name: str, *, years: int, key: str) -> DomainRecord:
        """Add ``years`` to the name's expiry date (restoring it if it is in redemption)."""

    def transfer(self, name: str, *, auth_code: str, registrant: Contact, technical: Contact, key: str,
                 nameservers: tuple[str, ...] = ()) -> DomainRecord:
        """Ask for a name registered elsewhere, pointed at ``nameservers`` (none: the registrar's own); it stays
        ``pending_transfer`` until the other registrar lets go."""

    def info(self, name: str) -> DomainRecord:
        """The name as the registrar has it now."""

    def set_nameservers(self, name: str, nameservers: tuple[str, ...], *, key: str) -> DomainRecord:
        """Point the name at ``nameservers``."""


class HttpRegistrar:
    """The registrar's JSON API over HTTP."""

    def __init__(self, base_url: str, timeout: float) -> None:
        self.api = VendorClient("registrar", base_url, timeout=timeout)

    def check(self, name: str) -> bool:
        return bool(self.api.get(f"/domains/{segment(name)}/availability")["available"])

    def register(self, name: str, *, years: int, registrant: Contact, technical: Contact, key: str,
                 nameservers: tuple[str, ...] = ()) -> DomainRecord:
        return _record(self.api.call("POST", "/domains", {
            "name": name, "years": years, "registrant": _contact(registrant), "technical": _contact(technical),
            **_pointed_at(nameservers),
        }, key=key))

    def renew(self, name: str, *, years: int, key: str) -> DomainRecord:
        return _record(self.api.call("POST", f"/domains/{segment(name)}/renew", {"years": years}, key=key))

    def transfer(self, name: str, *, auth_code: str, registrant: Contact, technical: Contact, key: str,
                 nameservers: tuple[str, ...] = ()) -> DomainRecord:
        return _record(self.api.call("POST", f"/domains/{segment(name)}/transfer", {
            "auth_code": auth_code, "registrant": _contact(registrant), "technical": _contact(technical),
            **_pointed_at(nameservers),
        }, key=key))

    def info(self, name: str) -> DomainRecord:
        return _record(self.api.get(f"/domains/{segment(name)}"))

    def set_nameservers(self, name: str, nameservers: tuple[str, ...], *, key: str) -> DomainRecord:
        return _record(self.api.call("PUT", f"/domains/{segment(name)}/nameservers", {"nameservers": list(nameservers)},
                                     key=key))


def http_registrar() -> HttpRegistrar:
    """The registrar ``CASCADE_REGISTRAR_URL`` names."""
    settings = hosting_settings()
    return HttpRegistrar(settings.registrar_url, settings.vendor_timeout)


def _contact(contact: Contact) -> dict[str, str]:
    return {"handle": contact.handle, "name": contact.name}


def _pointed_at(nameservers: tuple[str, ...]) -> dict[str, list[str]]:
    """The nameservers of a registration, left out for the registrar's own."""
    return {"nameservers": list(nameservers)} if nameservers else {}


def _record(data: dict[str, Any]) -> DomainRecord:
    return DomainRecord(
        name=data["name"],
        status=data["status"],
        expires_at=datetime.fromisoformat(data["expires_at"]),
        registrant=Contact(**data["registrant"]),
        technical=Contact(**data["technical"]),
        nameservers=tuple(data["nameservers"]),
    )

"""The HTTP client of the email security service's REST API: accounts keyed by their customer's
domain, with a user limit, an extra-domain limit and the services switched on; their domains, their
users (mailboxes with hosted email) and their mail archive.

It knows nothing of Cascade's data. JSON bodies; ``Authorization: Bearer <API key>``; a creation
carries an ``Idempotency-Key`` so that it happens once; errors are ``{"error": {"code", "message"}}``.
A call that fails raises ``plugin_kit.vendor_http.VendorError`` with the service's words:
``retryable`` for a timeout, a refused connection, a 5xx or a 429, a refusal otherwise.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from urllib.parse import urlencode

from plugin_kit.vendor_http import VendorClient, VendorError, segment
from plugins.email_security.settings import Settings, load_settings

#: How the service is named in messages and logs: never a brand a customer could read.
VENDOR = "Email security service"


@dataclass(frozen=True)
class MxRecord:
    host: str
    priority: int


@dataclass(frozen=True)
class VendorAccount:
    id: str
    reference: str
    primary_domain: str
    #: ``active``, ``suspended`` or ``cancelled``.
    status: str
    user_limit: int
    extra_domain_limit: int
    services: frozenset[str]
    #: Every domain of the account, the primary one first.
    domains: tuple[str, ...]
    #: The MX records its domains publish, so that mail reaches the service first.
    mx_records: tuple[MxRecord, ...]
    #: What their SPF record includes, so that mail sent through the service passes.
    spf_include: str

    @property
    def extra_domains(self) -> tuple[str, ...]:
        return tuple(domain for domain in self.domains if domain != self.primary_domain)

    @property
    def free_domain_slots(self) -> int:
        return max(self.extra_domain_limit - len(self.extra_domains), 0)


@dataclass(frozen=True)
class VendorUser:
    id: str
    address: str
    display_name: str
    enabled: bool
    #: Counts against the account's user limit: its mail is filtered.
    protected: bool
    #: Has a hosted mailbox (the account has hosted email).
    mailbox: bool


@dataclass(frozen=True)
class ArchivedMessage:
    id: str
    sender: str
    recipient: str
    subject: str
    received_at: str
    snippet: str
    restored_at: str | None

    @property
    def received_on(self) -> datetime | None:
        """When the service received it, as a time the pages write the reader's way."""
        return _instant(self.received_at)

    @property
    def restored_on(self) -> datetime | None:
        return _instant(self.restored_at)


def _instant(text: str | None) -> datetime | None:
    """An ISO 8601 time the service wrote; ``None`` when it wrote none, or none that can be read."""
    try:
        return datetime.fromisoformat(text) if text else None
    except ValueError:
        return None


class EmailSecurityClient:
    """One conversation with the email security service, with the settings' URL, key and timeout."""

    def __init__(self, settings: Settings | None = None) -> None:
        settings = settings or load_settings()
        self.http = VendorClient(VENDOR, settings.url, timeout=settings.timeout,
                                 auth=lambda: {"Authorization": f"Bearer {settings.api_key}"})

    # -- accounts --------------------------------------------------------------------------------

    def domain_holder(self, domain: str) -> str | None:
        """The id of the account that has ``domain``, if any (the service answers 404 for a free one)."""
        try:
            return str(self.http.get(f"/v1/domains/{segment(domain)}")["account_id"])
        except VendorError as error:
            if error.status == 404:
                return None
            raise

    def find_account(self, reference: str) -> VendorAccount | None:
        found = self.http.get(f"/v1/accounts?{urlencode({'reference': reference})}")["items"]
        return _account(found[0]) if found else None

    def account(self, account_id: str) -> VendorAccount:
        return _account(self.http.get(f"/v1/accounts/{segment(account_id)}"))

    def create_account(self, *, reference: str, company: str, primary_domain: str, user_limit: int,
                       services: list[str], key: str) -> VendorAccount:
        """Create the account of ``primary_domain``; the same ``key`` never creates two."""
        body = {"reference": reference, "company": company, "primary_domain": primary_domain,
                "user_limit": user_limit, "services": services}
        return _account(self.http.call("POST", "/v1/accounts", body, key=key))

    def update_account(self, account_id: str, **changes: Any) -> VendorAccount:
        """Set ``user_limit``, ``extra_domain_limit``, ``services`` or ``status`` (``active``, ``suspended``,
        ``cancelled``): each sets a value, so repeating it does nothing more."""
        body = {name: value for name, value in changes.items() if value is not None}
        return _account(self.http.call("PATCH", f"/v1/accounts/{segment(account_id)}", body))

    def add_domain(self, account_id: str, domain: str, *, key: str | None = None) -> VendorAccount:
        """Add ``domain`` to the account; adding one it has already changes nothing. ``key`` (a provisioning
        request's) makes a repeated call act once."""
        return _account(self.http.call("POST", f"/v1/accounts/{segment(account_id)}/domains", {"name": domain}, key=key))

    def remove_domain(self, account_id: str, domain: str) -> None:
        self.http.call("DELETE", f"/v1/accounts/{segment(account_id)}/domains/{segment(domain)}")

    # -- users -----------------------------------------------------------------------------------

    def users(self, account_id: str) -> list[VendorUser]:
        return [_user(found) for found in self.http.get(f"/v1/accounts/{segment(account_id)}/users")["items"]]

    def user(self, account_id: str, user_id: str) -> VendorUser:
        return _user(self.http.get(self._user_path(account_id, user_id)))

    def create_user(self, account_id: str, *, address: str, display_name: str, protected: bool,
                    password: str) -> VendorUser:
        body = {"address": address, "display_name": display_name, "protected": protected, "password": password}
        return _user(self.http.call("POST", f"/v1/accounts/{segment(account_id)}/users", body))

    def update_user(self, account_id: str, user_id: str, **changes: Any) -> VendorUser:
        body = {name: value for name, value in changes.items() if value is not None}
        return _user(self.http.call("PATCH", self._user_path(account_id, user_id), body))

    def delete_user(self, account_id: str, user_id: str) -> None:
        self.http.call("DELETE", self._user_path(account_id, user_id))

    @staticmethod
    def _user_path(account_id: str, user_id: str) -> str:
        return f"/v1/accounts/{segment(account_id)}/users/{segment(user_id)}"

    # -- the archive ------------------------------------------------------------------------------

    def search_archive(self, account_id: str, query: str, limit: int) -> list[ArchivedMessage]:
        path = f"/v1/accounts/{segment(account_id)}/archive?{urlencode({'q': query, 'limit': limit})}"
        return [_message(found) for found in self.http.get(path)["items"]]

    def restore_message(self, account_id: str, message_id: str) -> ArchivedMessage:
        """Deliver an archived message to its recipient's mailbox again."""
        path = f"/v1/accounts/{segment(account_id)}/archive/{segment(message_id)}/restore"
        return _message(self.http.call("POST", path, {}))


def _account(found: Mapping[str, Any]) -> VendorAccount:
    return VendorAccount(
        id=str(found["id"]), reference=str(found.get("reference", "")), primary_domain=found["primary_domain"],
        status=found["status"], user_limit=int(found["user_limit"]), extra_domain_limit=int(found["extra_domain_limit"]),
        services=frozenset(found["services"]), domains=tuple(domain["name"] for domain in found["domains"]),
        mx_records=tuple(MxRecord(record["host"], int(record["priority"])) for record in found["mx_records"]),
        spf_include=found["spf_include"],
    )


def _user(found: Mapping[str, Any]) -> VendorUser:
    return VendorUser(id=str(found["id"]), address=found["address"], display_name=found["display_name"],
                      enabled=bool(found["enabled"]), protected=bool(found["protected"]), mailbox=bool(found["mailbox"]))


def _message(found: Mapping[str, Any]) -> ArchivedMessage:
    return ArchivedMessage(id=str(found["id"]), sender=found["from"], recipient=found["to"], subject=found["subject"],
                           received_at=found["received_at"], snippet=found.get("snippet", ""),
                           restored_at=found.get("restored_at"))

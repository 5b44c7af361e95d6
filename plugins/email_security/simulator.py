"""A simulator of the email security service's REST API, for ``cascade run`` and the tests.

It behaves as the service does where Cascade depends on it: it asks for the configured API key,
creates an account once per ``Idempotency-Key``, keys each account by its customer's domain and
refuses a domain another account holds ("two accounts can't have the same domain name"), protects
at most as many users as the account's user limit and adds at most as many extra domains as its
extra-domain limit, refuses to lower a limit below what is in use, and keeps each account's users
and archive to itself. Switching archiving on imports a few recent messages of the domain's old
mail server (made up here), so that the archive has something to search.

Besides the control endpoints every simulator has (``plugin_kit.simulators``: faults, state,
reset), ``POST /_simulator/deliver`` with ``{"to", "from", "subject", "body"}`` delivers a message
to a protected address, which the account archives when it has archiving.
"""

from __future__ import annotations

import secrets
import uuid
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from werkzeug.routing import Rule
from werkzeug.wrappers import Request

from core.clock import utcnow
from plugin_kit.simulators import Answer, Refusal, VendorSimulator, json_body, required
from plugins.email_security.settings import load_settings

SERVICES = ("filtering", "hosted_email", "archiving", "encryption")
MX_RECORDS = ({"host": "mx1.filter.example", "priority": 10}, {"host": "mx2.filter.example", "priority": 20})
SPF_INCLUDE = "spf.filter.example"
STATUSES = ("active", "suspended", "cancelled")
MAX_LIMIT = 100_000
MIN_PASSWORD = 12
#: What the archive imports when archiving starts: (days ago, sender, local part of the recipient, subject, text).
IMPORTED = (
    (2, "billing@paper-supplies.example", "accounts", "Invoice 1042 for March", "Please find attached invoice 1042."),
    (5, "anna@partner.example", "info", "Meeting notes from Tuesday", "Thanks for coming by: here are the notes."),
    (9, "orders@shop.example", "info", "Your order has shipped", "Your parcel is on its way."),
    (15, "accountant@books.example", "accounts", "Quarterly figures", "The quarter's figures are ready to review."),
    (30, "hello@newsletter.example", "info", "Welcome aboard", "Thank you for subscribing."),
)


@dataclass
class User:
    id: str
    address: str
    display_name: str
    enabled: bool
    protected: bool
    password: str

    def shown(self, account: Account) -> dict[str, Any]:
        return {"id": self.id, "address": self.address, "display_name": self.display_name, "enabled": self.enabled,
                "protected": self.protected, "mailbox": "hosted_email" in account.services}


@dataclass
class Message:
    id: str
    sender: str
    recipient: str
    subject: str
    body: str
    received_at: str
    restored_at: str | None = None
    restores: int = 0

    def shown(self) -> dict[str, Any]:
        return {"id": self.id, "from": self.sender, "to": self.recipient, "subject": self.subject,
                "received_at": self.received_at, "snippet": self.body[:120], "restored_at": self.restored_at,
                "restores": self.restores}


@dataclass
class Account:
    id: str
    reference: str
    company: str
    primary_domain: str
    status: str = "active"
    user_limit: int = 1
    extra_domain_limit: int = 0
    services: list[str] = field(default_factory=lambda: ["filtering"])
    domains: list[str] = field(default_factory=list)
    users: dict[str, User] = field(default_factory=dict)
    archive: list[Message] = field(default_factory=list)

    @property
    def extra_domains(self) -> list[str]:
        return [domain for domain in self.domains if domain != self.primary_domain]

    @property
    def protected_users(self) -> int:
        return sum(user.protected for user in self.users.values())

    def shown(self) -> dict[str, Any]:
        return {"id": self.id, "reference": self.reference, "company": self.company,
                "primary_domain": self.primary_domain, "status": self.status, "user_limit": self.user_limit,
                "extra_domain_limit": self.extra_domain_limit, "services": list(self.services),
                "domains": [{"name": domain, "primary": domain == self.primary_domain} for domain in self.domains],
                "protected_users": self.protected_users, "mx_records": [dict(record) for record in MX_RECORDS],
                "spf_include": SPF_INCLUDE}


class EmailSecuritySimulator(VendorSimulator):
    """The WSGI app: one instance, one email security service."""

    vendor = "Email security service"
    kept = ("accounts",)
    routes = (
        Rule("/v1/domains/<domain>", methods=["GET"], endpoint="domain"),
        Rule("/v1/accounts", methods=["GET"], endpoint="find_accounts"),
        Rule("/v1/accounts", methods=["POST"], endpoint="create_account"),
        Rule("/v1/accounts/<account_id>", methods=["GET"], endpoint="account"),
        Rule("/v1/accounts/<account_id>", methods=["PATCH"], endpoint="update_account"),
        Rule("/v1/accounts/<account_id>/domains", methods=["POST"], endpoint="add_domain"),
        Rule("/v1/accounts/<account_id>/domains/<domain>", methods=["DELETE"], endpoint="remove_domain"),
        Rule("/v1/accounts/<account_id>/users", methods=["GET"], endpoint="users"),
        Rule("/v1/accounts/<account_id>/users", methods=["POST"], endpoint="create_user"),
        Rule("/v1/accounts/<account_id>/users/<user_id>", methods=["GET"], endpoint="user"),
        Rule("/v1/accounts/<account_id>/users/<user_id>", methods=["PATCH"], endpoint="update_user"),
        Rule("/v1/accounts/<account_id>/users/<user_id>", methods=["DELETE"], endpoint="delete_user"),
        Rule("/v1/accounts/<account_id>/archive", methods=["GET"], endpoint="search_archive"),
        Rule("/v1/accounts/<account_id>/archive/<message_id>/restore", methods=["POST"], endpoint="restore_message"),
        Rule("/_simulator/deliver", methods=["POST"], endpoint="deliver"),
    )

    def __init__(self, api_key: str) -> None:
        super().__init__()
        self.api_key = api_key
        self.accounts: dict[str, Account] = {}

    def authenticate(self, request: Request) -> None:
        scheme, _, key = request.headers.get("Authorization", "").partition(" ")
        if scheme != "Bearer" or not secrets.compare_digest(key, self.api_key):
            raise Refusal(401, "unauthorized", "Send the API key of your account as a bearer token.")

    def state(self) -> Any:
        return {"accounts": [
            {**account.shown(), "users": [user.shown(account) for user in account.users.values()],
             "archive": [message.shown() for message in account.archive]}
            for account in self.accounts.values()
        ]}

    # -- accounts and domains ---------------------------------------------------------------------

    def domain(self, request: Request, domain: str) -> Answer:
        holder = self._holder(domain.lower())
        if holder is None:
            raise Refusal(404, "domain_not_found", f"No account has {domain}.")
        return 200, {"domain": domain.lower(), "account_id": holder.id}

    def find_accounts(self, request: Request) -> Answer:
        reference = request.args.get("reference", "")
        return 200, {"items": [account.shown() for account in self.accounts.values() if account.reference == reference]}

    def create_account(self, request: Request) -> Answer:
        asked = json_body(request)
        reference, company, domain = (str(value) for value in required(asked, "reference", "company", "primary_domain"))
        domain = _domain(domain)
        if self._holder(domain) is not None:
            raise Refusal(409, "domain_taken", f"Another account already has the domain {domain}.")
        account = Account(id=f"acc-{uuid.uuid4().hex[:12]}", reference=reference, company=company,
                          primary_domain=domain, user_limit=_limit(asked.get("user_limit"), "user_limit", 1),
                          services=_services(asked.get("services", ["filtering"])), domains=[domain])
        self.accounts[account.id] = account
        if "archiving" in account.services:
            self._import_archive(account)
        return 201, account.shown()

    def account(self, request: Request, account_id: str) -> Answer:
        return 200, self._account(account_id).shown()

    def update_account(self, request: Request, account_id: str) -> Answer:
        account = self._account(account_id)
        asked = json_body(request)
        if account.status == "cancelled":
            if asked.get("status") == "cancelled":
                return 200, account.shown()
            raise Refusal(409, "account_cancelled", "The account is cancelled.")
        if "user_limit" in asked:
            limit = _limit(asked["user_limit"], "user_limit", 1)
            if limit < account.protected_users:
                raise Refusal(409, "users_protected", f"{account.protected_users} users are protected: remove some "
                                                      f"before going down to {limit}.")
            account.user_limit = limit
        if "extra_domain_limit" in asked:
            limit = _limit(asked["extra_domain_limit"], "extra_domain_limit", 0)
            if limit < len(account.extra_domains):
                raise Refusal(409, "domains_in_use", f"{len(account.extra_domains)} extra domains are in use: remove "
                                                     f"some before going down to {limit}.")
            account.extra_domain_limit = limit
        if "services" in asked:
            services = _services(asked["services"])
            if "archiving" in services and "archiving" not in account.services and not account.archive:
                self._import_archive(account)
            account.services = services
        if "status" in asked:
            if asked["status"] not in STATUSES:
                raise Refusal(422, "invalid", f"status must be one of {', '.join(STATUSES)}.")
            account.status = asked["status"]
        return 200, account.shown()

    def add_domain(self, request: Request, account_id: str) -> Answer:
        account = self._open_account(account_id)
        (name,) = required(json_body(request), "name")
        domain = _domain(str(name))
        if domain in account.domains:
            return 200, account.shown()
        if self._holder(domain) is not None:
            raise Refusal(409, "domain_taken", f"Another account already has the domain {domain}.")
        if len(account.extra_domains) >= account.extra_domain_limit:
            raise Refusal(409, "domain_limit_reached", f"The account has {account.extra_domain_limit} extra domains and "
                                                       "uses them all.")
        account.domains.append(domain)
        return 201, account.shown()

    def remove_domain(self, request: Request, account_id: str, domain: str) -> Answer:
        account = self._open_account(account_id)
        domain = domain.lower()
        if domain == account.primary_domain:
            raise Refusal(409, "primary_domain", "The account's primary domain cannot be removed.")
        if domain not in account.domains:
            raise Refusal(404, "domain_not_found", f"The account has no domain {domain}.")
        using = [user.address for user in account.users.values() if user.address.endswith(f"@{domain}")]
        if using:
            raise Refusal(409, "domain_in_use", f"{len(using)} users have addresses under {domain}: remove them first.")
        account.domains.remove(domain)
        return 204, None

    # -- users ------------------------------------------------------------------------------------

    def users(self, request: Request, account_id: str) -> Answer:
        account = self._account(account_id)
        return 200, {"items": [user.shown(account) for user in account.users.values()]}

    def create_user(self, request: Request, account_id: str) -> Answer:
        account = self._open_account(account_id)
        asked = json_body(request)
        address, display_name, password = (str(value) for value in required(asked, "address", "display_name", "password"))
        protected = bool(asked.get("protected", True))
        address = self._free_address(account, address)
        _check_password(password)
        if protected and account.protected_users >= account.user_limit:
            raise Refusal(409, "user_limit_reached", f"All {account.user_limit} users of the account are protected.")
        user = User(id=f"usr-{uuid.uuid4().hex[:12]}", address=address, display_name=display_name, enabled=True,
                    protected=protected, password=password)
        account.users[user.id] = user
        return 201, user.shown(account)

    def user(self, request: Request, account_id: str, user_id: str) -> Answer:
        account = self._account(account_id)
        return 200, self._user(account, user_id).shown(account)

    def update_user(self, request: Request, account_id: str, user_id: str) -> Answer:
        account = self._open_account(account_id)
        user = self._user(account, user_id)
        asked = json_body(request)
        if "address" in asked and str(asked["address"]).lower() != user.address:
            user.address = self._free_address(account, str(asked["address"]))
        if "display_name" in asked:
            user.display_name = str(asked["display_name"])
        if "enabled" in asked:
            user.enabled = bool(asked["enabled"])
        if "password" in asked:
            _check_password(str(asked["password"]))
            user.password = str(asked["password"])
        if "protected" in asked and bool(asked["protected"]) != user.protected:
            if asked["protected"] and account.protected_users >= account.user_limit:
                raise Refusal(409, "user_limit_reached", f"All {account.user_limit} users of the account are protected.")
            user.protected = bool(asked["protected"])
        return 200, user.shown(account)

    def delete_user(self, request: Request, account_id: str, user_id: str) -> Answer:
        account = self._open_account(account_id)
        self._user(account, user_id)
        del account.users[user_id]
        return 204, None

    # -- the archive ------------------------------------------------------------------------------

    def search_archive(self, request: Request, account_id: str) -> Answer:
        account = self._archiving(account_id)
        words = request.args.get("q", "").lower().split()
        try:
            limit = min(max(int(request.args.get("limit", "50")), 1), 100)
        except ValueError:
            raise Refusal(422, "invalid", "limit must be a whole number.") from None
        found = [message for message in account.archive
                 if all(word in f"{message.sender} {message.recipient} {message.subject} {message.body}".lower()
                        for word in words)]
        found.sort(key=lambda message: message.received_at, reverse=True)
        return 200, {"items": [message.shown() for message in found[:limit]]}

    def restore_message(self, request: Request, account_id: str, message_id: str) -> Answer:
        account = self._archiving(account_id)
        message = next((message for message in account.archive if message.id == message_id), None)
        if message is None:
            raise Refusal(404, "message_not_found", f"The archive has no message {message_id}.")
        message.restored_at = utcnow().isoformat()
        message.restores += 1
        return 200, message.shown()

    def deliver(self, request: Request) -> Answer:
        """Control: a message reaches a protected address; archived when its account has archiving."""
        asked = json_body(request)
        to, sender, subject = (str(value) for value in required(asked, "to", "from", "subject"))
        holder = self._holder(to.rpartition("@")[2].lower())
        if holder is None:
            raise Refusal(404, "domain_not_found", f"No account protects {to}.")
        archived = "archiving" in holder.services and holder.status == "active"
        if archived:
            holder.archive.append(Message(id=f"msg-{uuid.uuid4().hex[:12]}", sender=sender, recipient=to.lower(),
                                          subject=subject, body=str(asked.get("body", "")),
                                          received_at=utcnow().isoformat()))
        return 201, {"account_id": holder.id, "archived": archived}

    # -- lookups ----------------------------------------------------------------------------------

    def _holder(self, domain: str) -> Account | None:
        return next((account for account in self.accounts.values()
                     if account.status != "cancelled" and domain in account.domains), None)

    def _account(self, account_id: str) -> Account:
        account = self.accounts.get(account_id)
        if account is None:
            raise Refusal(404, "account_not_found", f"No account {account_id}.")
        return account

    def _open_account(self, account_id: str) -> Account:
        account = self._account(account_id)
        if account.status == "cancelled":
            raise Refusal(409, "account_cancelled", "The account is cancelled.")
        return account

    def _archiving(self, account_id: str) -> Account:
        account = self._account(account_id)
        if "archiving" not in account.services:
            raise Refusal(409, "archiving_off", "The account does not have archiving.")
        return account

    def _user(self, account: Account, user_id: str) -> User:
        user = account.users.get(user_id)
        if user is None:
            raise Refusal(404, "user_not_found", f"No user {user_id}.")
        return user

    def _free_address(self, account: Account, address: str) -> str:
        address = address.strip().lower()
        local, at, domain = address.rpartition("@")
        if not at or not local or domain not in account.domains:
            raise Refusal(422, "invalid_address", f"{address} is not an address under one of the account's domains.")
        if any(user.address == address for other in self.accounts.values() for user in other.users.values()):
            raise Refusal(409, "address_taken", f"{address} is already a user's address.")
        return address

    def _import_archive(self, account: Account) -> None:
        now = utcnow()
        for days, sender, local, subject, body in IMPORTED:
            account.archive.append(Message(id=f"msg-{uuid.uuid4().hex[:12]}", sender=sender,
                                           recipient=f"{local}@{account.primary_domain}", subject=subject, body=body,
                                           received_at=(now - timedelta(days=days)).isoformat()))


def _domain(value: str) -> str:
    domain = value.strip().lower()
    labels = domain.split(".")
    if len(labels) < 2 or not all(labels) or len(domain) > 253:
        raise Refusal(422, "invalid_domain", f"{value!r} is not a domain name.")
    return domain


def _limit(value: Any, name: str, minimum: int) -> int:
    if not isinstance(value, int) or isinstance(value, bool) or not minimum <= value <= MAX_LIMIT:
        raise Refusal(422, "invalid", f"{name} must be a whole number from {minimum} to {MAX_LIMIT}.")
    return value


def _services(value: Any) -> list[str]:
    if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
        raise Refusal(422, "invalid", "services must be a list of service names.")
    unknown = sorted(set(value) - set(SERVICES))
    if unknown:
        raise Refusal(422, "invalid", f"Unknown services: {', '.join(unknown)}.")
    return [service for service in SERVICES if service in value or service == "filtering"]


def _check_password(password: str) -> None:
    if len(password) < MIN_PASSWORD:
        raise Refusal(422, "weak_password", f"A password has at least {MIN_PASSWORD} characters.")


def create_simulator() -> EmailSecuritySimulator:
    """A fresh simulator that accepts the API key the plugin's settings send."""
    return EmailSecuritySimulator(load_settings().api_key)

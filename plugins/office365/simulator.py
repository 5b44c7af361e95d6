"""A simulator of Microsoft's partner and directory APIs: the endpoints the connector calls, with
state kept in memory, for ``cascade run`` and the tests.

It behaves as Microsoft does where Cascade depends on it: it asks for the configured client
credentials, creates a customer once per ``MS-RequestId``, refuses a domain already taken,
enables as many licences as the tenant's subscriptions have seats and refuses to give more,
and keeps each tenant's users to itself.

It can be told to misbehave, for the retry and failure paths to be tried over real HTTP, as
every simulator built on ``plugin_kit.simulators.VendorSimulator`` can: ``POST
/_simulator/faults`` with ``{"path": "/v1/customers", "status": 503, "delay": 2.5, "times": 3}``
makes the next 3 calls whose path starts with ``path`` wait ``delay`` seconds and answer
``status`` (without a status, they are carried out and answered ``delay`` seconds late). ``times``
left out: until ``DELETE /_simulator/faults``. ``GET /_simulator/state`` shows what it holds.
"""

from __future__ import annotations

import secrets
import uuid
from dataclasses import dataclass, field
from typing import Any

from werkzeug.routing import Rule
from werkzeug.wrappers import Request

from plugin_kit.simulators import Answer, Refusal, VendorSimulator, json_body
from plugins.office365.offers import OFFERS
from plugins.office365.settings import load_settings

_SKUS = {offer.offer_id: offer for offer in OFFERS.values()}


@dataclass
class User:
    id: str
    userPrincipalName: str
    displayName: str
    accountEnabled: bool
    password: str
    sku_ids: list[str] = field(default_factory=list)

    def shown(self) -> dict[str, Any]:
        return {"id": self.id, "userPrincipalName": self.userPrincipalName, "displayName": self.displayName,
                "accountEnabled": self.accountEnabled, "assignedLicenses": [{"skuId": sku} for sku in self.sku_ids]}


@dataclass
class Subscription:
    id: str
    offerId: str
    quantity: int
    termDuration: str
    status: str = "active"
    #: The indirect reseller of record (Partner Center's ``partnerId``); empty: the provider sells it itself.
    partnerId: str = ""

    def shown(self) -> dict[str, Any]:
        return {"id": self.id, "offerId": self.offerId, "quantity": self.quantity, "status": self.status,
                "termDuration": self.termDuration, "billingCycle": "monthly", "partnerId": self.partnerId}


@dataclass
class Customer:
    id: str
    domain: str
    companyName: str
    subscriptions: dict[str, Subscription] = field(default_factory=dict)
    users: dict[str, User] = field(default_factory=dict)

    def shown(self) -> dict[str, Any]:
        return {"id": self.id, "companyProfile": {"tenantId": self.id, "domain": self.domain,
                                                  "companyName": self.companyName}}

    def enabled_units(self, sku_id: str) -> int:
        return sum(subscription.quantity for subscription in self.subscriptions.values()
                   if subscription.status == "active" and _SKUS[subscription.offerId].sku_id == sku_id)

    def consumed_units(self, sku_id: str) -> int:
        return sum(sku_id in user.sku_ids for user in self.users.values())


class Office365Simulator(VendorSimulator):
    """The WSGI app: one instance, one Microsoft."""

    vendor = "Microsoft"
    idempotency_header = "MS-RequestId"
    kept = ("customers",)
    routes = (
        Rule("/oauth2/token", methods=["POST"], endpoint="token"),
        Rule("/v1/domains/<domain>", methods=["HEAD", "GET"], endpoint="domain"),
        Rule("/v1/customers", methods=["GET"], endpoint="find_customers"),
        Rule("/v1/customers", methods=["POST"], endpoint="create_customer"),
        Rule("/v1/customers/<customer_id>", methods=["GET"], endpoint="customer"),
        Rule("/v1/customers/<customer_id>/subscriptions", methods=["POST"], endpoint="create_subscription"),
        Rule("/v1/customers/<customer_id>/subscriptions/<subscription_id>", methods=["GET"], endpoint="subscription"),
        Rule("/v1/customers/<customer_id>/subscriptions/<subscription_id>", methods=["PATCH"],
             endpoint="update_subscription"),
        Rule("/v1.0/<tenant_id>/domains", methods=["GET"], endpoint="domains"),
        Rule("/v1.0/<tenant_id>/subscribedSkus", methods=["GET"], endpoint="subscribed_skus"),
        Rule("/v1.0/<tenant_id>/users", methods=["GET"], endpoint="users"),
        Rule("/v1.0/<tenant_id>/users", methods=["POST"], endpoint="create_user"),
        Rule("/v1.0/<tenant_id>/users/<user_id>", methods=["GET"], endpoint="user"),
        Rule("/v1.0/<tenant_id>/users/<user_id>", methods=["PATCH"], endpoint="update_user"),
        Rule("/v1.0/<tenant_id>/users/<user_id>", methods=["DELETE"], endpoint="delete_user"),
        Rule("/v1.0/<tenant_id>/users/<user_id>/assignLicense", methods=["POST"], endpoint="assign_license"),
    )

    def __init__(self, client_id: str, client_secret: str) -> None:
        super().__init__()
        self.client_id, self.client_secret = client_id, client_secret
        self.customers: dict[str, Customer] = {}
        self.tokens: set[str] = set()

    def error_body(self, request: Request, code: str, message: str) -> Any:
        """The directory API's error shape under ``/v1.0/``, the partner API's elsewhere."""
        if request.path.startswith("/v1.0/"):
            return {"error": {"code": code, "message": message}}
        return {"code": code, "description": message}

    def authenticate(self, request: Request) -> None:
        if request.path == "/oauth2/token":
            return
        scheme, _, token = request.headers.get("Authorization", "").partition(" ")
        if scheme != "Bearer" or token not in self.tokens:
            raise Refusal(401, "Unauthorized", "No valid access token.")

    def state(self) -> Any:
        return {"customers": [
            {**customer.shown(), "subscriptions": [subscription.shown() for subscription in customer.subscriptions.values()],
             "users": [user.shown() for user in customer.users.values()]}
            for customer in self.customers.values()
        ]}

    # -- sign-in --------------------------------------------------------------------------------

    def token(self, request: Request) -> Answer:
        if (request.form.get("grant_type") != "client_credentials" or request.form.get("client_id") != self.client_id
                or not secrets.compare_digest(request.form.get("client_secret", ""), self.client_secret)):
            raise Refusal(401, "invalid_client", "The client id or secret is not valid.")
        token = secrets.token_urlsafe(24)
        self.tokens.add(token)
        return 200, {"token_type": "Bearer", "access_token": token, "expires_in": 3600}

    # -- the partner API ------------------------------------------------------------------------

    def domain(self, request: Request, domain: str) -> Answer:
        if not any(customer.domain == domain.lower() for customer in self.customers.values()):
            raise Refusal(404, "DomainNotFound", f"{domain} is not in use.")
        return 200, {"domain": domain.lower()}

    def find_customers(self, request: Request) -> Answer:
        domain = request.args.get("domain", "").lower()
        found = [customer.shown() for customer in self.customers.values() if customer.domain == domain]
        return 200, {"totalCount": len(found), "items": found}

    def create_customer(self, request: Request) -> Answer:
        profile = json_body(request).get("companyProfile") or {}
        domain = str(profile.get("domain", "")).lower()
        if not domain.endswith(".onmicrosoft.com"):
            raise Refusal(400, "InvalidDomain", "The domain must end in .onmicrosoft.com.")
        if any(customer.domain == domain for customer in self.customers.values()):
            raise Refusal(409, "DomainInUse", f"The domain {domain} is already in use.")
        customer = Customer(id=str(uuid.uuid4()), domain=domain, companyName=str(profile.get("companyName", "")))
        self.customers[customer.id] = customer
        return 201, customer.shown()

    def customer(self, request: Request, customer_id: str) -> Answer:
        return 200, self._customer_of(customer_id).shown()

    def create_subscription(self, request: Request, customer_id: str) -> Answer:
        customer = self._customer_of(customer_id)
        asked = json_body(request)
        if asked.get("offerId") not in _SKUS:
            raise Refusal(400, "InvalidOffer", f"There is no offer {asked.get('offerId')!r}.")
        subscription = Subscription(id=str(uuid.uuid4()), offerId=asked["offerId"],
                                    quantity=_quantity(asked.get("quantity")),
                                    termDuration=_term(asked.get("termDuration")),
                                    partnerId=_partner(asked.get("partnerId", "")))
        customer.subscriptions[subscription.id] = subscription
        return 201, subscription.shown()

    def subscription(self, request: Request, customer_id: str, subscription_id: str) -> Answer:
        return 200, self._subscription_of(customer_id, subscription_id).shown()

    def update_subscription(self, request: Request, customer_id: str, subscription_id: str) -> Answer:
        customer = self._customer_of(customer_id)
        subscription = self._subscription_of(customer_id, subscription_id)
        asked = json_body(request)
        if subscription.status == "deleted":
            raise Refusal(409, "SubscriptionDeleted", "The subscription is cancelled.")
        if "offerId" in asked:
            if asked["offerId"] not in _SKUS:
                raise Refusal(400, "InvalidOffer", f"There is no offer {asked['offerId']!r}.")
            old, new = _SKUS[subscription.offerId].sku_id, _SKUS[asked["offerId"]].sku_id
            subscription.offerId = asked["offerId"]
            if customer.enabled_units(old) == 0:  # the users move to the new licence with it
                for user in customer.users.values():
                    if old in user.sku_ids:
                        user.sku_ids = [sku for sku in user.sku_ids if sku != old] + [new]
        if "quantity" in asked:
            quantity = _quantity(asked["quantity"])
            sku_id = _SKUS[subscription.offerId].sku_id
            others = customer.enabled_units(sku_id) - (subscription.quantity if subscription.status == "active" else 0)
            if others + quantity < customer.consumed_units(sku_id):
                raise Refusal(409, "LicensesAssigned", f"{customer.consumed_units(sku_id)} licences are assigned: remove "
                                                       f"some before going down to {quantity} seats.")
            subscription.quantity = quantity
        if "termDuration" in asked:
            subscription.termDuration = _term(asked["termDuration"])
        if "partnerId" in asked:
            subscription.partnerId = _partner(asked["partnerId"])
        if "status" in asked:
            if asked["status"] not in ("active", "suspended", "deleted"):
                raise Refusal(400, "InvalidStatus", f"Status {asked['status']!r} is not active, suspended or deleted.")
            subscription.status = asked["status"]
        return 200, subscription.shown()

    # -- the directory API ----------------------------------------------------------------------

    def domains(self, request: Request, tenant_id: str) -> Answer:
        domain = self._customer_of(tenant_id).domain
        return 200, {"value": [{"id": domain, "isInitial": True, "isDefault": True, "isVerified": True}]}

    def subscribed_skus(self, request: Request, tenant_id: str) -> Answer:
        customer = self._customer_of(tenant_id)
        offers = {_SKUS[subscription.offerId] for subscription in customer.subscriptions.values()}
        return 200, {"value": [
            {"skuId": offer.sku_id, "skuPartNumber": offer.sku_part_number,
             "prepaidUnits": {"enabled": customer.enabled_units(offer.sku_id)},
             "consumedUnits": customer.consumed_units(offer.sku_id)}
            for offer in sorted(offers, key=lambda offer: offer.sku_part_number)
        ]}

    def users(self, request: Request, tenant_id: str) -> Answer:
        return 200, {"value": [user.shown() for user in self._customer_of(tenant_id).users.values()]}

    def create_user(self, request: Request, tenant_id: str) -> Answer:
        customer = self._customer_of(tenant_id)
        asked = json_body(request)
        name = self._free_principal_name(customer, str(asked.get("userPrincipalName", "")))
        password = str((asked.get("passwordProfile") or {}).get("password", ""))
        _check_password(password)
        user = User(id=str(uuid.uuid4()), userPrincipalName=name, displayName=str(asked.get("displayName", "")),
                    accountEnabled=bool(asked.get("accountEnabled", True)), password=password)
        customer.users[user.id] = user
        return 201, user.shown()

    def user(self, request: Request, tenant_id: str, user_id: str) -> Answer:
        return 200, self._user_of(tenant_id, user_id).shown()

    def update_user(self, request: Request, tenant_id: str, user_id: str) -> Answer:
        customer, user = self._customer_of(tenant_id), self._user_of(tenant_id, user_id)
        asked = json_body(request)
        if "userPrincipalName" in asked and asked["userPrincipalName"].lower() != user.userPrincipalName:
            user.userPrincipalName = self._free_principal_name(customer, asked["userPrincipalName"])
        if "displayName" in asked:
            user.displayName = str(asked["displayName"])
        if "accountEnabled" in asked:
            user.accountEnabled = bool(asked["accountEnabled"])
        if "passwordProfile" in asked:
            user.password = str(asked["passwordProfile"].get("password", ""))
            _check_password(user.password)
        return 204, None

    def delete_user(self, request: Request, tenant_id: str, user_id: str) -> Answer:
        self._user_of(tenant_id, user_id)
        del self._customer_of(tenant_id).users[user_id]
        return 204, None

    def assign_license(self, request: Request, tenant_id: str, user_id: str) -> Answer:
        customer, user = self._customer_of(tenant_id), self._user_of(tenant_id, user_id)
        asked = json_body(request)
        removed = set(asked.get("removeLicenses") or ())
        added = [licence["skuId"] for licence in asked.get("addLicenses") or () if licence["skuId"] not in user.sku_ids]
        for sku_id in added:
            if customer.consumed_units(sku_id) >= customer.enabled_units(sku_id):
                raise Refusal(400, "Request_BadRequest", "License assignment failed because the subscription does "
                                                         "not have any available licenses.")
        user.sku_ids = [sku for sku in user.sku_ids if sku not in removed] + added
        return 200, user.shown()

    # -- lookups --------------------------------------------------------------------------------

    def _customer_of(self, customer_id: str) -> Customer:
        customer = self.customers.get(customer_id)
        if customer is None:
            raise Refusal(404, "CustomerNotFound", f"No customer {customer_id}.")
        return customer

    def _subscription_of(self, customer_id: str, subscription_id: str) -> Subscription:
        subscription = self._customer_of(customer_id).subscriptions.get(subscription_id)
        if subscription is None:
            raise Refusal(404, "SubscriptionNotFound", f"No subscription {subscription_id}.")
        return subscription

    def _user_of(self, tenant_id: str, user_id: str) -> User:
        user = self._customer_of(tenant_id).users.get(user_id)
        if user is None:
            raise Refusal(404, "Request_ResourceNotFound", f"Resource '{user_id}' does not exist.")
        return user

    def _free_principal_name(self, customer: Customer, name: str) -> str:
        name = name.strip().lower()
        if name.rpartition("@")[2] != customer.domain:
            raise Refusal(400, "Request_BadRequest", f"The domain of {name!r} is not a verified domain of the tenant.")
        if any(user.userPrincipalName == name for other in self.customers.values() for user in other.users.values()):
            raise Refusal(400, "Request_BadRequest",
                          "Another object with the same value for property userPrincipalName already exists.")
        return name


def _quantity(value: Any) -> int:
    if not isinstance(value, int) or isinstance(value, bool) or not 1 <= value <= 300:
        raise Refusal(400, "InvalidQuantity", "The quantity must be a whole number from 1 to 300.")
    return value


def _term(value: Any) -> str:
    if value not in ("P1Y", "P1M"):
        raise Refusal(400, "InvalidTermDuration", "The term duration must be P1Y or P1M.")
    return value


def _partner(value: Any) -> str:
    if not isinstance(value, str) or len(value) > 64:
        raise Refusal(400, "InvalidPartnerId", "The partner id must be text of at most 64 characters.")
    return value


def _check_password(password: str) -> None:
    kinds = sum(any(test(character) for character in password) for test in (str.islower, str.isupper, str.isdigit))
    kinds += any(not character.isalnum() for character in password)
    if len(password) < 8 or kinds < 3:
        raise Refusal(400, "Request_BadRequest", "The password does not comply with the password complexity policy.")


def create_simulator() -> Office365Simulator:
    """A fresh simulator that accepts the credentials the plugin's settings send."""
    settings = load_settings()
    return Office365Simulator(settings.client_id, settings.client_secret)

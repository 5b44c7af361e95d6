"""A simulator of Microsoft's partner and directory APIs: the endpoints the connector calls, with
state kept in memory, for ``cascade run`` and the tests.

It behaves as Microsoft does where Cascade depends on it: it asks for the configured client
credentials, creates a customer once per ``MS-RequestId``, refuses a domain already taken,
enables as many licences as the tenant's subscriptions have seats and refuses to give more,
and keeps each tenant's users to itself.

It can be told to misbehave, for the retry and failure paths to be tried over real HTTP:
``POST /_simulator/faults`` with ``{"path": "/v1/customers", "status": 503, "delay": 2.5,
"times": 3}`` makes the next 3 calls whose path starts with ``path`` wait ``delay`` seconds
(slow, or past the client's timeout), then answer ``status`` if given (a failure) or as usual.
``times`` left out: until ``DELETE /_simulator/faults``. ``GET /_simulator/state`` shows what
it holds.
"""

from __future__ import annotations

import json
import secrets
import threading
import time
import uuid
from collections.abc import Iterable
from dataclasses import asdict, dataclass, field
from typing import Any
from wsgiref.types import StartResponse, WSGIEnvironment

from werkzeug.exceptions import HTTPException, MethodNotAllowed, NotFound
from werkzeug.routing import Map, Rule
from werkzeug.wrappers import Request, Response

from core.simulators import KeptState
from plugins.office365.offers import OFFERS
from plugins.office365.settings import load_settings

_SKUS = {offer.offer_id: offer for offer in OFFERS.values()}


class Refusal(Exception):
    """Answer ``status`` with an error body in the shape of the API being called."""

    def __init__(self, status: int, code: str, message: str) -> None:
        super().__init__(message)
        self.status, self.code, self.message = status, code, message


@dataclass
class Fault:
    path: str
    status: int | None
    delay: float
    #: How many more calls it applies to (``None``: all of them).
    times: int | None


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

    def shown(self) -> dict[str, Any]:
        return {"id": self.id, "offerId": self.offerId, "quantity": self.quantity, "status": self.status,
                "termDuration": self.termDuration, "billingCycle": "monthly"}


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


_RULES = Map([
    Rule("/oauth2/token", methods=["POST"], endpoint="token"),
    Rule("/v1/domains/<domain>", methods=["HEAD", "GET"], endpoint="domain"),
    Rule("/v1/customers", methods=["GET"], endpoint="find_customers"),
    Rule("/v1/customers", methods=["POST"], endpoint="create_customer"),
    Rule("/v1/customers/<customer_id>", methods=["GET"], endpoint="customer"),
    Rule("/v1/customers/<customer_id>/subscriptions", methods=["POST"], endpoint="create_subscription"),
    Rule("/v1/customers/<customer_id>/subscriptions/<subscription_id>", methods=["GET"], endpoint="subscription"),
    Rule("/v1/customers/<customer_id>/subscriptions/<subscription_id>", methods=["PATCH"], endpoint="update_subscription"),
    Rule("/v1.0/<tenant_id>/domains", methods=["GET"], endpoint="domains"),
    Rule("/v1.0/<tenant_id>/subscribedSkus", methods=["GET"], endpoint="subscribed_skus"),
    Rule("/v1.0/<tenant_id>/users", methods=["GET"], endpoint="users"),
    Rule("/v1.0/<tenant_id>/users", methods=["POST"], endpoint="create_user"),
    Rule("/v1.0/<tenant_id>/users/<user_id>", methods=["GET"], endpoint="user"),
    Rule("/v1.0/<tenant_id>/users/<user_id>", methods=["PATCH"], endpoint="update_user"),
    Rule("/v1.0/<tenant_id>/users/<user_id>", methods=["DELETE"], endpoint="delete_user"),
    Rule("/v1.0/<tenant_id>/users/<user_id>/assignLicense", methods=["POST"], endpoint="assign_license"),
    Rule("/_simulator/faults", methods=["POST"], endpoint="add_fault"),
    Rule("/_simulator/faults", methods=["DELETE"], endpoint="clear_faults"),
    Rule("/_simulator/state", methods=["GET"], endpoint="state"),
])


class Office365Simulator(KeptState):
    """The WSGI app: one instance, one Microsoft."""

    kept = ("customers", "answered")

    def __init__(self, client_id: str, client_secret: str) -> None:
        self.client_id, self.client_secret = client_id, client_secret
        self.customers: dict[str, Customer] = {}
        self.tokens: set[str] = set()
        #: The answer to each creation, by ``MS-RequestId``: a repeated request gets it again.
        self.answered: dict[str, tuple[int, dict[str, Any]]] = {}
        self.faults: list[Fault] = []
        self._lock = threading.Lock()

    def __call__(self, environ: WSGIEnvironment, start_response: StartResponse) -> Iterable[bytes]:
        request = Request(environ)
        return self._respond(request)(environ, start_response)

    def _respond(self, request: Request) -> Response:
        try:
            endpoint, arguments = _RULES.bind_to_environ(request.environ).match()
        except (NotFound, MethodNotAllowed) as error:
            return _json({"error": {"code": "Request_ResourceNotFound", "message": error.description}},
                         error.code or 404)
        except HTTPException as error:  # werkzeug's redirect of a path missing its trailing slash
            return error.get_response(request.environ)
        if not endpoint.startswith(("add_fault", "clear_faults", "state")):
            fault = self._fault_for(request.path)
            if fault is not None:
                time.sleep(fault.delay)
                if fault.status is not None:
                    return _json({"code": "ServiceUnavailable", "description": "The simulator was told to fail."},
                                 fault.status)
        try:
            with self._lock:
                if endpoint not in ("token", "add_fault", "clear_faults", "state"):
                    self._authenticate(request)
                status, body = getattr(self, f"_{endpoint}")(request, **arguments)
        except Refusal as refusal:
            if request.path.startswith("/v1.0/"):
                return _json({"error": {"code": refusal.code, "message": refusal.message}}, refusal.status)
            return _json({"code": refusal.code, "description": refusal.message}, refusal.status)
        if request.method == "HEAD" or body is None:
            return Response(status=status)
        return _json(body, status)

    def _fault_for(self, path: str) -> Fault | None:
        with self._lock:
            fault = next((fault for fault in self.faults if path.startswith(fault.path)), None)
            if fault is not None and fault.times is not None:
                fault.times -= 1
                if fault.times <= 0:
                    self.faults.remove(fault)
            return fault

    def _authenticate(self, request: Request) -> None:
        scheme, _, token = request.headers.get("Authorization", "").partition(" ")
        if scheme != "Bearer" or token not in self.tokens:
            raise Refusal(401, "Unauthorized", "No valid access token.")

    # -- control --------------------------------------------------------------------------------

    def _add_fault(self, request: Request) -> tuple[int, Any]:
        asked = _body(request)
        self.faults.append(Fault(path=str(asked.get("path", "/")), status=asked.get("status"),
                                 delay=float(asked.get("delay", 0)), times=asked.get("times")))
        return 201, {"faults": [asdict(fault) for fault in self.faults]}

    def _clear_faults(self, request: Request) -> tuple[int, Any]:
        self.faults.clear()
        return 204, None

    def _state(self, request: Request) -> tuple[int, Any]:
        return 200, {"customers": [
            {**customer.shown(), "subscriptions": [subscription.shown() for subscription in customer.subscriptions.values()],
             "users": [user.shown() for user in customer.users.values()]}
            for customer in self.customers.values()
        ]}

    # -- sign-in --------------------------------------------------------------------------------

    def _token(self, request: Request) -> tuple[int, Any]:
        if (request.form.get("grant_type") != "client_credentials" or request.form.get("client_id") != self.client_id
                or not secrets.compare_digest(request.form.get("client_secret", ""), self.client_secret)):
            raise Refusal(401, "invalid_client", "The client id or secret is not valid.")
        token = secrets.token_urlsafe(24)
        self.tokens.add(token)
        return 200, {"token_type": "Bearer", "access_token": token, "expires_in": 3600}

    # -- the partner API ------------------------------------------------------------------------

    def _domain(self, request: Request, domain: str) -> tuple[int, Any]:
        if not any(customer.domain == domain.lower() for customer in self.customers.values()):
            raise Refusal(404, "DomainNotFound", f"{domain} is not in use.")
        return 200, {"domain": domain.lower()}

    def _find_customers(self, request: Request) -> tuple[int, Any]:
        domain = request.args.get("domain", "").lower()
        found = [customer.shown() for customer in self.customers.values() if customer.domain == domain]
        return 200, {"totalCount": len(found), "items": found}

    def _create_customer(self, request: Request) -> tuple[int, Any]:
        def create() -> tuple[int, Any]:
            profile = _body(request).get("companyProfile") or {}
            domain = str(profile.get("domain", "")).lower()
            if not domain.endswith(".onmicrosoft.com"):
                raise Refusal(400, "InvalidDomain", "The domain must end in .onmicrosoft.com.")
            if any(customer.domain == domain for customer in self.customers.values()):
                raise Refusal(409, "DomainInUse", f"The domain {domain} is already in use.")
            customer = Customer(id=str(uuid.uuid4()), domain=domain, companyName=str(profile.get("companyName", "")))
            self.customers[customer.id] = customer
            return 201, customer.shown()

        return self._once(request, create)

    def _customer(self, request: Request, customer_id: str) -> tuple[int, Any]:
        return 200, self._customer_of(customer_id).shown()

    def _create_subscription(self, request: Request, customer_id: str) -> tuple[int, Any]:
        customer = self._customer_of(customer_id)

        def create() -> tuple[int, Any]:
            asked = _body(request)
            if asked.get("offerId") not in _SKUS:
                raise Refusal(400, "InvalidOffer", f"There is no offer {asked.get('offerId')!r}.")
            subscription = Subscription(id=str(uuid.uuid4()), offerId=asked["offerId"],
                                        quantity=_quantity(asked.get("quantity")),
                                        termDuration=_term(asked.get("termDuration")))
            customer.subscriptions[subscription.id] = subscription
            return 201, subscription.shown()

        return self._once(request, create)

    def _subscription(self, request: Request, customer_id: str, subscription_id: str) -> tuple[int, Any]:
        return 200, self._subscription_of(customer_id, subscription_id).shown()

    def _update_subscription(self, request: Request, customer_id: str, subscription_id: str) -> tuple[int, Any]:
        customer = self._customer_of(customer_id)
        subscription = self._subscription_of(customer_id, subscription_id)
        asked = _body(request)
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
        if "status" in asked:
            if asked["status"] not in ("active", "suspended", "deleted"):
                raise Refusal(400, "InvalidStatus", f"Status {asked['status']!r} is not active, suspended or deleted.")
            subscription.status = asked["status"]
        return 200, subscription.shown()

    # -- the directory API ----------------------------------------------------------------------

    def _domains(self, request: Request, tenant_id: str) -> tuple[int, Any]:
        domain = self._customer_of(tenant_id).domain
        return 200, {"value": [{"id": domain, "isInitial": True, "isDefault": True, "isVerified": True}]}

    def _subscribed_skus(self, request: Request, tenant_id: str) -> tuple[int, Any]:
        customer = self._customer_of(tenant_id)
        offers = {_SKUS[subscription.offerId] for subscription in customer.subscriptions.values()}
        return 200, {"value": [
            {"skuId": offer.sku_id, "skuPartNumber": offer.sku_part_number,
             "prepaidUnits": {"enabled": customer.enabled_units(offer.sku_id)},
             "consumedUnits": customer.consumed_units(offer.sku_id)}
            for offer in sorted(offers, key=lambda offer: offer.sku_part_number)
        ]}

    def _users(self, request: Request, tenant_id: str) -> tuple[int, Any]:
        return 200, {"value": [user.shown() for user in self._customer_of(tenant_id).users.values()]}

    def _create_user(self, request: Request, tenant_id: str) -> tuple[int, Any]:
        customer = self._customer_of(tenant_id)
        asked = _body(request)
        name = self._free_principal_name(customer, str(asked.get("userPrincipalName", "")))
        password = str((asked.get("passwordProfile") or {}).get("password", ""))
        _check_password(password)
        user = User(id=str(uuid.uuid4()), userPrincipalName=name, displayName=str(asked.get("displayName", "")),
                    accountEnabled=bool(asked.get("accountEnabled", True)), password=password)
        customer.users[user.id] = user
        return 201, user.shown()

    def _user(self, request: Request, tenant_id: str, user_id: str) -> tuple[int, Any]:
        return 200, self._user_of(tenant_id, user_id).shown()

    def _update_user(self, request: Request, tenant_id: str, user_id: str) -> tuple[int, Any]:
        customer, user = self._customer_of(tenant_id), self._user_of(tenant_id, user_id)
        asked = _body(request)
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

    def _delete_user(self, request: Request, tenant_id: str, user_id: str) -> tuple[int, Any]:
        self._user_of(tenant_id, user_id)
        del self._customer_of(tenant_id).users[user_id]
        return 204, None

    def _assign_license(self, request: Request, tenant_id: str, user_id: str) -> tuple[int, Any]:
        customer, user = self._customer_of(tenant_id), self._user_of(tenant_id, user_id)
        asked = _body(request)
        removed = set(asked.get("removeLicenses") or ())
        added = [licence["skuId"] for licence in asked.get("addLicenses") or () if licence["skuId"] not in user.sku_ids]
        for sku_id in added:
            if customer.consumed_units(sku_id) >= customer.enabled_units(sku_id):
                raise Refusal(400, "Request_BadRequest", "License assignment failed because the subscription does "
                                                         "not have any available licenses.")
        user.sku_ids = [sku for sku in user.sku_ids if sku not in removed] + added
        return 200, user.shown()

    # -- lookups --------------------------------------------------------------------------------

    def _once(self, request: Request, create: Any) -> tuple[int, Any]:
        """Create once per ``MS-RequestId``: the same request id answers the first answer again."""
        request_id = request.headers.get("MS-RequestId")
        if request_id in self.answered:
            return self.answered[request_id]
        answer = create()
        if request_id:
            self.answered[request_id] = answer
        return answer

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


def _body(request: Request) -> dict[str, Any]:
    found = request.get_json(silent=True)
    if not isinstance(found, dict):
        raise Refusal(400, "BadRequest", "Send a JSON object.")
    return found


def _quantity(value: Any) -> int:
    if not isinstance(value, int) or isinstance(value, bool) or not 1 <= value <= 300:
        raise Refusal(400, "InvalidQuantity", "The quantity must be a whole number from 1 to 300.")
    return value


def _term(value: Any) -> str:
    if value not in ("P1Y", "P1M"):
        raise Refusal(400, "InvalidTermDuration", "The term duration must be P1Y or P1M.")
    return value


def _check_password(password: str) -> None:
    kinds = sum(any(test(character) for character in password) for test in (str.islower, str.isupper, str.isdigit))
    kinds += any(not character.isalnum() for character in password)
    if len(password) < 8 or kinds < 3:
        raise Refusal(400, "Request_BadRequest", "The password does not comply with the password complexity policy.")


def _json(body: Any, status: int) -> Response:
    return Response(json.dumps(body), status=status, mimetype="application/json")


def create_simulator() -> Office365Simulator:
    """A fresh simulator that accepts the credentials the plugin's settings send."""
    settings = load_settings()
    return Office365Simulator(settings.client_id, settings.client_secret)

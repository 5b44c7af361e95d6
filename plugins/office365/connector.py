"""The HTTP client of Microsoft's partner API (customer tenants and their subscriptions) and
directory API (users and licences), in their shape: OAuth client credentials, JSON bodies,
``MS-RequestId`` to make a creation happen once, ``MS-CorrelationId`` to find a call in the logs,
errors as ``{"code", "description"}`` or ``{"error": {"code", "message"}}`` (both read by the
plugin kit's client, ``plugin_kit.vendor_http``, which also retries what a retry can fix).

It knows nothing of Cascade's data. A call that fails raises ``VendorError`` with Microsoft's
words: ``retryable`` (and then a ``core.product_lifecycle.RetryableError``) for a timeout, a refused
connection, a 5xx or a 429; a refusal otherwise.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote, urlencode

from plugin_kit.vendor_http import VendorClient, VendorError
from plugins.office365.settings import PREFIX, Settings

#: Derives the ``MS-RequestId`` (a GUID) of a call from what makes it unique.
_REQUEST_IDS = uuid.UUID("6f1f0d1e-33a4-4cf5-9c41-0d7c4d1f3e65")


@dataclass(frozen=True)
class Customer:
    """A customer tenant of the partner: its id is the tenant's."""

    id: str
    domain: str
    company_name: str


@dataclass(frozen=True)
class VendorSubscription:
    id: str
    offer_id: str
    quantity: int
    #: The commitment: ``P1Y`` or ``P1M``.
    term_duration: str
    #: ``active``, ``suspended`` or ``deleted``.
    status: str


@dataclass(frozen=True)
class DirectoryUser:
    id: str
    user_principal_name: str
    display_name: str
    enabled: bool
    sku_ids: frozenset[str]


@dataclass(frozen=True)
class SubscribedSku:
    """A licence the tenant holds: how many units its subscriptions enable, how many users use."""

    sku_id: str
    part_number: str
    enabled_units: int
    consumed_units: int


class Office365Client:
    """One conversation with Microsoft, with the settings' URL, credentials and timeout."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self._token: str | None = None
        self.http = VendorClient("Microsoft", settings.url, timeout=settings.timeout, auth=self._authorisation,
                                 request_id_header="MS-CorrelationId", idempotency_header="MS-RequestId")

    # -- the partner API ------------------------------------------------------------------------

    def domain_available(self, domain: str) -> bool:
        """Whether no tenant has ``domain`` yet (Microsoft answers 404 for a free one)."""
        try:
            self._call("HEAD", f"/v1/domains/{quote(domain)}")
        except VendorError as error:
            if error.status == 404:
                return True
            raise
        return False

    def find_customer(self, domain: str) -> Customer | None:
        """The partner's customer whose tenant has ``domain``, if any."""
        found = self._call("GET", f"/v1/customers?{urlencode({'domain': domain})}")["items"]
        return _customer(found[0]) if found else None

    def create_customer(self, *, domain: str, company_name: str, request_key: str) -> Customer:
        """Create a customer tenant on ``domain``; the same ``request_key`` never creates two."""
        body = {"companyProfile": {"domain": domain, "companyName": company_name},
                "billingProfile": {"companyName": company_name}}
        return _customer(self._call("POST", "/v1/customers", body=body, request_key=request_key))

    def create_subscription(self, customer_id: str, *, offer_id: str, quantity: int, term_duration: str,
                            partner_id: str, request_key: str) -> VendorSubscription:
        """Subscribe the customer to ``offer_id``, sold by the indirect reseller ``partner_id`` (empty: by us)."""
        body = {"offerId": offer_id, "quantity": quantity, "termDuration": term_duration, "billingCycle": "monthly",
                "partnerId": partner_id}
        return _subscription(self._call("POST", f"/v1/customers/{quote(customer_id)}/subscriptions", body=body,
                                        request_key=request_key))

    def update_subscription(self, customer_id: str, subscription_id: str, *, quantity: int | None = None,
                            offer_id: str | None = None, term_duration: str | None = None,
                            status: str | None = None, partner_id: str | None = None) -> VendorSubscription:
        """Change the quantity, the offer, the commitment or the reseller of record, or suspend (``suspended``),
        reactivate (``active``) or cancel (``deleted``): each sets a value, so repeating it does nothing more."""
        body = {name: value for name, value in (("quantity", quantity), ("offerId", offer_id),
                                                ("termDuration", term_duration), ("status", status),
                                                ("partnerId", partner_id))
                if value is not None}
        path = f"/v1/customers/{quote(customer_id)}/subscriptions/{quote(subscription_id)}"
        return _subscription(self._call("PATCH", path, body=body))

    # -- the directory API ----------------------------------------------------------------------

    def domains(self, tenant_id: str) -> list[str]:
        """The tenant's domains, its default one first."""
        found = self._call("GET", f"/v1.0/{quote(tenant_id)}/domains")["value"]
        return [domain["id"] for domain in sorted(found, key=lambda domain: not domain.get("isDefault"))]

    def subscribed_skus(self, tenant_id: str) -> list[SubscribedSku]:
        return [
            SubscribedSku(sku["skuId"], sku["skuPartNumber"], sku["prepaidUnits"]["enabled"], sku["consumedUnits"])
            for sku in self._call("GET", f"/v1.0/{quote(tenant_id)}/subscribedSkus")["value"]
        ]

    def users(self, tenant_id: str) -> list[DirectoryUser]:
        return [_user(found) for found in self._call("GET", f"/v1.0/{quote(tenant_id)}/users")["value"]]

    def user(self, tenant_id: str, user_id: str) -> DirectoryUser:
        return _user(self._call("GET", self._user_path(tenant_id, user_id)))

    def create_user(self, tenant_id: str, *, display_name: str, user_principal_name: str, password: str) -> DirectoryUser:
        body = {"accountEnabled": True, "displayName": display_name, "userPrincipalName": user_principal_name,
                "mailNickname": user_principal_name.split("@")[0],
                "passwordProfile": {"password": password, "forceChangePasswordNextSignIn": True}}
        return _user(self._call("POST", f"/v1.0/{quote(tenant_id)}/users", body=body))

    def update_user(self, tenant_id: str, user_id: str, *, display_name: str | None = None,
                    user_principal_name: str | None = None, enabled: bool | None = None,
                    password: str | None = None) -> None:
        body: dict[str, Any] = {name: value for name, value in (
            ("displayName", display_name), ("userPrincipalName", user_principal_name), ("accountEnabled", enabled))
            if value is not None}
        if password is not None:
            body["passwordProfile"] = {"password": password, "forceChangePasswordNextSignIn": True}
        self._call("PATCH", self._user_path(tenant_id, user_id), body=body)

    def delete_user(self, tenant_id: str, user_id: str) -> None:
        self._call("DELETE", self._user_path(tenant_id, user_id))

    def change_licences(self, tenant_id: str, user_id: str, *, add: tuple[str, ...] = (),
                        remove: tuple[str, ...] = ()) -> DirectoryUser:
        body = {"addLicenses": [{"skuId": sku_id} for sku_id in add], "removeLicenses": list(remove)}
        return _user(self._call("POST", self._user_path(tenant_id, user_id) + "/assignLicense", body=body))

    @staticmethod
    def _user_path(tenant_id: str, user_id: str) -> str:
        return f"/v1.0/{quote(tenant_id)}/users/{quote(user_id, safe='')}"

    # -- HTTP ------------------------------------------------------------------------------------

    def _authorisation(self) -> Mapping[str, str]:
        """The bearer token of the settings' client credentials, fetched once per client."""
        if self._token is None:
            try:
                answer = self.http.call("POST", "/oauth2/token", authorised=False, form={
                    "grant_type": "client_credentials", "client_id": self.settings.client_id,
                    "client_secret": self.settings.client_secret, "scope": "https://api.partnercenter.microsoft.com"})
            except VendorError as error:
                if error.retryable:
                    raise
                raise VendorError(error.vendor, f"Microsoft refused the credentials of {PREFIX}CLIENT_ID ({error.message})",
                                  status=error.status, code=error.code, request_id=error.request_id,
                                  call=error.call) from None
            self._token = answer["access_token"]
        return {"Authorization": f"Bearer {self._token}"}

    def _call(self, method: str, path: str, *, body: Any = None, request_key: str | None = None) -> Any:
        """``request_key`` makes a creation happen once: it becomes the call's ``MS-RequestId`` (a GUID)."""
        key = str(uuid.uuid5(_REQUEST_IDS, request_key)) if request_key is not None else None
        return self.http.call(method, path, body, key=key)


def _customer(found: dict[str, Any]) -> Customer:
    profile = found["companyProfile"]
    return Customer(found["id"], profile["domain"], profile.get("companyName", ""))


def _subscription(found: dict[str, Any]) -> VendorSubscription:
    return VendorSubscription(found["id"], found["offerId"], found["quantity"], found["termDuration"], found["status"])


def _user(found: dict[str, Any]) -> DirectoryUser:
    return DirectoryUser(found["id"], found["userPrincipalName"], found["displayName"], found["accountEnabled"],
                         frozenset(licence["skuId"] for licence in found.get("assignedLicenses", ())))

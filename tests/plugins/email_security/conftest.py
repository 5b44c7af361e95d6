"""Email security fixtures: the service's simulator (served for the session by the plugin kit) under
the test's control over HTTP, accounts ordered and provisioned through it, and a DNS server on
loopback that answers MX and TXT queries for the test's zones."""

from __future__ import annotations

import json
import urllib.request
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from flask import Flask
from sqlalchemy.orm import Session

from core.models.catalog import Plan
from core.models.orders import Order
from core.models.subscriptions import Subscription
from core.services.actors import Actor
from core.services.orders import LineRequest, place_order
from plugin_kit.testing import ServedSimulator, provision_due
from plugins.email_security.addons import ACCOUNT_PRODUCT, DOMAINS_PRODUCT
from tests.dns import DnsServer


class Service:
    """The email security simulator as a test drives it: through its control endpoints, like any client."""

    def __init__(self, served: ServedSimulator) -> None:
        self.url = served.url

    def send(self, method: str, path: str, body: Any = None) -> Any:
        data = json.dumps(body).encode() if body is not None else None
        request = urllib.request.Request(self.url + path, data=data, method=method,
                                         headers={"Content-Type": "application/json"})
        with urllib.request.urlopen(request, timeout=5) as response:
            raw = response.read()
        return json.loads(raw) if raw else None

    def accounts(self) -> dict[str, dict[str, Any]]:
        """What the service holds, by primary domain."""
        return {account["primary_domain"]: account for account in self.send("GET", "/_simulator/state")["accounts"]}

    def deliver(self, to: str, subject: str, sender: str = "someone@elsewhere.example", body: str = "") -> dict[str, Any]:
        return self.send("POST", "/_simulator/deliver", {"to": to, "from": sender, "subject": subject, "body": body})

    def misbehave(self, path: str = "/", *, status: int | None = None, times: int | None = None) -> None:
        self.send("POST", "/_simulator/faults", {"path": path, "status": status, "times": times})

    def behave(self) -> None:
        self.send("DELETE", "/_simulator/faults")


@pytest.fixture
def service(simulators: dict[str, ServedSimulator]) -> Service:
    return Service(simulators["email-security"])


@pytest.fixture
def security_plans(plans: dict[str, Plan]) -> dict[str, Plan]:
    """The plans of both products by code: ``filtering``, ``filtering-archiving``, ..., ``extra-domain``."""
    return {key.partition("/")[2]: plan for key, plan in plans.items()
            if key.startswith((f"{ACCOUNT_PRODUCT}/", f"{DOMAINS_PRODUCT}/"))}


@pytest.fixture
def subscription_plans(security_plans: dict[str, Plan]) -> dict[str, Plan]:
    """``subscribe`` orders the plugin's plans: ``subscribe("maple", "filtering", params={"domain": ...})``."""
    return security_plans


@pytest.fixture
def order_account(db: Session, security_plans: dict[str, Plan], actor_for: Callable[..., Actor]) -> Callable[..., Order]:
    """Order an account as a demo customer (and its extra domains with it, when ``extra_domains`` names
    some), then run what provisioning is due; return the order."""

    def order(slug: str = "maple", domain: str = "maple-bakery.example", users: int = 6, plan: str = "filtering", *,
              extra_domains: list[str] | None = None, slots: int | None = None, method: str = "card",
              provision: bool = True, **params: Any) -> Order:
        lines = [LineRequest(security_plans[plan].id, users, {"domain": domain, **params,
                                                               **({"extra_domains": extra_domains} if extra_domains else {})})]
        slots = len(extra_domains or ()) if slots is None else slots
        if slots:
            lines.append(LineRequest(security_plans["extra-domain"].id, slots, {"domain": domain}))
        placed = place_order(db, actor=actor_for(slug), payment_method=method, lines=lines)
        db.commit()
        if provision:
            provision_due(db)
        return placed

    return order


@pytest.fixture
def account(order_account: Callable[..., Order]) -> Callable[..., Subscription]:
    """An account ordered and set up: Maple Bakery's on maple-bakery.example by default."""

    def make(*args: Any, **kwargs: Any) -> Subscription:
        subscription = order_account(*args, **kwargs).lines[0].subscription
        assert subscription is not None
        return subscription

    return make


class ZoneServer(DnsServer):
    """The suite's DNS server (``tests.dns``), with a way to publish a zone's MX and TXT records at once."""

    def publish(self, name: str, *, mx: list[str] = (), txt: list[str] = ()) -> None:  # type: ignore[assignment]
        """Publish ``name``'s MX hosts (by preference, in order) and TXT texts."""
        self.mx[name] = [(10 * (n + 1), host) for n, host in enumerate(mx)]
        self.txt[name] = list(txt)


@pytest.fixture
def dns_server(app: Flask, monkeypatch: pytest.MonkeyPatch) -> Iterator[ZoneServer]:
    """A DNS server on loopback, which the back office, the storefronts and the API ask (``CASCADE_DNS_RESOLVER``)."""
    with ZoneServer().running() as server:
        for web_app in (app, app.wsgi_app.storefronts):  # type: ignore[attr-defined]
            monkeypatch.setitem(web_app.config, "CASCADE_DNS_RESOLVER", server.address)
        yield server

"""Microsoft 365 fixtures: the plugin's simulator (served for the session by the plugin kit)
under the test's control over HTTP, and seats bought and provisioned through it."""

from __future__ import annotations

import json
import urllib.request
from collections.abc import Callable
from typing import Any

import pytest
from sqlalchemy.orm import Session

from core.models.catalog import Plan
from core.models.subscriptions import Subscription
from core.services.actors import Actor
from core.services.orders import LineRequest, place_order
from plugin_kit.testing import ServedSimulator, provision_due


class Microsoft:
    """The simulator as a test drives it: through its control endpoints, like any client."""

    def __init__(self, served: ServedSimulator) -> None:
        self.url = served.url

    def _send(self, method: str, path: str, body: Any = None) -> Any:
        data = json.dumps(body).encode() if body is not None else None
        request = urllib.request.Request(self.url + path, data=data, method=method,
                                         headers={"Content-Type": "application/json"})
        with urllib.request.urlopen(request, timeout=5) as response:
            raw = response.read()
        return json.loads(raw) if raw else None

    def misbehave(self, path: str = "/", *, status: int | None = None, delay: float = 0.0,
                  times: int | None = None) -> None:
        """Make the calls under ``path`` wait ``delay`` seconds, then fail with ``status`` if given."""
        self._send("POST", "/_simulator/faults", {"path": path, "status": status, "delay": delay, "times": times})

    def behave(self) -> None:
        self._send("DELETE", "/_simulator/faults")

    def customers(self) -> dict[str, dict[str, Any]]:
        """What Microsoft holds, by tenant domain."""
        held = self._send("GET", "/_simulator/state")["customers"]
        return {customer["companyProfile"]["domain"]: customer for customer in held}


@pytest.fixture
def microsoft(simulators: dict[str, ServedSimulator]) -> Microsoft:
    return Microsoft(simulators["office365"])


@pytest.fixture
def m365(plans: dict[str, Plan]) -> dict[str, Plan]:
    """The Microsoft 365 plans by code."""
    return {key.removeprefix("microsoft-365/"): plan for key, plan in plans.items() if key.startswith("microsoft-365/")}


@pytest.fixture
def order_seats(db: Session, m365: dict[str, Plan], actor_for: Callable[..., Actor]) -> Callable[..., Subscription]:
    """Order seats of a plan as a demo customer (placed, not provisioned yet); return the subscription."""

    def order(slug: str = "harbour", seats: int = 8, plan: str = "business-basic", **params: str) -> Subscription:
        placed = place_order(db, actor=actor_for(slug), payment_method="card",
                             lines=[LineRequest(m365[plan].id, seats, params)])
        db.commit()
        return placed.lines[0].subscription

    return order


@pytest.fixture
def buy_seats(db: Session, order_seats: Callable[..., Subscription]) -> Callable[..., Subscription]:
    """Order seats as a demo customer and provision them through the simulator; return the subscription."""

    def buy(slug: str = "harbour", seats: int = 8, plan: str = "business-basic", **params: str) -> Subscription:
        subscription = order_seats(slug, seats, plan, **params)
        provision_due(db)
        return subscription

    return buy

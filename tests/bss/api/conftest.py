"""API test fixtures: API keys for the demo accounts' teams, a client that sends them, and
subscriptions ordered and provisioned through the API."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from flask.testing import FlaskClient
from sqlalchemy.orm import Session
from werkzeug.test import TestResponse

from core.models.accounts import Account, AccountKind
from core.models.catalog import Plan
from core.models.people import Team
from core.models.subscriptions import Subscription
from core.services.api_keys import create_api_key
from core.services.people import add_member, owner_team
from tests.bss.api.test_openapi import conforms
from tests.provisioning import provision_due


def documented(client: FlaskClient, response: TestResponse, path: str, method: str) -> None:
    """Check that ``response`` is an answer the OpenAPI document describes for ``method path``."""
    document = client.get("/api/v1/openapi.json").json
    answer = document["paths"][path][method]["responses"][str(response.status_code)]
    conforms(document, response.json, answer["content"][response.mimetype]["schema"], f"{method.upper()} {path}")


class KeyClient:
    """The test client, sending ``Authorization: Bearer <secret>`` with every request."""

    def __init__(self, client: FlaskClient, secret: str) -> None:
        self.client = client
        self.secret = secret

    def open(self, method: str, path: str, **kwargs: Any) -> TestResponse:
        headers = {"Authorization": f"Bearer {self.secret}", **kwargs.pop("headers", {})}
        return self.client.open(path, method=method, headers=headers, **kwargs)

    def get(self, path: str, **kwargs: Any) -> TestResponse:
        return self.open("GET", path, **kwargs)

    def post(self, path: str, **kwargs: Any) -> TestResponse:
        return self.open("POST", path, **kwargs)

    def patch(self, path: str, **kwargs: Any) -> TestResponse:
        return self.open("PATCH", path, **kwargs)


@pytest.fixture
def make_key(db: Session, demo: dict[str, Account], reseller_plan: Callable[..., Subscription]) -> Callable[..., str]:
    """Make a key for a demo account's team (its owner team unless told), by one of its members.

    A reseller uses the API on the Standard plan only, so a reseller's key comes with Standard.
    """

    def make(slug: str, team: Team | None = None) -> str:
        if demo[slug].kind is AccountKind.RESELLER:
            reseller_plan(slug, "standard")
        team = team or owner_team(db, demo[slug])
        secret = create_api_key(db, user=team.memberships[0].user, team=team, name="test").secret
        db.commit()
        return secret

    return make


@pytest.fixture
def api_as(client: FlaskClient, make_key: Callable[..., str]) -> Callable[..., KeyClient]:
    """A client calling the API with a key of the demo account ``slug`` (its owner team's)."""

    def as_account(slug: str, team: Team | None = None) -> KeyClient:
        return KeyClient(client, make_key(slug, team))

    return as_account


@pytest.fixture
def make_team(db: Session, demo: dict[str, Account]) -> Callable[..., Team]:
    """Add a team to a demo account, with its owner as the only member."""

    def make(slug: str, name: str, permissions: list[str]) -> Team:
        account = demo[slug]
        team = Team(account=account, name=name, permissions=sorted(permissions))
        db.add(team)
        for membership in owner_team(db, account).memberships:
            add_member(db, team, membership.user)
        db.commit()
        return team

    return make


@pytest.fixture
def subscribe(
    db: Session, api_as: Callable[..., KeyClient], fake_catalog: dict[str, Plan]
) -> Callable[..., dict[str, Any]]:
    """Order a fake-product plan through the API as a demo account, provision it, and return
    the subscription as that account reads it; ``order`` adds to the order's body."""

    def make(slug: str = "harbour", plan: str = "small", quantity: int = 1, **order: Any) -> dict[str, Any]:
        buyer = api_as(slug)
        lines = [{"plan_id": str(fake_catalog[plan].id), "quantity": quantity}]
        placed = buyer.post("/api/v1/orders", json={"payment_method": "card", "lines": lines, **order})
        assert placed.status_code == 201, placed.json
        provision_due(db)
        return buyer.get(f"/api/v1/subscriptions/{placed.json['lines'][0]['subscription_id']}").json

    return make

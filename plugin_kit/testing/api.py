"""The JSON API as its users call it: API keys for the demo accounts' teams, and a client that sends them."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from flask.testing import FlaskClient
from sqlalchemy.orm import Session
from werkzeug.test import TestResponse

from core.models.accounts import Account, AccountKind
from core.models.people import Team
from core.models.subscriptions import Subscription
from core.services.api_keys import create_api_key
from core.services.people import owner_team


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

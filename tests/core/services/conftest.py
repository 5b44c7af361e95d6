"""Fixtures for the service tests: acting as a demo account's owner, and a subscription to act on."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from core.models.accounts import Account
from core.models.catalog import Plan
from core.models.people import Team, User
from core.models.subscriptions import Subscription
from core.services.actors import Actor, acting_as
from core.services.orders import LineRequest, place_order
from tests.provisioning import provision_due


@pytest.fixture
def actor_for(db: Session, demo: dict[str, Account]) -> Callable[..., Actor]:
    """The demo owner of ``slug`` (Northwind's admin for the distributor), through all their teams or ``team``."""

    def actor(slug: str, team: Team | None = None) -> Actor:
        email = "admin@northwind.example" if slug == "northwind" else f"owner@{slug}.example"
        user = db.scalar(select(User).where(User.email == email))
        return acting_as(db, user, demo[slug], team)

    return actor


@pytest.fixture
def subscribe(db: Session, fake_catalog: dict[str, Plan], actor_for: Callable[..., Actor]) -> Callable[..., Subscription]:
    """Order a fake-product plan for a demo account and provision it; return its subscription."""

    def make(slug: str = "harbour", plan: str = "small", quantity: int = 1) -> Subscription:
        order = place_order(db, actor=actor_for(slug), lines=[LineRequest(fake_catalog[plan].id, quantity)],
                            payment_method="on_account" if slug in ("bright", "corner") else "card")
        db.commit()
        provision_due(db)
        return order.lines[0].subscription

    return make

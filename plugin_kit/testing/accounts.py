"""The demo platform and the people in it: accounts by slug, their owners, their plans and subscriptions."""

from __future__ import annotations

import itertools
from collections.abc import Callable, Mapping
from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from core.models.accounts import Account, AccountKind
from core.models.catalog import Plan, Product
from core.models.people import Team, User
from core.models.subscriptions import Subscription
from core.services.accounts import create_account
from core.services.actors import Actor, acting_as
from core.services.orders import LineRequest, place_order
from core.services.people import add_member, owner_team
from core.services.subscriptions import act_on_subscription
from plugin_kit.testing.provisioning import provision_due


@pytest.fixture
def demo(db: Session) -> dict[str, Account]:
    """The demo platform (as ``cascade demo load`` makes it), its accounts by slug.

    Asking for it (or for any fixture that does) puts the test on the demo's database, loaded
    once per test process; what the test changes there is rolled back after it.
    """
    return {account.slug: account for account in db.scalars(select(Account))}


@pytest.fixture
def plans(db: Session, demo: dict[str, Account]) -> dict[str, Plan]:
    """The demo catalog's plans by ``<product key>/<plan code>``."""
    return {f"{plan.product.key}/{plan.code}": plan for plan in db.scalars(select(Plan))}


_serial = itertools.count(1)


@pytest.fixture
def make_account(db: Session) -> Callable[..., Account]:
    """Create an account; kind, parent and names default to something valid and unique."""

    def make(kind: AccountKind = AccountKind.CUSTOMER, parent: Account | None = None, **values: Any) -> Account:
        n = next(_serial)
        if parent is None and kind is not AccountKind.DISTRIBUTOR:
            parent = make(AccountKind.DISTRIBUTOR)
        values.setdefault("name", f"{kind.value.title()} {n}")
        values.setdefault("slug", f"{kind.value}-{n}")
        if kind is AccountKind.RESELLER:
            values.setdefault("reselling_enabled", True)
        return create_account(db, kind=kind, parent=parent, **values)

    return make


def owner_email(slug: str) -> str:
    """The sign-in email of the demo account ``slug``'s owner (Northwind's admin for the distributor)."""
    return "admin@northwind.example" if slug == "northwind" else f"owner@{slug}.example"


@pytest.fixture
def actor_for(db: Session, demo: dict[str, Account]) -> Callable[..., Actor]:
    """The demo owner of ``slug``, acting through all their teams or ``team``."""

    def actor(slug: str, team: Team | None = None) -> Actor:
        user = db.scalar(select(User).where(User.email == owner_email(slug)))
        return acting_as(db, user, demo[slug], team)

    return actor


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
def subscription_plans(plans: dict[str, Plan]) -> Mapping[str, Plan]:
    """The plans ``subscribe`` orders by name, its first by default: the demo catalog's, by
    ``<product key>/<plan code>``. A plugin's conftest overrides it with its own product's plans."""
    return plans


@pytest.fixture
def subscribe(db: Session, demo: dict[str, Account], subscription_plans: Mapping[str, Plan],
              actor_for: Callable[..., Actor]) -> Callable[..., Subscription]:
    """Order a plan for a demo account through the core and provision it; return its subscription.

    ``plan`` is a ``Plan`` or a name in ``subscription_plans``; ``buyer`` (a demo slug) orders it
    for ``owner`` and pays when ``payer="buyer"``; the owner orders it itself by default.
    """

    def make(owner: str = "harbour", plan: Plan | str | None = None, *, quantity: int = 1, buyer: str | None = None,
             payer: str = "owner", payment_method: str = "card", params: dict[str, Any] | None = None) -> Subscription:
        if not isinstance(plan, Plan):
            plan = subscription_plans[plan] if plan is not None else next(iter(subscription_plans.values()))
        order = place_order(db, actor=actor_for(buyer or owner), owner_id=demo[owner].id if buyer else None,
                            payer=payer, payment_method=payment_method,
                            lines=[LineRequest(plan.id, quantity, params or {})])
        db.commit()
        provision_due(db)
        subscription = order.lines[0].subscription
        assert subscription is not None, f"the order of {plan.code} made no subscription"
        return subscription

    return make


@pytest.fixture
def reseller_plan(db: Session, demo: dict[str, Account], plans: dict[str, Plan],
                  actor_for: Callable[..., Actor]) -> Callable[..., Subscription]:
    """Put a demo reseller on a reseller plan, as its distributor activates one; provisioned."""

    def held(slug: str, product: Product) -> Subscription | None:
        return db.scalar(select(Subscription).where(Subscription.owner_id == demo[slug].id,
                                                    Subscription.product_id == product.id))

    def put(slug: str, code: str = "standard") -> Subscription:
        plan = plans[f"reseller-plan/{code}"]
        current = held(slug, plan.product)
        if current is None or current.plan_id != plan.id:
            place_order(db, actor=actor_for("northwind"), owner_id=demo[slug].id, payment_method="on_account",
                        lines=[LineRequest(plan.id)])
            db.commit()
            provision_due(db)
        subscription = held(slug, plan.product)
        assert subscription is not None
        return subscription

    return put


@pytest.fixture
def shops(demo: dict[str, Account], reseller_plan: Callable[..., Subscription]) -> dict[str, Account]:
    """The demo accounts by slug, Bright IT on Standard (its storefront live) and Corner Computers on Basic."""
    reseller_plan("bright", "standard")
    reseller_plan("corner", "basic")
    return demo


@pytest.fixture
def close_bright(db: Session, shops: dict[str, Account], actor_for: Callable[..., Actor]) -> Callable[[], None]:
    """Cancel Bright IT's Standard plan now: it falls back to Basic and its storefront closes."""

    def close() -> None:
        standard = db.scalar(select(Subscription).where(Subscription.owner_id == shops["bright"].id))
        act_on_subscription(db, actor=actor_for("bright"), subscription_id=standard.id, action="cancel", when="now")
        db.commit()
        provision_due(db)

    return close

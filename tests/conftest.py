"""Fixtures shared by the whole suite (see ../shared/STYLE.md, "Tests").

The suite runs on SQLite by default. ``CASCADE_TEST_DATABASE_URL`` points it at PostgreSQL
and ``CASCADE_TEST_BROKER_URL`` at Redis or RabbitMQ; CI sets both.
"""

from __future__ import annotations

import contextvars
import itertools
import os
import secrets
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from argon2 import PasswordHasher, profiles
from flask import Flask
from flask.testing import FlaskClient, FlaskCliRunner
from sqlalchemy import event, select, text
from sqlalchemy.orm import Session

from bss.app import create_app
from bss.migrations import upgrade_database
from core.clock import FrozenTime, clock
from core.models.accounts import Account, AccountKind
from core.models.catalog import Plan, Product
from core.models.people import Team, User
from core.models.prices import PriceList, PriceListKind
from core.models.subscriptions import Subscription
from core.passwords import hasher
from core.plugins import pm, product_types
from core.services.accounts import create_account
from core.services.actors import Actor, acting_as
from core.services.catalog import sync_catalog
from core.services.demo import DEMO_PASSWORD, load_demo
from core.services.orders import LineRequest, place_order
from core.services.price_lists import set_price, set_product_offered
from core.services.subscriptions import act_on_subscription
from tests.fakes import FakePlugin, FakeProduct
from tests.provisioning import provision_due
from web.database import db as database

pytest_plugins = ["tests.smtp", "tests.vendor", "tests.simulators"]

FROZEN_AT = datetime(2026, 3, 2, 9, 30, tzinfo=UTC)


@pytest.fixture(scope="session", autouse=True)
def cheap_password_hashing() -> Iterator[None]:
    """argon2id at its cheapest parameters: the same code path, without 100 ms per hash."""
    with hasher(PasswordHasher.from_parameters(profiles.CHEAPEST)):
        yield


@pytest.fixture(scope="session")
def instance_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("instance")


@pytest.fixture(scope="session")
def test_settings(instance_path: Path) -> dict[str, Any]:
    """Settings every test app starts from: the test database and broker, a temp instance folder."""
    return {
        "env": "testing",
        "instance_path": instance_path,
        "database_url": os.environ.get("CASCADE_TEST_DATABASE_URL") or f"sqlite:///{instance_path / 'test.db'}",
        "broker_url": os.environ.get("CASCADE_TEST_BROKER_URL") or f"sqla+sqlite:///{instance_path / 'broker.db'}",
        "log_level": "WARNING",
    }


@pytest.fixture(scope="session")
def app(test_settings: dict[str, Any]) -> Iterator[Flask]:
    """The app under test, on a database freshly migrated to the latest revision."""
    app = create_app(test_settings)
    engine = database.state(app).engine
    if engine.dialect.name == "postgresql":
        with engine.begin() as connection:
            connection.execute(text("DROP SCHEMA public CASCADE"))
            connection.execute(text("CREATE SCHEMA public"))
    upgrade_database(engine)
    yield app
    engine.dispose()


@pytest.fixture
def make_app(app: Flask, test_settings: dict[str, Any]) -> Iterator[Callable[..., Flask]]:
    """Build another app with some settings changed; the main app's Celery is restored after."""
    built: list[Flask] = []

    def make(**overrides: Any) -> Flask:
        other = create_app({**test_settings, **overrides})
        built.append(other)
        return other

    yield make
    for other in built:
        database.state(other).engine.dispose()
    app.extensions["celery"].set_current()
    app.extensions["celery"].set_default()


@pytest.fixture
def db(app: Flask) -> Iterator[Session]:
    """A session whose work, commits included, is rolled back at the end of the test.

    The test runs inside an app context; requests and CLI commands of the test share the
    session's connection, so they see its data and their commits are rolled back too.
    """
    # The storefronts keep visitors' pages a few seconds: a test starts with none from another's data.
    app.wsgi_app.storefronts.extensions["page_cache"].clear()  # type: ignore[attr-defined]
    factory = database.state(app).session_factory
    connection = database.state(app).engine.connect()
    transaction = connection.begin()
    saved = dict(factory.kw)
    factory.configure(bind=connection, join_transaction_mode="create_savepoint")
    try:
        with app.app_context():  # its teardown closes the session
            yield database.session
    finally:
        factory.kw = saved
        transaction.rollback()
        connection.close()


class IsolatedClient(FlaskClient):
    """A test client whose requests each get their own app context, ``g`` and session.

    Without this, a request made while the test's app context is active reuses that context,
    and ``g`` or the session would carry state from one request into the next, which never
    happens in production.
    """

    def open(self, *args: Any, **kwargs: Any) -> Any:
        return contextvars.Context().run(super().open, *args, **kwargs)


@pytest.fixture
def client(app: Flask, db: Session) -> FlaskClient:
    app.test_client_class = IsolatedClient
    return app.test_client()


@pytest.fixture
def runner(app: Flask, db: Session) -> FlaskCliRunner:
    return app.test_cli_runner()


@pytest.fixture
def frozen_clock() -> Iterator[FrozenTime]:
    """Stop Cascade's clock at a known moment; ``frozen_clock.advance(delta)`` moves it."""
    with clock.frozen(FROZEN_AT) as frozen:
        yield frozen


@pytest.fixture
def selects(app: Flask) -> Iterator[list[str]]:
    """The SELECT statements sent to the database while the test runs."""
    sent: list[str] = []

    def record(_conn: Any, _cursor: Any, statement: str, *_args: object) -> None:
        if statement.lstrip().upper().startswith("SELECT"):
            sent.append(statement)

    engine = database.state(app).engine
    event.listen(engine, "before_cursor_execute", record)
    yield sent
    event.remove(engine, "before_cursor_execute", record)


@pytest.fixture
def fake_plugin(app: Flask) -> Iterator[FakePlugin]:
    """Register the fake product plugin for one test, and remove it afterwards."""
    plugin = FakePlugin()
    pm.register(plugin, name=FakePlugin.name)
    try:
        yield plugin
    finally:
        pm.unregister(plugin)


@pytest.fixture
def fake_catalog(db: Session, demo: dict[str, Account], fake_plugin: FakePlugin) -> dict[str, Plan]:
    """The fake product on sale in the demo tree: Northwind offers it and prices it wholesale
    (Small 11.50, Large 115.00 EUR); the demo's retail markups price it for customers."""
    sync_catalog(db, product_types())
    product = db.scalar(select(Product).where(Product.key == FakeProduct.key))
    northwind = demo["northwind"]
    set_product_offered(db, distributor=northwind, product=product, offered=True, actor=None)
    wholesale = db.scalar(select(PriceList).where(PriceList.seller_id == northwind.id,
                                                  PriceList.kind == PriceListKind.WHOLESALE))
    for plan, price in zip(product.plans, ("11.50", "115.00"), strict=True):
        set_price(db, price_list=wholesale, plan=plan, actor=None, unit_price=price)
    db.commit()
    return {plan.code: plan for plan in product.plans}


@pytest.fixture
def demo(db: Session) -> dict[str, Account]:
    """The demo platform (as ``cascade demo load`` makes it), its accounts by slug."""
    load_demo(db)
    db.commit()
    return {account.slug: account for account in db.scalars(select(Account))}


@pytest.fixture
def plans(db: Session, demo: dict[str, Account]) -> dict[str, Plan]:
    """The demo catalog's plans by ``<product key>/<plan code>``."""
    return {f"{plan.product.key}/{plan.code}": plan for plan in db.scalars(select(Plan))}


def csrf(client: FlaskClient) -> str:
    """The CSRF token of the client's session, as a form on any page would carry it."""
    with client.session_transaction() as session:
        return session.setdefault("_csrf", secrets.token_urlsafe(16))


@pytest.fixture
def login_as(client: FlaskClient) -> Callable[..., FlaskClient]:
    """Sign the test client in through the real sign-in form."""

    def login(email: str, password: str = DEMO_PASSWORD) -> FlaskClient:
        response = client.post("/bss/login", data={"email": email, "password": password, "csrf_token": csrf(client)})
        assert response.status_code == 302, response.get_data(as_text=True)
        return client

    return login


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


@pytest.fixture
def reseller_plan(db: Session, demo: dict[str, Account], plans: dict[str, Plan],
                  actor_for: Callable[..., Actor]) -> Callable[..., Subscription]:
    """Put a demo reseller on a reseller plan, as its distributor activates one; provisioned."""

    def put(slug: str, code: str = "standard") -> Subscription:
        plan = plans[f"reseller-plan/{code}"]
        held = db.scalar(select(Subscription).where(Subscription.owner_id == demo[slug].id,
                                                    Subscription.product_id == plan.product_id))
        if held is None or held.plan_id != plan.id:
            place_order(db, actor=actor_for("northwind"), owner_id=demo[slug].id, payment_method="on_account",
                        lines=[LineRequest(plan.id)])
            db.commit()
            provision_due(db)
        return db.scalar(select(Subscription).where(Subscription.owner_id == demo[slug].id,
                                                    Subscription.product_id == plan.product_id))

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

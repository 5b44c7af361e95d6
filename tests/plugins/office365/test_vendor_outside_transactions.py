"""No transaction is open while Microsoft (or any vendor) is asked: not when an order checks its
tenant name, whichever way it is placed, nor when the worker sets the seats up.

On SQLite every transaction holds the database's write lock from its first statement, so a
vendor's round trip inside one stops every other writer. The tests watch the simulators'
requests: a simulator runs in the test process, so its request handler can look at the app's
database while the vendor "thinks". Most tests look at the test's connection, which the
test's sessions share (each session's transaction is a savepoint on it), so a savepoint open
at that moment is a session holding a transaction. The last one has the demo loaded into a
database file of its own, and another writer takes the write lock at each vendor call.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Iterator
from contextlib import closing, contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import Connection, select
from sqlalchemy.orm import Session

from bss.migrations import upgrade_database
from bss.tasks import provision
from core.models.accounts import Account
from core.models.orders import Order
from core.models.provisioning import ProvisioningRequest, RequestStatus
from core.models.subscriptions import SubscriptionStatus
from core.services.demo import load_demo
from core.services.demo_activity import demo_order, load_demo_activity
from plugins.office365.connector import Office365Client
from plugins.office365.settings import load_settings
from plugins.office365.tenants import Tenant
from web.database import db as database

TENANT_CHECK = "HEAD /v1/domains/harbourdental.onmicrosoft.com"


@dataclass(frozen=True)
class VendorCall:
    simulator: str
    #: ``METHOD /path``.
    request: str
    #: Whether a session of the app held a transaction while the vendor answered.
    in_transaction: bool


@contextmanager
def watching(simulators: dict[str, Any], probe: Callable[[str, str], None]) -> Iterator[None]:
    """Call ``probe(simulator name, "METHOD /path")`` in the simulators' request handlers, before
    each vendor call is answered (their test controls excepted)."""
    inner = {name: served.app for name, served in simulators.items()}

    def probing(name: str) -> Callable[..., Any]:
        def app(environ: dict[str, Any], start_response: Callable[..., Any]) -> Any:
            if not environ["PATH_INFO"].startswith("/_simulator"):
                probe(name, f"{environ['REQUEST_METHOD']} {environ['PATH_INFO']}")
            return inner[name](environ, start_response)

        return app

    for name, served in simulators.items():
        served.app = probing(name)
    try:
        yield
    finally:
        for name, served in simulators.items():
            served.app = inner[name]


@pytest.fixture
def vendor_calls(app: Flask, db: Session, simulators: dict[str, Any]) -> Iterator[list[VendorCall]]:
    """The requests the app sends to the vendors' simulators during the test, in order.

    The test's own session must hold nothing when it acts (``db.commit()``), as in production,
    where it does not exist.
    """
    connection = database.state(app).session_factory.kw["bind"]
    assert isinstance(connection, Connection), "the test's sessions share one connection"
    calls: list[VendorCall] = []
    with watching(simulators, lambda name, request: calls.append(
            VendorCall(name, request, connection.in_nested_transaction()))):
        yield calls


def asked_inside(calls: list[VendorCall]) -> list[str]:
    return [call.request for call in calls if call.in_transaction]


def test_the_api_asks_microsoft_with_no_transaction_open(db, demo, m365, api_as, vendor_calls):
    harbour = api_as("harbour")
    db.commit()
    placed = harbour.post("/api/v1/orders", json={"payment_method": "card", "lines": [
        {"plan_id": m365["business-basic"].id, "quantity": 4, "params": {"tenant_prefix": "harbourdental"}}]})
    assert placed.status_code == 201, placed.json
    assert TENANT_CHECK in [call.request for call in vendor_calls]
    assert asked_inside(vendor_calls) == []
    assert db.scalar(select(Tenant.domain_prefix).where(Tenant.account_id == demo["harbour"].id)) == "harbourdental"


def test_microsofts_answer_asked_before_the_transaction_still_refuses_a_taken_name(db, demo, m365, api_as,
                                                                                   vendor_calls):
    harbour = api_as("harbour")
    db.commit()
    Office365Client(load_settings()).create_customer(domain="harbourdental.onmicrosoft.com", company_name="Someone",
                                                     request_key="elsewhere")
    refused = harbour.post("/api/v1/orders", json={"payment_method": "card", "lines": [
        {"plan_id": m365["business-basic"].id, "quantity": 4, "params": {"tenant_prefix": "harbourdental"}}]})
    assert refused.status_code == 422
    assert refused.json["fields"] == {
        "lines.0.params.tenant_prefix": ["harbourdental.onmicrosoft.com is taken: choose another prefix."]}
    assert asked_inside(vendor_calls) == []
    assert db.scalars(select(Order)).all() == []


def test_the_back_office_asks_microsoft_with_no_transaction_open(db, demo, m365, login_as, post, vendor_calls):
    login_as("owner@bright.example")
    db.commit()
    placed = post("/bss/orders/new", {"account_id": demo["harbour"].id, "payer": "owner",
                                      "plan_id": m365["business-basic"].id, "quantity": 3,
                                      "params.tenant_prefix": "harbourdental", "payment_method": "card"})
    assert placed.status_code == 302, placed.get_data(as_text=True)
    assert TENANT_CHECK in [call.request for call in vendor_calls]
    assert asked_inside(vendor_calls) == []


def test_the_storefront_asks_microsoft_with_no_transaction_open(db, shops, m365, shop_sign_in, shop_post, check_out,
                                                                vendor_calls):
    shop_sign_in()
    assert shop_post("/cart/add", {"plan_id": m365["business-basic"].id, "quantity": 4}).status_code == 303
    db.commit()
    placed = check_out("card", {"lines.0.params.tenant_prefix": "harbourdental"})
    assert placed.status_code == 303, placed.get_data(as_text=True)
    assert TENANT_CHECK in [call.request for call in vendor_calls]
    assert asked_inside(vendor_calls) == []


def test_the_worker_sets_the_seats_up_with_no_transaction_open(db, demo, order_seats, microsoft, vendor_calls):
    subscription = order_seats("harbour", 8, tenant_prefix="harbourdental")
    request_id = db.scalar(select(ProvisioningRequest.id).where(ProvisioningRequest.subscription_id == subscription.id))
    db.commit()
    del vendor_calls[:]  # the order's own tenant check
    provision(request_id)
    db.expire_all()
    assert db.get(ProvisioningRequest, request_id).status is RequestStatus.DONE
    assert subscription.status is SubscriptionStatus.ACTIVE
    assert {"POST /v1/customers", f"POST /v1/customers/{subscription.provisioning_data['customer_id']}/subscriptions"} <= {
        call.request for call in vendor_calls}
    assert asked_inside(vendor_calls) == []


def test_the_demo_loader_asks_every_vendor_with_no_transaction_open(db, demo, vendor_calls):
    db.commit()
    load_demo_activity(db)
    db.commit()
    asked = {call.simulator for call in vendor_calls}
    assert {"office365", "registrar"} <= asked  # the tenant and domain checks, and what provisioning set up
    assert asked_inside(vendor_calls) == []


def test_another_writer_gets_the_database_while_microsoft_is_asked(make_app, tmp_path, simulators):
    path = tmp_path / "alone.db"
    alone = make_app(database_url=f"sqlite:///{path}")
    upgrade_database(database.state(alone).engine)
    with alone.app_context():
        load_demo(database.session)
        database.session.commit()
        accounts = {account.slug: account for account in database.session.scalars(select(Account))}
        meanwhile: list[str] = []
        with watching(simulators, lambda name, request: meanwhile.append(f"{request}: {_take_write_lock(path)}")):
            # As the demo loader orders: checked, placed, then set up at Microsoft at once.
            demo_order(database.session, accounts, "harbour", "microsoft-365/business-basic", 8, "card",
                       params={"tenant_prefix": "harbourdental"})
            database.session.commit()
    assert f"{TENANT_CHECK}: took the lock" in meanwhile
    assert "POST /v1/customers: took the lock" in meanwhile
    assert [call for call in meanwhile if not call.endswith(": took the lock")] == []


def _take_write_lock(path: Path) -> str:
    """What another process finds when it begins to write: the lock, or "database is locked" after a short wait."""
    with closing(sqlite3.connect(path, timeout=0.2, isolation_level=None)) as writer:
        try:
            writer.execute("BEGIN IMMEDIATE")
        except sqlite3.OperationalError as error:
            return str(error)
        writer.execute("ROLLBACK")
        return "took the lock"

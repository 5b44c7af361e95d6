"""A provisioning request is carried out once at the vendor, however often its task runs.

Two ways a request meets its vendor more than once: its task is delivered twice (a broker
redelivers, the sweep republishes), and its worker dies after the vendor acted but before the
answer was recorded. The vendor is ``tests.vendor``: it keeps its records in files, so what a
worker process did there can be read here. The data the workers read is committed for real and
removed after each test.
"""

from __future__ import annotations

import os
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import func, select

from bss.tasks import provision, sweep_provisioning
from core.clock import clock, utcnow
from core.models.accounts import Account
from core.models.orders import Order, OrderStatus
from core.models.people import User
from core.models.provisioning import ProvisioningRequest, RequestStatus
from core.models.subscriptions import Subscription, SubscriptionEvent, SubscriptionStatus
from core.services.actors import acting_as
from core.services.orders import LineRequest, place_order
from core.services.provisioning import LEASE
from tests.processes import cascade_env, kill_group, start_logged, stop, wait_until
from tests.vendor import FileVendor, Shop
from web.database import db as database

pytestmark = pytest.mark.integration

#: Time a worker gets to start, take the task and reach the vendor.
WORKER_SECONDS = 60.0


@dataclass(frozen=True)
class Placed:
    order_id: int
    request_id: int
    subscription_id: int


@dataclass(frozen=True)
class State:
    """What a person looking at the order would check."""

    order: OrderStatus
    request: RequestStatus
    attempts: int
    subscription: SubscriptionStatus
    #: "activated" events in the subscription's history.
    activations: int


def place(app: Flask, shop: Shop) -> Placed:
    """Harbour Dental orders one widget, on account; the order is accepted at once."""
    with app.app_context():
        session = database.session
        buyer, account = session.get(User, shop.buyer_id), session.get(Account, shop.account_id)
        assert buyer is not None and account is not None
        order = place_order(session, actor=acting_as(session, buyer, account),
                            lines=[LineRequest(plan_id=shop.plan_id, quantity=1)], payment_method="on_account")
        session.commit()  # and the provision task is published
        (line,) = order.lines
        request_id = session.scalar(select(ProvisioningRequest.id).where(ProvisioningRequest.order_line_id == line.id))
        assert line.subscription_id is not None and request_id is not None
        return Placed(order.id, request_id, line.subscription_id)


def state(app: Flask, placed: Placed) -> State:
    """Read the order, its request and its subscription as they are committed now."""
    with app.app_context():
        session = database.session
        order = session.get(Order, placed.order_id)
        request = session.get(ProvisioningRequest, placed.request_id)
        subscription = session.get(Subscription, placed.subscription_id)
        assert order is not None and request is not None and subscription is not None
        activations = session.scalar(select(func.count()).select_from(SubscriptionEvent).where(
            SubscriptionEvent.subscription_id == subscription.id, SubscriptionEvent.action == "activated"))
        return State(order.status, request.status, request.attempts, subscription.status, activations or 0)


def requests_of(app: Flask, placed: Placed) -> int:
    """How many provisioning requests the order's subscription has."""
    with app.app_context():
        return database.session.scalar(select(func.count()).select_from(ProvisioningRequest).where(
            ProvisioningRequest.subscription_id == placed.subscription_id)) or 0


def active_once(attempts: int) -> State:
    """Done: order completed, subscription active, activated once, after ``attempts`` attempts."""
    return State(OrderStatus.COMPLETED, RequestStatus.DONE, attempts, SubscriptionStatus.ACTIVE, 1)


def test_a_task_run_twice_acts_once_at_the_vendor(app: Flask, shop: Shop, vendor: FileVendor) -> None:
    placed = place(app, shop)
    vendor.hold()
    with ThreadPoolExecutor(max_workers=1) as pool:
        first = pool.submit(provision, placed.request_id)
        try:
            (key,) = vendor.wait_until_holding(timeout=30)
            assert state(app, placed).request is RequestStatus.RUNNING
            provision(placed.request_id)  # delivered again while the first run is at the vendor
            assert len(vendor.calls()) == 1, "the second run called the vendor"
        finally:
            vendor.release()
        first.result(timeout=30)
    assert state(app, placed) == active_once(attempts=1)

    provision(placed.request_id)  # and once more, long after it was done
    assert state(app, placed) == active_once(attempts=1)
    assert [(call.key, call.action, call.attempt) for call in vendor.calls()] == [(key, "activate", 1)]
    assert list(vendor.effects()) == [key]
    assert requests_of(app, placed) == 1


def test_a_worker_killed_mid_request_is_replaced_without_acting_twice(
    app: Flask, shop: Shop, vendor: FileVendor, vendor_site: dict[str, str], test_settings: dict[str, Any],
    tmp_path: Path,
) -> None:
    env = cascade_env(tmp_path / "instance", env="testing", database_url=test_settings["database_url"],
                      broker_url=test_settings["broker_url"]) | vendor_site
    logs = (tmp_path / "worker-1.log", tmp_path / "worker-2.log")
    vendor.hold()  # the vendor acts, then its answer never reaches the worker
    first = start_logged("worker", "--concurrency", "1", env=env, log=logs[0])
    try:
        placed = place(app, shop)
        (key,) = vendor.wait_until_holding(timeout=WORKER_SECONDS)
        taken = state(app, placed)
        assert (taken.request, taken.attempts) == (RequestStatus.RUNNING, 1)
    finally:
        kill_group(first)
    (first_call,) = vendor.calls()
    assert first_call.pid != os.getpid(), "the worker process, not the test, called the vendor"
    assert list(vendor.effects()) == [key]
    vendor.release()

    time.sleep(1)  # nobody answers for it any more
    stuck = State(OrderStatus.IN_PROGRESS, RequestStatus.RUNNING, 1, SubscriptionStatus.PENDING, 0)
    assert state(app, placed) == stuck
    sweep_provisioning()  # within its lease, a request is its worker's: the sweep leaves it alone
    assert state(app, placed) == stuck
    with clock.frozen(utcnow() + LEASE + timedelta(seconds=30)):  # the lease runs out, unanswered
        sweep_provisioning()
    assert state(app, placed).request is RequestStatus.PENDING

    second = start_logged("worker", "--concurrency", "1", env=env, log=logs[1])
    try:
        wait_until(lambda: state(app, placed).subscription is SubscriptionStatus.ACTIVE, WORKER_SECONDS,
                   lambda: f"the second worker never activated the subscription: {logs[1].read_text()}")
    finally:
        assert stop(second) == 0, logs[1].read_text()
    assert state(app, placed) == active_once(attempts=2)
    calls = vendor.calls()
    assert [(call.key, call.attempt) for call in calls] == [(key, 1), (key, 2)]
    assert calls[1].pid not in (os.getpid(), first_call.pid)
    (effect,) = vendor.effects().values()
    assert (effect.key, effect.action, effect.pid) == (key, "activate", first_call.pid)
    assert requests_of(app, placed) == 1


def test_a_killed_workers_request_is_done_within_ninety_seconds_unaided(
    app: Flask, shop: Shop, vendor: FileVendor, vendor_site: dict[str, str], test_settings: dict[str, Any],
    tmp_path: Path,
) -> None:
    """As under ``cascade run``: beat sweeps, and the worker is started again once it died. Nobody
    freezes the clock here: the lease runs out for real."""
    env = cascade_env(tmp_path / "instance", env="testing", database_url=test_settings["database_url"],
                      broker_url=test_settings["broker_url"]) | vendor_site
    logs = {name: tmp_path / f"{name}.log" for name in ("worker-1", "worker-2", "beat")}
    beat = start_logged("beat", env=env, log=logs["beat"])
    first = start_logged("worker", "-n", "first", "--concurrency", "1", env=env, log=logs["worker-1"])
    second = None
    try:
        vendor.hold()
        placed = place(app, shop)
        vendor.wait_until_holding(timeout=WORKER_SECONDS)
        kill_group(first)
        killed_at = time.monotonic()
        vendor.release()
        second = start_logged("worker", "-n", "second", "--concurrency", "1", env=env, log=logs["worker-2"])
        wait_until(lambda: state(app, placed).subscription is SubscriptionStatus.ACTIVE, 90,
                   lambda: "the request was not done: " + "\n".join(log.read_text()[-2000:] for log in logs.values()))
        assert time.monotonic() - killed_at < 90
    finally:
        if second is not None:
            assert stop(second) == 0, logs["worker-2"].read_text()
        assert stop(beat) == 0, logs["beat"].read_text()
    assert state(app, placed) == active_once(attempts=2)
    assert len(vendor.effects()) == 1, "acted once at the vendor"

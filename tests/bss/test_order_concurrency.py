"""Fifty concurrent ``POST /api/v1/orders`` with one ``Idempotency-Key`` make one order.

A client that times out and retries, or a buggy integration that fires the same request many
times at once, must not buy twice. The requests go to a real web server on the test database,
in several processes (``cascade serve``, gunicorn's sync workers) or several threads of each
(gunicorn's threaded workers, run as the README shows), released at once. The API answers every
one of them with the first one's ``201`` and order (``Idempotent-Replayed: true`` on all but
one), never a ``409``: a request that meets the key while another holds it waits for that one
to commit, then replays its answer. Runs on SQLite (where writes queue behind each other) and
on PostgreSQL (where the key's unique index makes the later inserts wait, then fail).
"""

from __future__ import annotations

import json
import sys
import threading
import urllib.error
import urllib.request
from collections import Counter
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import func, select

from core.models.idempotency import IdempotencyKey
from core.models.orders import Order, OrderStatus
from core.models.provisioning import ProvisioningRequest
from core.models.subscriptions import Subscription
from plugin_kit.testing import free_port
from tests.processes import CASCADE, cascade_env, start_logged, stop, wait_until
from tests.vendor import Shop
from web.database import db as database

pytestmark = pytest.mark.integration

REQUESTS = 50
KEY = "order-2026-0001"
#: Each server and its command line: several processes, and several threads in each.
SERVERS = {
    "cascade serve --workers 4": (CASCADE, ("serve", "--port", "{port}", "--workers", "4")),
    "gunicorn --workers 2 --threads 8": (
        (sys.executable, "-m", "gunicorn"),
        ("--workers", "2", "--threads", "8", "--bind", "127.0.0.1:{port}", "bss:create_app()"),
    ),
}


@dataclass(frozen=True)
class Answer:
    """What the server answered to one request."""

    status: int
    body: dict[str, Any]
    replayed: bool


@pytest.fixture(params=sorted(SERVERS))
def server(request: pytest.FixtureRequest, app: Flask, shop: Shop, vendor_site: dict[str, str],
           test_settings: dict[str, Any], tmp_path: Path) -> Iterator[str]:
    """A web server on the test database and broker; yields its base URL."""
    port = free_port()
    program, template = SERVERS[request.param]
    env = cascade_env(tmp_path / "instance", env="testing", database_url=test_settings["database_url"],
                      broker_url=test_settings["broker_url"]) | vendor_site
    log = tmp_path / "server.log"
    process = start_logged(*(arg.format(port=port) for arg in template), env=env, log=log, program=program)
    base = f"http://127.0.0.1:{port}"
    try:
        wait_until(lambda: process.poll() is not None or _healthy(base), 60, "the web server never answered")
        assert process.poll() is None, log.read_text()
        yield base
    finally:
        assert stop(process) == 0, log.read_text()


def _healthy(base: str) -> bool:
    try:
        with urllib.request.urlopen(f"{base}/healthz", timeout=5) as response:
            return response.status == 200
    except (urllib.error.URLError, ConnectionError, TimeoutError):  # a busy machine: ask again
        return False


def post_order(base: str, api_key: str, body: dict[str, Any], start: threading.Barrier | None = None) -> Answer:
    """``POST /api/v1/orders`` with the test's key; wait at ``start`` first, if given."""
    request = urllib.request.Request(
        f"{base}/api/v1/orders", data=json.dumps(body).encode(), method="POST",
        headers={"Authorization": f"Bearer {api_key}", "Idempotency-Key": KEY, "Content-Type": "application/json"},
    )
    if start is not None:
        start.wait(timeout=30)
    try:
        with urllib.request.urlopen(request, timeout=60) as response:
            return Answer(response.status, json.load(response), response.headers.get("Idempotent-Replayed") == "true")
    except urllib.error.HTTPError as error:
        return Answer(error.code, json.load(error), error.headers.get("Idempotent-Replayed") == "true")


def _counts(app: Flask, shop: Shop) -> dict[str, int]:
    with app.app_context():
        session = database.session

        def count(model: Any, *where: Any) -> int:
            return session.scalar(select(func.count()).select_from(model).where(*where)) or 0

        subscriptions = select(Subscription.id).where(Subscription.owner_id == shop.account_id)
        return {
            "orders": count(Order, Order.owner_id == shop.account_id),
            "subscriptions": count(Subscription, Subscription.owner_id == shop.account_id),
            "provisioning requests": count(ProvisioningRequest, ProvisioningRequest.subscription_id.in_(subscriptions)),
            "idempotency keys": count(IdempotencyKey, IdempotencyKey.account_id == shop.account_id,
                                      IdempotencyKey.key == KEY),
        }


def test_fifty_concurrent_orders_with_one_key_make_one_order(app: Flask, shop: Shop, api_key: str, server: str) -> None:
    body = {"account_id": str(shop.account_id), "payment_method": "on_account",
            "lines": [{"plan_id": str(shop.plan_id), "quantity": 1}]}
    start = threading.Barrier(REQUESTS)
    with ThreadPoolExecutor(max_workers=REQUESTS) as pool:
        answers = list(pool.map(lambda _: post_order(server, api_key, body, start), range(REQUESTS)))

    assert Counter(answer.status for answer in answers) == {201: REQUESTS}, [a for a in answers if a.status != 201][:3]
    assert Counter(answer.replayed for answer in answers) == {False: 1, True: REQUESTS - 1}
    first = next(answer.body for answer in answers if not answer.replayed)
    assert all(answer.body == first for answer in answers), "every answer is the first one's order"
    assert first["status"] == OrderStatus.IN_PROGRESS  # accepted; no worker runs here to provision it
    assert _counts(app, shop) == {"orders": 1, "subscriptions": 1, "provisioning requests": 1, "idempotency keys": 1}
    with app.app_context():
        assert database.session.scalar(select(Order.id).where(Order.owner_id == shop.account_id)) == int(first["id"])

    again = post_order(server, api_key, body)
    assert (again.status, again.body, again.replayed) == (201, first, True)
    other = post_order(server, api_key, {**body, "lines": [{"plan_id": str(shop.plan_id), "quantity": 2}]})
    assert other.status == 409, other
    assert _counts(app, shop)["orders"] == 1

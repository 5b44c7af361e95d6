"""Scale-out under fire: two web servers, two workers and beat, 500 orders from 20 clients, and one
web server and one worker killed halfway through.

The clients post each order with an ``Idempotency-Key`` of its own and retry it (on the other
server) when a connection fails or times out, as an integration would. At the end every order is
in a final state, exactly one per key, each subscription activated once at the vendor, and no
provisioning request is left running: the dead worker's requests were taken up again once their
lease ran out, through the sweep beat runs. It prints the order-to-active times (p50, p95, p99).

It runs on the PostgreSQL lane of CI (PostgreSQL and Redis: what several processes on several
machines would share); on the embedded default, one machine's SQLite, it has nothing to show.
"""

from __future__ import annotations

import json
import statistics
import threading
import time
import urllib.error
import urllib.request
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import func, select

from core.models.idempotency import IdempotencyKey
from core.models.orders import Order, OrderStatus
from core.models.provisioning import OPEN_REQUEST_STATUSES, ProvisioningRequest
from core.models.subscriptions import SubscriptionStatus
from plugin_kit.testing import free_port
from tests.processes import cascade_env, kill_group, start_logged, stop, wait_until
from tests.vendor import FileVendor, Shop
from web.database import db as database

pytestmark = pytest.mark.integration

ORDERS = 500
CLIENTS = 20
#: A client gives an order this many tries (on either server) before counting it lost.
TRIES = 8
#: Long enough for a dead worker's lease (45 s) and the sweep (every 15 s), on a loaded machine.
SETTLE_SECONDS = 240


def _post(base: str, api_key: str, body: dict[str, Any], key: str) -> tuple[int, int | None]:
    """``POST /api/v1/orders``: the status, and the order's id when it was placed (or replayed)."""
    request = urllib.request.Request(
        f"{base}/api/v1/orders", data=json.dumps(body).encode(), method="POST",
        headers={"Authorization": f"Bearer {api_key}", "Idempotency-Key": key, "Content-Type": "application/json"},
    )
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, int(json.load(response)["id"])
    except urllib.error.HTTPError as error:
        return error.code, None


def _healthy(base: str) -> bool:
    try:
        with urllib.request.urlopen(f"{base}/healthz", timeout=5) as response:
            return response.status == 200
    except (urllib.error.URLError, ConnectionError, TimeoutError):
        return False


def _percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def test_orders_survive_a_worker_and_a_web_server_killed_midway(app: Flask, shop: Shop, api_key: str,
                                                                 vendor: FileVendor, vendor_site: dict[str, str],
                                                                 test_settings: dict[str, Any],
                                                                 tmp_path: Path) -> None:
    if not test_settings["database_url"].startswith("postgresql"):
        pytest.skip("the scale-out run is the PostgreSQL lane's (.ci/run): several processes share PostgreSQL "
                    "and Redis there")
    env = cascade_env(tmp_path / "instance", env="testing", database_url=test_settings["database_url"],
                      broker_url=test_settings["broker_url"]) | vendor_site
    ports = [free_port(), free_port()]
    bases = [f"http://127.0.0.1:{port}" for port in ports]
    logs = {name: tmp_path / f"{name}.log" for name in ("web-1", "web-2", "worker-1", "worker-2", "beat")}
    processes = {
        "web-1": start_logged("serve", "--port", str(ports[0]), "--workers", "2", env=env, log=logs["web-1"]),
        "web-2": start_logged("serve", "--port", str(ports[1]), "--workers", "2", env=env, log=logs["web-2"]),
        "worker-1": start_logged("worker", "-n", "one", "--concurrency", "2", env=env, log=logs["worker-1"]),
        "worker-2": start_logged("worker", "-n", "two", "--concurrency", "2", env=env, log=logs["worker-2"]),
        "beat": start_logged("beat", env=env, log=logs["beat"]),
    }
    killed: set[str] = set()
    try:
        for base in bases:
            wait_until(lambda base=base: _healthy(base), 60, "a web server never answered")
        body = {"account_id": str(shop.account_id), "payment_method": "on_account",
                "lines": [{"plan_id": str(shop.plan_id), "quantity": 1}]}
        #: When each order was first asked for, by its id.
        placed_at: dict[int, datetime] = {}
        statuses: Counter[int] = Counter()
        halfway = threading.Event()

        def place(n: int) -> None:
            key, first = f"scale-out-{n:04d}", datetime.now(UTC)
            for attempt in range(TRIES):
                base = bases[(n + attempt) % 2]  # each retry on the other server
                try:
                    status, order_id = _post(base, api_key, body, key)
                except (urllib.error.URLError, ConnectionError, TimeoutError):
                    time.sleep(0.2 * (attempt + 1))  # a client backing off before it tries again
                    continue
                statuses[status] += 1
                if order_id is not None:
                    placed_at[order_id] = first
                    break
            if n == ORDERS // 2:
                halfway.set()

        def kill_halfway() -> None:
            halfway.wait(timeout=300)
            for name in ("worker-1", "web-1"):  # SIGKILL: no goodbye, leases left running
                kill_group(processes[name])
                killed.add(name)

        with ThreadPoolExecutor(max_workers=CLIENTS + 1) as pool:
            killer = pool.submit(kill_halfway)
            list(pool.map(place, range(ORDERS)))
            killer.result(timeout=60)
        assert killed == {"worker-1", "web-1"}

        def settled() -> bool:
            with app.app_context():
                session = database.session
                open_orders = session.scalar(select(func.count()).select_from(Order).where(
                    Order.owner_id == shop.account_id, Order.status.not_in(
                        (OrderStatus.COMPLETED, OrderStatus.FAILED, OrderStatus.CANCELLED))))
                open_requests = session.scalar(select(func.count()).select_from(ProvisioningRequest).where(
                    ProvisioningRequest.status.in_(OPEN_REQUEST_STATUSES)))
                return open_orders == 0 and open_requests == 0

        wait_until(settled, SETTLE_SECONDS, lambda: "orders or requests were left open:\n" + "\n".join(
            f"{name}: {log.read_text(errors='replace')[-1500:]}" for name, log in logs.items()))

        with app.app_context():
            session = database.session
            keys = session.scalars(select(IdempotencyKey.key).where(IdempotencyKey.account_id == shop.account_id,
                                                                     IdempotencyKey.key.like("scale-out-%"))).all()
            orders = session.scalars(select(Order).where(Order.owner_id == shop.account_id)).all()
            active_at = {order.id: line.subscription.started_at for order in orders for line in order.lines
                         if line.subscription is not None and line.subscription.status is SubscriptionStatus.ACTIVE}
            statuses_of_orders = Counter(order.status for order in orders)
        assert len(keys) == len(set(keys)) == ORDERS, "every order placed once, none lost"
        assert set(placed_at) == {order.id for order in orders}, "every client got its order's answer"
        assert statuses_of_orders == {OrderStatus.COMPLETED: ORDERS}
        assert len(active_at) == ORDERS and len(vendor.effects()) == ORDERS, "each one activated once at the vendor"
        waits = [(active_at[order_id] - placed).total_seconds() for order_id, placed in placed_at.items()]
        print(f"\n{ORDERS} orders, {CLIENTS} clients, worker and web server killed halfway; answers {dict(statuses)}")
        print(f"order-to-active: p50 {_percentile(waits, 0.5):.1f} s, "
              f"p95 {_percentile(waits, 0.95):.1f} s, p99 {_percentile(waits, 0.99):.1f} s, "
              f"mean {statistics.mean(waits):.1f} s")
    finally:
        for name, process in processes.items():
            if name not in killed:
                stop(process)

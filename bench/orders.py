"""Order to active with a real worker: latency and orders per second, against a no-op task.

Builds the demo platform in a fresh SQLite file with the embedded SQLite broker (and, with
``--postgres``, in a scratch PostgreSQL database it creates and drops, with Redis as the
broker), puts a product of its own on sale (installed as a distribution, like any third-party
plugin; its vendor answers ``done`` at once, so what is measured is Cascade), starts a real
``cascade worker`` and has Harbour Dental order it, as ``place_order`` and a commit do in the
web app. An order is active once the worker has claimed its provisioning request, called the
product and recorded the answer; its latency runs from the moment before ``place_order`` to the
subscription's ``started_at`` (set by the worker in the transaction that records the answer).

Three measurements per database, each against a baseline timed in the same run:

* one at a time (``--paced``): an order, then wait until it is active, then the next. The
  baseline is the round trip of a no-op Celery task through the same broker and worker (from
  the moment before it is published to the moment its body runs).
* a burst (``--orders``): place them all as fast as one process can, then wait. Orders per
  second run from the first placement to the last activation; the baseline is the same number
  of no-op tasks published as fast as possible, from the first publication to the last run.
* in process, no broker and no worker: ``place_order`` plus commit, and the worker's claim,
  call and record (three transactions) for as many orders, timed one by one: the database work
  that the latency above contains.

Run from the repository root (never part of the test suite)::

    .venv/bin/python bench/orders.py [--orders 200] [--paced 50] [--concurrency 2]
        [--postgres] [--postgres-url postgresql+psycopg://postgres@127.0.0.1:5432/cascade_bench_orders]
        [--redis-url redis://127.0.0.1:6379/15]
"""

from __future__ import annotations

import argparse
import os
import signal
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import textwrap
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from argon2 import PasswordHasher, profiles
from celery import Celery
from flask import Flask
from sqlalchemy import Engine, create_engine, func, select
from sqlalchemy.engine import make_url
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session, sessionmaker

from bss.app import create_app
from bss.migrations import upgrade_database
from core.db import make_engine, make_session_factory
from core.models.accounts import Account
from core.models.catalog import Product
from core.models.outbox import EmailStatus, OutboxEmail
from core.models.people import User
from core.models.prices import PriceList, PriceListKind
from core.models.provisioning import ProvisioningRequest
from core.models.subscriptions import Subscription, SubscriptionStatus
from core.passwords import hasher
from core.services.actors import acting_as
from core.services.demo import load_demo
from core.services.orders import LineRequest, place_order
from core.services.price_lists import set_price, set_product_offered
from core.services.provisioning import call_product, claim_request, record_answer
from web.database import db

DEFAULT_POSTGRES_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/cascade_bench_orders"
DEFAULT_REDIS_URL = "redis://127.0.0.1:6379/15"
#: Databases this script will never create, use or drop.
PROTECTED_DATABASES = {"test", "postgres", "root", "template0", "template1"}
PRODUCT_KEY = "bench-widget"
PING_TASK = "cascade_bench.ping"
#: Where the ping task writes when it ran; the bench reads it.
BENCH_DIR_VARIABLE = "CASCADE_BENCH_DIR"
WARMUP = 5
#: Longest wait for the worker to start, or for a burst to be carried out.
TIMEOUT_SECONDS = 300.0

#: The plugin, as a third party would ship it: a product whose vendor does it at once, and the
#: no-op task of the baseline (registered in the worker because the worker loads the plugin).
PLUGIN = textwrap.dedent(f'''\
    """A product for the orders benchmark; its lifecycle methods are ProductType's: done at once."""

    import os
    import time

    from celery import shared_task

    from core.models.catalog import BillingPeriod
    from core.money import Money
    from core.plugins import hookimpl
    from core.products import PlanSpec, ProductType


    class BenchWidget(ProductType):
        key = "{PRODUCT_KEY}"
        name = "Bench widget"
        unit = "widget"
        plans = (PlanSpec(code="monthly", name="Monthly", billing_period=BillingPeriod.MONTHLY, rank=10,
                          cost_price=Money("5.00", "EUR")),)


    @hookimpl
    def register_product_types():
        return [BenchWidget()]


    @shared_task(name="{PING_TASK}")
    def ping(sent_at):
        """Do nothing but note when it ran, for the round-trip baseline."""
        ran_at = time.time()
        with open(os.path.join(os.environ["{BENCH_DIR_VARIABLE}"], "pings.log"), "a") as log:
            log.write(f"{{sent_at!r}} {{ran_at!r}}\\n")
''')


def install_plugin(site: Path) -> None:
    """Lay the plugin out under ``site`` as pip would: its module and a dist-info with the entry point."""
    site.mkdir(parents=True, exist_ok=True)
    (site / "cascade_bench_widget.py").write_text(PLUGIN)
    dist_info = site / "cascade_bench_widget-1.0.dist-info"
    dist_info.mkdir(exist_ok=True)
    (dist_info / "METADATA").write_text("Metadata-Version: 2.1\nName: cascade-bench-widget\nVersion: 1.0\n")
    (dist_info / "entry_points.txt").write_text("[cascade.plugins]\nbench_widget = cascade_bench_widget\n")


# --- the platform ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Shop:
    """Who buys (owner@harbour.example), for which account (Harbour Dental), which plan."""

    buyer_id: int
    account_id: int
    plan_id: int


def build(engine: Engine) -> Shop:
    """Migrate, load the demo and put the bench widget on sale at Northwind; return who buys what."""
    upgrade_database(engine)
    with make_session_factory(engine)() as session, hasher(PasswordHasher.from_parameters(profiles.CHEAPEST)):
        load_demo(session)  # syncs the catalog, the bench widget included
        accounts = {account.slug: account for account in session.scalars(select(Account))}
        northwind = accounts["northwind"]
        product = session.scalar(select(Product).where(Product.key == PRODUCT_KEY))
        assert product is not None, "the bench plugin is not loaded"
        set_product_offered(session, distributor=northwind, product=product, offered=True, by=None)
        wholesale = session.scalar(select(PriceList).where(PriceList.seller_id == northwind.id,
                                                           PriceList.kind == PriceListKind.WHOLESALE))
        (plan,) = product.plans
        set_price(session, price_list=wholesale, plan=plan, by=None, unit_price="6.00")
        buyer = session.scalar(select(User).where(User.email == "owner@harbour.example"))
        assert buyer is not None
        session.commit()
        return Shop(buyer.id, accounts["harbour"].id, plan.id)


def place(session: Session, shop: Shop) -> tuple[float, int]:
    """Place one order and commit; return the wall time before it and the subscription's id."""
    placed_at = time.time()
    buyer, account = session.get(User, shop.buyer_id), session.get(Account, shop.account_id)
    assert buyer is not None and account is not None
    order = place_order(session, actor=acting_as(session, buyer, account),
                        lines=[LineRequest(plan_id=shop.plan_id, quantity=1)], payment_method="on_account")
    session.commit()
    subscription_id = order.lines[0].subscription_id
    assert subscription_id is not None
    return placed_at, subscription_id


# --- the worker -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Stack:
    """Where one pass keeps its data and messages."""

    title: str
    database_url: str
    broker_url: str
    directory: Path


def worker_env(stack: Stack, site: Path) -> dict[str, str]:
    """The worker's environment: this one's without CASCADE_*, then the pass's settings and the plugin."""
    env = {key: value for key, value in os.environ.items() if not key.startswith("CASCADE_")}
    env.update({
        "CASCADE_DATABASE_URL": stack.database_url,
        "CASCADE_BROKER_URL": stack.broker_url,
        "CASCADE_INSTANCE_PATH": str(stack.directory / "worker"),
        "CASCADE_LOG_LEVEL": "WARNING",
        BENCH_DIR_VARIABLE: str(stack.directory),
        "PYTHONPATH": os.pathsep.join(filter(None, (str(site), env.get("PYTHONPATH")))),
    })
    return env


@contextmanager
def running_worker(stack: Stack, site: Path, concurrency: int) -> Iterator[subprocess.Popen[bytes]]:
    """Run ``cascade worker`` for the block; its output goes to ``worker.log`` in the pass's directory."""
    log = stack.directory / "worker.log"
    with open(log, "ab") as output:
        process = subprocess.Popen(
            [sys.executable, "-m", "bss.cli", "worker", "--concurrency", str(concurrency)],
            env=worker_env(stack, site), stdout=output, stderr=subprocess.STDOUT, start_new_session=True,
        )
    try:
        yield process
    finally:
        if process.poll() is None:
            process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=60)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()
        if process.returncode not in (0, -signal.SIGTERM):
            print(f"  (the worker exited with {process.returncode}; see {log})")


def wait_for(condition: Callable[[], bool], what: str, process: subprocess.Popen[bytes], interval: float) -> None:
    """Poll ``condition`` until it holds; give up if the worker died or after ``TIMEOUT_SECONDS``."""
    deadline = time.monotonic() + TIMEOUT_SECONDS
    while not condition():
        if process.poll() is not None:
            raise SystemExit(f"the worker exited with {process.returncode} while waiting for {what}")
        if time.monotonic() > deadline:
            raise SystemExit(f"gave up waiting for {what} after {TIMEOUT_SECONDS:.0f} s")
        time.sleep(interval)


class Pings:
    """The no-op task: publish it, and read when each ran."""

    def __init__(self, celery: Celery, directory: Path) -> None:
        self.celery = celery
        self.log = directory / "pings.log"

    def send(self) -> float:
        """Publish one no-op task; return when (wall time)."""
        sent_at = time.time()
        self.celery.send_task(PING_TASK, args=(sent_at,))
        return sent_at

    def runs(self) -> list[tuple[float, float]]:
        """(sent, ran) of every ping run so far."""
        try:
            lines = self.log.read_text().splitlines()
        except FileNotFoundError:
            return []
        return [(float(sent), float(ran)) for sent, ran in (line.split() for line in lines)]


class Activations:
    """When subscriptions became active, read without holding a write lock (SQLite's WAL readers don't)."""

    def __init__(self, database_url: str) -> None:
        url = make_url(database_url)
        # Cascade's engine begins every SQLite transaction IMMEDIATE (a write lock); a reader
        # polling that way would queue behind the worker and slow it down.
        self.engine = create_engine(url) if url.get_backend_name() == "sqlite" else make_engine(database_url)
        self.session = sessionmaker(self.engine)

    def started(self, subscription_ids: Sequence[int]) -> dict[int, float]:
        """When each of these subscriptions that is active now was started (wall time)."""
        with self.session() as session:
            rows = session.execute(select(Subscription.id, Subscription.started_at).where(
                Subscription.id.in_(subscription_ids), Subscription.status == SubscriptionStatus.ACTIVE))
            return {row.id: row.started_at.timestamp() for row in rows}

    def emails_pending(self) -> int:
        """Outbox emails the worker has not sent yet."""
        with self.session() as session:
            return session.scalar(select(func.count()).select_from(OutboxEmail).where(
                OutboxEmail.status == EmailStatus.PENDING)) or 0

    def wait_idle(self, worker: subprocess.Popen[bytes]) -> float:
        """Wait until the worker has sent every email the orders queued; return when (wall time)."""
        wait_for(lambda: self.emails_pending() == 0, "the emails", worker, 0.02)
        return time.time()


# --- the measurements -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Timed:
    """Latencies (s) of a batch, and its span from the first start to the last end."""

    latencies: list[float]
    span: float

    @property
    def per_second(self) -> float:
        """Items per second over the span."""
        return len(self.latencies) / self.span

    def quantile(self, q: float) -> float:
        """The latency below which a fraction ``q`` of the batch falls (nearest rank)."""
        ordered = sorted(self.latencies)
        return ordered[min(int(q * len(ordered)), len(ordered) - 1)]


def timed(pairs: Sequence[tuple[float, float]]) -> Timed:
    """Timings of (start, end) pairs."""
    return Timed([end - start for start, end in pairs], max(end for _, end in pairs) - min(start for start, _ in pairs))


def orders_one_at_a_time(session: Session, shop: Shop, seen: Activations, worker: subprocess.Popen[bytes],
                         count: int) -> Timed:
    """Place an order, wait until it is active and its emails are sent; ``count`` times."""
    pairs = []
    for _ in range(count):
        placed_at, subscription_id = place(session, shop)
        wait_for(lambda id_=subscription_id: id_ in seen.started([id_]), "an order", worker, 0.005)
        pairs.append((placed_at, seen.started([subscription_id])[subscription_id]))
        seen.wait_idle(worker)  # its emails too: the next order finds the worker idle
    return timed(pairs)


def pings_one_at_a_time(pings: Pings, worker: subprocess.Popen[bytes], count: int) -> Timed:
    """Publish a no-op task and wait until it ran; ``count`` times."""
    before = len(pings.runs())
    for n in range(count):
        pings.send()
        wait_for(lambda ran=before + n: len(pings.runs()) > ran, "a ping", worker, 0.005)
    return timed(pings.runs()[before:])


def orders_in_a_burst(session: Session, shop: Shop, seen: Activations, worker: subprocess.Popen[bytes],
                      count: int) -> tuple[Timed, float]:
    """Place ``count`` orders back to back; return their timings and the span until their emails were sent."""
    placed: dict[int, float] = {}
    for _ in range(count):
        placed_at, subscription_id = place(session, shop)
        placed[subscription_id] = placed_at
    ids = list(placed)
    wait_for(lambda: len(seen.started(ids)) == count, f"{count} orders", worker, 0.05)
    started = seen.started(ids)
    everything_sent = seen.wait_idle(worker)
    return timed([(placed[id_], started[id_]) for id_ in ids]), everything_sent - min(placed.values())


def pings_in_a_burst(pings: Pings, worker: subprocess.Popen[bytes], count: int) -> Timed:
    """Publish ``count`` no-op tasks back to back, then wait until all ran."""
    before = len(pings.runs())
    for _ in range(count):
        pings.send()
    wait_for(lambda: len(pings.runs()) >= before + count, f"{count} pings", worker, 0.05)
    return timed(pings.runs()[before:])


def in_process(engine: Engine, shop: Shop, count: int) -> tuple[list[float], list[float]]:
    """Time ``place_order`` + commit, then claim/call/record, for ``count`` orders (nothing published)."""
    placing, provisioning = [], []
    with make_session_factory(engine)() as session:  # not the app's: no dispatch, no broker
        request_ids = []
        for _ in range(count):
            started = time.perf_counter()
            _, subscription_id = place(session, shop)
            placing.append(time.perf_counter() - started)
            request_ids.append(session.scalar(select(ProvisioningRequest.id).where(
                ProvisioningRequest.subscription_id == subscription_id)))
        for request_id in request_ids:
            started = time.perf_counter()
            claim = claim_request(session, request_id)
            session.commit()
            assert claim is not None
            record_answer(session, request_id, claim.attempt, call_product(claim))
            session.commit()
            provisioning.append(time.perf_counter() - started)
    return placing, provisioning


def ms(seconds: float) -> str:
    """Seconds as milliseconds in a column of 8."""
    return f"{seconds * 1000:8.1f}"


def row(label: str, measured: Timed, unit: str | None = None) -> None:
    """One line of latencies, and the rate in ``unit`` per second when it means something."""
    rate = f"{measured.per_second:10.1f} {unit}/s" if unit else ""
    print(f"  {label:<30}{ms(measured.quantile(0.5))}{ms(measured.quantile(0.95))}{ms(max(measured.latencies))}{rate}")


@dataclass(frozen=True)
class Results:
    """Everything one pass measured."""

    paced_orders: Timed
    paced_pings: Timed
    burst_orders: Timed
    #: From the first order placed to the last of the burst's emails sent.
    burst_with_emails: float
    burst_pings: Timed
    placing: list[float]
    provisioning: list[float]


def measure(stack: Stack, site: Path, args: argparse.Namespace) -> Results:
    """Build the platform, run a worker, and take every measurement of one pass."""
    app: Flask = create_app({"database_url": stack.database_url, "broker_url": stack.broker_url,
                             "instance_path": stack.directory, "log_level": "WARNING"})
    engine = db.state(app).engine
    shop = build(engine)
    celery: Celery = app.extensions["celery"]
    celery.control.purge()
    pings, seen = Pings(celery, stack.directory), Activations(stack.database_url)
    began = time.perf_counter()
    try:
        with running_worker(stack, site, args.concurrency) as worker, app.app_context():
            pings.send()
            wait_for(lambda: len(pings.runs()) > 0, "the worker to start", worker, 0.05)
            print(f"  worker ready in {time.perf_counter() - began:.1f} s")
            session = db.session  # the app's: its commits publish, as the web app's do
            orders_one_at_a_time(session, shop, seen, worker, WARMUP)
            pings_one_at_a_time(pings, worker, WARMUP)
            paced_orders = orders_one_at_a_time(session, shop, seen, worker, args.paced)
            paced_pings = pings_one_at_a_time(pings, worker, args.paced)
            burst_orders, with_emails = orders_in_a_burst(session, shop, seen, worker, args.orders)
            burst_pings = pings_in_a_burst(pings, worker, args.orders)
        placing, provisioning = in_process(engine, shop, args.orders)
    finally:
        seen.engine.dispose()
        celery.control.purge()
        engine.dispose()
    return Results(paced_orders, paced_pings, burst_orders, with_emails, burst_pings, placing, provisioning)


def report(results: Results, args: argparse.Namespace) -> None:
    """Print one pass's table: latencies and rates, each against its baseline."""
    paced_orders, paced_pings = results.paced_orders, results.paced_pings
    print(f"  {'':<30}{'p50 ms':>8}{'p95 ms':>8}{'max ms':>8}{'rate':>10}")
    print(f"  one at a time ({args.paced}):")
    row("order to active", paced_orders)
    row("no-op task round trip", paced_pings)
    print(f"  {'ratio (order / task)':<30}{paced_orders.quantile(0.5) / paced_pings.quantile(0.5):7.1f}x"
          f"{paced_orders.quantile(0.95) / paced_pings.quantile(0.95):7.1f}x")
    print(f"  burst of {args.orders} (rate: first placed/sent to last active/run):")
    row("order to active", results.burst_orders, "orders")
    print(f"  {'... and their emails sent':<30}{'':24}{args.orders / results.burst_with_emails:10.1f} orders/s")
    row("no-op task", results.burst_pings, "tasks")
    ratio = results.burst_pings.per_second / results.burst_orders.per_second
    print(f"  {'ratio (tasks/s / orders/s)':<30}{'':24}{ratio:9.1f}x")
    print(f"  in process, no broker, no worker ({args.orders} orders), median ms:")
    print(f"  {'place_order + commit':<30}{ms(statistics.median(results.placing))}")
    print(f"  {'claim + call + record':<30}{ms(statistics.median(results.provisioning))}")


def run(stack: Stack, site: Path, args: argparse.Namespace) -> None:
    """Measure one pass and print its table."""
    print(f"\n== {stack.title}, worker concurrency {args.concurrency}")
    report(measure(stack, site, args), args)


def admin_engine(url: str) -> Engine:
    """An autocommit engine on the server's ``postgres`` database, to create and drop the scratch one."""
    return make_engine(make_url(url).set(database="postgres"), isolation_level="AUTOCOMMIT",
                       connect_args={"connect_timeout": 5})


def run_postgres(site: Path, directory: Path, args: argparse.Namespace) -> None:
    """The PostgreSQL + Redis pass, on a scratch database created for it and dropped after."""
    url = make_url(args.postgres_url)
    name = url.database or ""
    admin = admin_engine(args.postgres_url)
    try:
        with admin.connect() as connection:
            version = connection.exec_driver_sql("SHOW server_version").scalar()
            connection.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            connection.exec_driver_sql(f'CREATE DATABASE "{name}"')
    except OperationalError as error:
        print(f"\n== PostgreSQL: SKIPPED, {url.render_as_string()} does not answer ({error.orig})")
        return
    try:
        stack_dir = directory / "postgres"
        stack_dir.mkdir()
        run(Stack(f"PostgreSQL {version}, broker {args.redis_url}", url.render_as_string(hide_password=False),
                  args.redis_url, stack_dir), site, args)
    finally:
        with admin.connect() as connection:
            connection.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.dispose()


def main() -> int:
    """Parse the options, then run the SQLite pass and, if asked, the PostgreSQL + Redis one."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--orders", type=int, default=200, help="orders (and no-op tasks) in the burst (200)")
    parser.add_argument("--paced", type=int, default=50, help="orders (and no-op tasks) one at a time (50)")
    parser.add_argument("--concurrency", type=int, default=2, help="worker processes (2, as `cascade worker`)")
    parser.add_argument("--postgres", action="store_true", help="also measure PostgreSQL with Redis")
    parser.add_argument("--postgres-url", default=DEFAULT_POSTGRES_URL, help="scratch database, created and dropped")
    parser.add_argument("--redis-url", default=DEFAULT_REDIS_URL, help="broker of the PostgreSQL pass")
    args = parser.parse_args()
    if args.orders < 1 or args.paced < 1 or args.concurrency < 1:
        parser.error("orders, paced and concurrency must be at least 1")
    if args.postgres and (make_url(args.postgres_url).database or "") in PROTECTED_DATABASES | {""}:
        parser.error("refusing that database: give a scratch database name")

    print(f"orders: {args.paced} one at a time, then a burst of {args.orders}; "
          f"each against as many no-op tasks through the same worker")
    with tempfile.TemporaryDirectory(prefix="cascade-bench-orders-") as scratch:
        directory = Path(scratch)
        site = directory / "site"
        install_plugin(site)
        sys.path.insert(0, str(site))  # this process loads the plugin from its entry point too
        sqlite_dir = directory / "sqlite"
        sqlite_dir.mkdir()
        run(Stack(f"SQLite {sqlite3.sqlite_version}, embedded SQLite broker", f"sqlite:///{sqlite_dir / 'cascade.db'}",
                  f"sqla+sqlite:///{sqlite_dir / 'broker.db'}", sqlite_dir), site, args)
        if args.postgres:
            run_postgres(site, directory, args)
        else:
            print("\n== PostgreSQL + Redis: skipped (pass --postgres)")
    return 0


if __name__ == "__main__":
    sys.exit(main())

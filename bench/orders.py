"""From the order's POST to its subscription active, with a real worker, each figure against a baseline of the same run.

Builds the demo platform in a fresh SQLite file with the embedded SQLite broker (and, with
``--postgres``, in a scratch PostgreSQL database it creates and drops, with Redis as the
broker), puts a product of its own on sale (installed as a distribution, like any third-party
plugin; its vendor answers ``done`` at once, so what is measured is Cascade) and has Harbour
Dental order it, as the web app's POST does: ``place_order``, then a commit. An order is active
once a real ``cascade worker`` (2 processes) has claimed its provisioning request, called the
product and recorded the answer, which sets the subscription's ``started_at``. Each order also
queues emails ("received" and "is ready", to Harbour's owners), which the worker sends.

Three measurements per database:

* the POST with and without enqueueing: ``place_order`` and the commit, timed in turn through
  the web app's session (whose commit publishes the work for the worker) and through a session
  without that, no worker running. The figure is what enqueueing adds, in ms: the difference
  of the commits' medians (the commit is where the two differ), against the POST's median.
* a pre-queued drain: the orders enqueued above wait on the broker, then a worker starts and
  activates them; activations per second run from the first activation to the last. The
  baseline is as many no-op tasks queued the same way and run by a new worker of the same
  settings, from the first run to the last. The figure is their ratio.
* one at a time: commit an order, wait until it is active and its emails are sent, then the
  next. The latency runs from the moment before the commit (the order placed) to ``started_at``;
  the baseline is the round trip of a no-op task through the same broker and worker, from the
  moment before it is published to the moment it runs. Its figure is PostgreSQL + Redis's (the
  issue's target is set there); the embedded broker's latency is in the table.

It prints a table per database, then one JSON line per figure (``bench/figures.py``).
``--quick`` is a shorter run (within 90 s with ``--postgres``); ``--smoke`` a run of a few seconds
on SQLite alone, which proves the bench works (its figures mean nothing).

Run from the repository root (never part of the test suite)::

    .venv/bin/python bench/orders.py [--quick | --smoke] [--orders 300] [--paced 50] [--concurrency 2]
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
from figures import figure
from flask import Flask
from serving import check_postgres_url, options, scratch_databases
from sqlalchemy import Engine, create_engine, func, select
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session, sessionmaker

from bss.app import create_app
from bss.migrations import upgrade_database
from core.db import make_engine, make_session_factory
from core.models.accounts import Account
from core.models.catalog import Product
from core.models.outbox import EmailStatus, OutboxEmail
from core.models.people import User
from core.models.prices import PriceList, PriceListKind
from core.models.subscriptions import Subscription, SubscriptionStatus
from core.passwords import hasher
from core.services.actors import acting_as
from core.services.demo import load_demo
from core.services.orders import LineRequest, place_order
from core.services.price_lists import set_price, set_product_offered
from web.database import db

DEFAULT_POSTGRES_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/cascade_bench_orders"
DEFAULT_REDIS_URL = "redis://127.0.0.1:6379/15"
PRODUCT_KEY = "bench-widget"
PING_TASK = "cascade_bench.ping"
#: Where the ping task writes when it ran; the bench reads it.
BENCH_DIR_VARIABLE = "CASCADE_BENCH_DIR"
#: Longest wait for the worker to start, or for a drain to end.
TIMEOUT_SECONDS = 300.0
#: Targets of issue 22.
ENQUEUE_TARGET_MS = 2.0
DRAIN_TARGET = 0.25
ONE_AT_A_TIME_TARGET_MS = 25.0

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
        """Do nothing but note when it ran, for the baselines."""
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


@dataclass(frozen=True)
class Placed:
    """An order placed: its subscription, when (wall time) its POST's work began and its commit, and
    how long (s) the POST's work and its commit took."""

    subscription_id: int
    began: float
    committing: float
    took: float
    commit_took: float


def place(session: Session, shop: Shop) -> Placed:
    """Place one order and commit, as the web app's POST does."""
    began, started = time.time(), time.perf_counter()
    buyer, account = session.get(User, shop.buyer_id), session.get(Account, shop.account_id)
    assert buyer is not None and account is not None
    order = place_order(session, actor=acting_as(session, buyer, account),
                        lines=[LineRequest(plan_id=shop.plan_id, quantity=1)], payment_method="on_account")
    committing, commit_started = time.time(), time.perf_counter()
    session.commit()
    ended = time.perf_counter()
    subscription_id = order.lines[0].subscription_id
    assert subscription_id is not None
    return Placed(subscription_id, began, committing, ended - started, ended - commit_started)


# --- the worker -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Stack:
    """Where one pass keeps its data and messages."""

    title: str
    database_url: str
    broker_url: str
    directory: Path

    @property
    def name(self) -> str:
        """How the figures name it."""
        return "SQLite + embedded broker" if self.database_url.startswith("sqlite") else "PostgreSQL + Redis"


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


class Watch:
    """What the worker did, read without holding a write lock (SQLite's WAL readers don't)."""

    def __init__(self, database_url: str) -> None:
        url = make_url(database_url)
        # Cascade's engine begins every SQLite transaction IMMEDIATE (a write lock); a reader
        # polling that way would queue behind the worker and slow it down.
        self.engine = create_engine(url) if url.get_backend_name() == "sqlite" else make_engine(database_url)
        self.session = sessionmaker(self.engine)
        #: Emails of orders placed without enqueueing: no worker hears of them.
        self.unpublished: set[int] = set()

    def started(self, subscription_ids: Sequence[int]) -> dict[int, float]:
        """When each of these subscriptions that is active now was started (wall time)."""
        with self.session() as session:
            rows = session.execute(select(Subscription.id, Subscription.started_at).where(
                Subscription.id.in_(subscription_ids), Subscription.status == SubscriptionStatus.ACTIVE))
            return {row.id: row.started_at.timestamp() for row in rows}

    def last_email_id(self) -> int:
        """The newest outbox email's id."""
        with self.session() as session:
            return session.scalar(select(func.max(OutboxEmail.id))) or 0

    def unpublished_since(self, email_id: int) -> None:
        """Leave the emails after ``email_id`` out of those the worker is waited for."""
        with self.session() as session:
            self.unpublished.update(session.scalars(select(OutboxEmail.id).where(OutboxEmail.id > email_id)))

    def emails_pending(self) -> int:
        """Outbox emails the worker has yet to send."""
        with self.session() as session:
            return session.scalar(select(func.count()).select_from(OutboxEmail).where(
                OutboxEmail.status == EmailStatus.PENDING, OutboxEmail.id.not_in(self.unpublished))) or 0

    def last_sent(self) -> float:
        """When the last email was sent (wall time)."""
        with self.session() as session:
            last = session.scalar(select(func.max(OutboxEmail.sent_at)))
            assert last is not None
            return last.timestamp()


# --- the measurements -----------------------------------------------------------------------------


def ms(seconds: float) -> str:
    """Seconds as milliseconds in a column of 9."""
    return f"{seconds * 1000:9.1f}"


def quantile(values: Sequence[float], q: float) -> float:
    """The value below which a fraction ``q`` of ``values`` falls (nearest rank)."""
    ordered = sorted(values)
    return ordered[min(int(q * len(ordered)), len(ordered) - 1)]


def rate(moments: Sequence[float]) -> float:
    """Items per second from the first of ``moments`` to the last (the first one starts the clock)."""
    return (len(moments) - 1) / max(max(moments) - min(moments), 1e-6)


@dataclass(frozen=True)
class Placing:
    """The orders placed with and without enqueueing."""

    enqueued: list[Placed]
    not_enqueued: list[Placed]

    @property
    def extra(self) -> float:
        """What enqueueing adds to the POST (s): the difference of the commits' medians, the one step
        in which the two differ (the whole POST's medians scatter more on a busy machine)."""
        return (statistics.median(placed.commit_took for placed in self.enqueued)
                - statistics.median(placed.commit_took for placed in self.not_enqueued))


def time_placing(app_session: Session, plain_session: Session, shop: Shop, seen: Watch, count: int) -> Placing:
    """Place ``count`` orders each way, in turn: through the web app's session, whose commit publishes
    the work, and through a session whose commit does not (no worker runs meanwhile)."""
    enqueued, not_enqueued = [], []
    for _ in range(count):
        enqueued.append(place(app_session, shop))
        newest = seen.last_email_id()
        not_enqueued.append(place(plain_session, shop))
        seen.unpublished_since(newest)
    return Placing(enqueued, not_enqueued)


@dataclass(frozen=True)
class Drained:
    """A pre-queued drain: items per second, and for orders per second until their emails were sent too."""

    per_second: float
    with_emails: float | None = None


def drain_orders(seen: Watch, worker: subprocess.Popen[bytes], subscription_ids: list[int]) -> Drained:
    """Wait until a new worker has activated the queued orders and sent their emails."""
    count = len(subscription_ids)
    wait_for(lambda: len(seen.started(subscription_ids)) == count, f"{count} orders", worker, 0.05)
    wait_for(lambda: seen.emails_pending() == 0, "their emails", worker, 0.05)
    started = list(seen.started(subscription_ids).values())
    return Drained(rate(started), (count - 1) / max(seen.last_sent() - min(started), 1e-6))


def drain_pings(pings: Pings, worker: subprocess.Popen[bytes], count: int, before: int) -> Drained:
    """Wait until a new worker has run the ``count`` queued pings."""
    wait_for(lambda: len(pings.runs()) >= before + count, f"{count} pings", worker, 0.05)
    return Drained(rate([ran for _, ran in pings.runs()[before:]]))


@dataclass(frozen=True)
class Paced:
    """One at a time: latencies (s) from the commit, and from before ``place_order``."""

    from_commit: list[float]
    from_post: list[float]


def orders_one_at_a_time(session: Session, shop: Shop, seen: Watch, worker: subprocess.Popen[bytes],
                         count: int) -> Paced:
    """Place an order, wait until it is active and its emails are sent; ``count`` times."""
    from_commit, from_post = [], []
    for _ in range(count):
        placed = place(session, shop)
        wait_for(lambda id_=placed.subscription_id: id_ in seen.started([id_]), "an order", worker, 0.002)
        active_at = seen.started([placed.subscription_id])[placed.subscription_id]
        from_commit.append(active_at - placed.committing)
        from_post.append(active_at - placed.began)
        wait_for(lambda: seen.emails_pending() == 0, "its emails", worker, 0.005)  # the worker idle again
    return Paced(from_commit, from_post)


def pings_one_at_a_time(pings: Pings, worker: subprocess.Popen[bytes], count: int) -> list[float]:
    """Publish a no-op task and wait until it ran, ``count`` times; return the round trips (s)."""
    before = len(pings.runs())
    for n in range(count):
        pings.send()
        wait_for(lambda ran=before + n: len(pings.runs()) > ran, "a ping", worker, 0.002)
    return [ran - sent for sent, ran in pings.runs()[before:]]


@dataclass(frozen=True)
class Results:
    """Everything one pass measured."""

    stack: Stack
    placing: Placing
    orders: Drained
    pings: Drained
    paced_orders: Paced
    paced_pings: list[float]


def measure(stack: Stack, site: Path, args: argparse.Namespace) -> Results:
    """Build the platform and take every measurement of one pass."""
    app: Flask = create_app({"database_url": stack.database_url, "broker_url": stack.broker_url,
                             "instance_path": stack.directory, "log_level": "WARNING"})
    engine = db.state(app).engine
    shop = build(engine)
    celery: Celery = app.extensions["celery"]
    celery.control.purge()
    pings, seen = Pings(celery, stack.directory), Watch(stack.database_url)
    try:
        with app.app_context(), make_session_factory(engine)() as plain_session:
            session = db.session  # the web app's: its commits publish
            placing = time_placing(session, plain_session, shop, seen, args.orders)
            began = time.perf_counter()
            with running_worker(stack, site, args.concurrency) as worker:
                orders = drain_orders(seen, worker, [placed.subscription_id for placed in placing.enqueued])
                print(f"  the worker drained {args.orders} orders {time.perf_counter() - began:.1f} s after it was started")
                orders_one_at_a_time(session, shop, seen, worker, args.warmup)
                pings_one_at_a_time(pings, worker, args.warmup)
                paced_orders = orders_one_at_a_time(session, shop, seen, worker, args.paced)
                paced_pings = pings_one_at_a_time(pings, worker, args.paced)
            before = len(pings.runs())
            for _ in range(args.orders):
                pings.send()
            with running_worker(stack, site, args.concurrency) as worker:
                drained_pings = drain_pings(pings, worker, args.orders, before)
    finally:
        seen.engine.dispose()
        celery.control.purge()
        engine.dispose()
    return Results(stack, placing, orders, drained_pings, paced_orders, paced_pings)


def report(results: Results, args: argparse.Namespace) -> None:
    """Print one pass's table."""
    placing, paced = results.placing, results.paced_orders
    print(f"  {'':<44}{'p50 ms':>9}{'p95 ms':>9}{'rate':>12}")
    print(f"  the POST (place_order + commit), {args.orders} each way:")
    for label, placed in (("enqueueing for the worker", placing.enqueued), ("not enqueueing", placing.not_enqueued)):
        for what, took in (("", [p.took for p in placed]), (", its commit", [p.commit_took for p in placed])):
            print(f"  {f'  {label}{what}':<44}{ms(statistics.median(took))}{ms(quantile(took, 0.95))}")
    print(f"  {'  extra for enqueueing (difference of p50s)':<44}{ms(placing.extra)}")
    print(f"  pre-queued drain of {args.orders}, first to last, by a new worker:")
    print(f"  {'  orders activated':<44}{'':18}{results.orders.per_second:8.1f} /s")
    print(f"  {'  ... and their emails sent':<44}{'':18}{results.orders.with_emails or 0:8.1f} /s")
    print(f"  {'  no-op tasks run':<44}{'':18}{results.pings.per_second:8.1f} /s")
    print(f"  {'  ratio activations / no-op tasks':<44}{'':18}{results.orders.per_second / results.pings.per_second:8.3f}")
    print(f"  one at a time ({args.paced}):")
    print(f"  {'  order to active, from the commit':<44}{ms(statistics.median(paced.from_commit))}"
          f"{ms(quantile(paced.from_commit, 0.95))}")
    print(f"  {'  order to active, from before place_order':<44}{ms(statistics.median(paced.from_post))}"
          f"{ms(quantile(paced.from_post, 0.95))}")
    print(f"  {'  no-op task round trip':<44}{ms(statistics.median(results.paced_pings))}"
          f"{ms(quantile(results.paced_pings, 0.95))}")


def figures(results: Results) -> None:
    """Print one pass's figures as JSON lines."""
    name = results.stack.name
    figure(f"order POST, extra time to enqueue ({name})", results.placing.extra * 1000,
           statistics.median(placed.took for placed in results.placing.not_enqueued) * 1000, ENQUEUE_TARGET_MS,
           at_least=False, absolute=True, unit="ms")
    figure(f"activations vs no-op tasks per second, pre-queued drain ({name})", results.orders.per_second,
           results.pings.per_second, DRAIN_TARGET, unit="per s")
    if not results.stack.database_url.startswith("sqlite"):
        figure(f"order to active, one at a time, from the commit ({name})",
               statistics.median(results.paced_orders.from_commit) * 1000, statistics.median(results.paced_pings) * 1000,
               ONE_AT_A_TIME_TARGET_MS, at_least=False, absolute=True, unit="ms")


def run(stack: Stack, site: Path, args: argparse.Namespace) -> Results:
    """Measure one pass and print its table."""
    print(f"\n== {stack.title}, worker concurrency {args.concurrency}")
    results = measure(stack, site, args)
    report(results, args)
    return results


def run_postgres(site: Path, directory: Path, args: argparse.Namespace) -> Results | None:
    """The PostgreSQL + Redis pass, on a scratch database created for it and dropped after."""
    url = make_url(args.postgres_url)
    with scratch_databases(args.postgres_url, (url.database or "",)) as scratch:
        if scratch is None:
            return None
        stack_dir = directory / "postgres"
        stack_dir.mkdir()
        return run(Stack(f"PostgreSQL {scratch[1]}, broker {args.redis_url}", url.render_as_string(hide_password=False),
                         args.redis_url, stack_dir), site, args)


def main() -> int:
    """Parse the options, run the SQLite pass and, if asked, the PostgreSQL + Redis one, then print the figures."""
    parser = options(__doc__.splitlines()[0], DEFAULT_POSTGRES_URL)
    parser.add_argument("--orders", type=int, default=300, help="orders (and no-op tasks) drained (300)")
    parser.add_argument("--paced", type=int, default=50, help="orders (and no-op tasks) one at a time (50)")
    parser.add_argument("--concurrency", type=int, default=2, help="worker processes (2, as `cascade worker`)")
    parser.add_argument("--redis-url", default=DEFAULT_REDIS_URL, help="broker of the PostgreSQL pass")
    args = parser.parse_args()
    args.warmup = 5
    if args.quick:
        args.orders, args.paced = 80, 15
    if args.smoke:
        args.orders, args.paced, args.warmup, args.postgres = 4, 2, 1, False
    if args.orders < 2 or args.paced < 1 or args.concurrency < 1:
        parser.error("orders must be at least 2, paced and concurrency at least 1")
    check_postgres_url(parser, args)

    print(f"orders: the POST with and without enqueueing, {args.orders} each; a drain of {args.orders} queued orders "
          f"and of as many no-op tasks; {args.paced} orders and no-op tasks one at a time")
    with tempfile.TemporaryDirectory(prefix="cascade-bench-orders-") as scratch:
        directory = Path(scratch)
        site = directory / "site"
        install_plugin(site)
        sys.path.insert(0, str(site))  # this process loads the plugin from its entry point too
        sqlite_dir = directory / "sqlite"
        sqlite_dir.mkdir()
        passes = [run(Stack(f"SQLite {sqlite3.sqlite_version}, embedded SQLite broker",
                            f"sqlite:///{sqlite_dir / 'cascade.db'}", f"sqla+sqlite:///{sqlite_dir / 'broker.db'}",
                            sqlite_dir), site, args)]
        if args.postgres:
            passes.append(run_postgres(site, directory, args))
        else:
            print("\n== PostgreSQL + Redis: skipped (pass --postgres)")
    print()
    for results in passes:
        if results is not None:
            figures(results)
    return 0


if __name__ == "__main__":
    sys.exit(main())

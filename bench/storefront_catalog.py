"""The storefront's catalog page under load, for a visitor and for a signed-in customer, against a bare Flask "hello world".

Builds the demo platform in a fresh SQLite file (and, with ``--postgres``, in scratch PostgreSQL
databases it creates and drops, with Redis as the broker). Northwind sells only a catalog of its
own: 50 plans in 5 products, from a plugin installed as a distribution like any third party's,
priced wholesale, which Bright IT resells on its Standard storefront at its demo markup. The
database then holds 10 storefronts; a copy of it is grown to 10,000 (resellers and live
storefronts bulk-inserted). Three gunicorn servers run side by side with the same options: the
real app on each database, and a bare Flask app answering "Hello, World!". Harbour Dental's owner,
a customer of Bright IT, signs in once on each catalog server through the shop's sign-in form.
``wrk``, another process, then loads in turn, round after round, the catalog as a visitor sees it
(no cookie: the kept page), the catalog as the signed-in customer sees it (its session cookie on
every request: rendered for it), on both databases, and hello world; taking turns spreads
whatever else the machine does over all of them alike. The memory of the web workers is read
after the load.

It prints a table, then one JSON line per figure (``bench/figures.py``), each from the round with
its median ratio: each catalog against hello world, the time of a page with 10,000 storefronts
against 10, and the workers' memory. ``--quick`` is a shorter run (within 90 s per database);
``--smoke`` a run of a few seconds on 10 and 20 storefronts, with a handful of requests sent one
after the other instead of ``wrk`` (which it does without), that proves the bench works (its
figures mean nothing). ``--profile`` adds a pyinstrument profile of the signed-in customer's
page, served in process.

Run from the repository root (never part of the test suite)::

    apt-get install wrk                     # the load generator (Debian's package)
    .venv/bin/pip install pyinstrument      # only for --profile
    .venv/bin/python bench/storefront_catalog.py [--quick | --smoke] [--rounds 5] [--duration 4] [--workers 2]
        [--threads 4] [--connections 8] [--profile] [--postgres]
        [--postgres-url postgresql+psycopg://postgres@127.0.0.1:5432/cascade_bench_catalog]
"""

from __future__ import annotations

import argparse
import http.client
import re
import secrets
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import textwrap
import time
from collections.abc import Callable
from contextlib import ExitStack
from dataclasses import dataclass
from pathlib import Path

from argon2 import PasswordHasher, profiles
from figures import figure
from serving import (
    REDIS_URL,
    Server,
    app_env,
    ask,
    check_postgres_url,
    form_token,
    get,
    median_round,
    options,
    scratch_databases,
    served,
    sign_in,
    workers_rss_mib,
)
from sqlalchemy import Engine, event, func, insert, select
from sqlalchemy.engine import make_url

from bss.migrations import upgrade_database
from core.clock import utcnow
from core.db import make_engine, make_session_factory
from core.models.accounts import Account, AccountKind
from core.models.catalog import Plan, Product
from core.models.people import User
from core.models.prices import PriceList, PriceListKind
from core.models.storefronts import Storefront, StorefrontStatus
from core.passwords import hasher
from core.plugins import load_plugins
from core.services.actors import acting_as
from core.services.demo import DEMO_PASSWORD, load_demo
from core.services.orders import LineRequest, place_order
from core.services.price_lists import set_price, set_product_offered
from core.services.provisioning import provision_pending_now
from core.services.storefront_hosts import find_storefront

DEFAULT_POSTGRES_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/cascade_bench_catalog"
PRODUCTS, PLANS_PER_PRODUCT = 5, 10
SHOP_HOST, CATALOG_PATH = "bright.shop.localhost", "/products"
#: The storefront's session cookie (``storefront.app.SESSION_COOKIE_NAME``).
SHOP_COOKIE = "shop_session"
#: A customer of Bright IT, and what its catalog says that a visitor's does not.
CUSTOMER, SIGNED_IN_MARK = "owner@harbour.example", "Prices for Harbour Dental"
STOREFRONT_COUNTS = (10, 10_000)
SMOKE_STOREFRONT_COUNTS = (10, 20)
#: The targets of the issue: each catalog against hello world (at least), a page with many
#: storefronts against few (at most), a worker's memory in MiB (at most).
VISITOR_TARGET, SIGNED_IN_TARGET, FLAT_TARGET, MEMORY_TARGET_MIB = 0.60, 0.15, 1.1, 150

#: The catalog's plugin, as a third party would ship it: 5 products of 10 monthly plans each.
PLUGIN = textwrap.dedent(f'''\
    """A catalog for the storefront benchmark: {PRODUCTS} products of {PLANS_PER_PRODUCT} plans, each with a cost."""

    from core.models.catalog import BillingPeriod
    from core.money import Money
    from core.plugins import hookimpl
    from core.products import PlanSpec, ProductType


    def _product(n):
        plans = tuple(PlanSpec(code=f"plan-{{p:02}}", name=f"Bench plan {{n}}-{{p:02}}", billing_period=BillingPeriod.MONTHLY,
                               rank=p, features={{"seats": p * 5, "support": "business hours" if p < 5 else "24/7"}},
                               cost_price=Money(f"{{n}}.{{p:02}}", "EUR"))
                      for p in range(1, {PLANS_PER_PRODUCT} + 1))
        return type(f"BenchProduct{{n}}", (ProductType,), {{
            "key": f"bench-product-{{n}}", "name": f"Bench product {{n}}", "unit": "seat", "plans": plans,
            "description": f"Bench product number {{n}}, for the catalog benchmark.",
        }})()


    @hookimpl
    def register_product_types():
        return [_product(n) for n in range(1, {PRODUCTS} + 1)]
''')

#: The baseline: the least a Flask app can do.
HELLO = textwrap.dedent('''\
    from flask import Flask

    app = Flask(__name__)


    @app.get("/")
    def hello():
        return "Hello, World!"
''')


def install_site(site: Path) -> None:
    """Lay the plugin out under ``site`` as pip would (module + dist-info with its entry point), and the hello app."""
    site.mkdir(parents=True, exist_ok=True)
    (site / "cascade_bench_catalog.py").write_text(PLUGIN)
    dist_info = site / "cascade_bench_catalog-1.0.dist-info"
    dist_info.mkdir(exist_ok=True)
    (dist_info / "METADATA").write_text("Metadata-Version: 2.1\nName: cascade-bench-catalog\nVersion: 1.0\n")
    (dist_info / "entry_points.txt").write_text("[cascade.plugins]\nbench_catalog = cascade_bench_catalog\n")
    (site / "bench_hello.py").write_text(HELLO)


# --- the platform ---------------------------------------------------------------------------------


def build(engine: Engine) -> list[str]:
    """Migrate, load the demo, put Bright IT on Standard and the bench catalog on sale alone; return the plan names."""
    upgrade_database(engine)
    load_plugins()
    with make_session_factory(engine)() as session, hasher(PasswordHasher.from_parameters(profiles.CHEAPEST)):
        load_demo(session)  # syncs the catalog, the bench products included
        accounts = {account.slug: account for account in session.scalars(select(Account))}
        northwind = accounts["northwind"]
        admin = session.scalar(select(User).where(User.email == "admin@northwind.example"))
        standard = session.scalar(select(Plan).where(Plan.code == "standard", Plan.product.has(key="reseller-plan")))
        assert admin is not None and standard is not None
        place_order(session, actor=acting_as(session, admin, northwind), owner_id=accounts["bright"].id,
                    payment_method="on_account", lines=[LineRequest(standard.id)])
        provision_pending_now(session)  # Bright IT's storefront opens
        wholesale = session.scalar(select(PriceList).where(PriceList.seller_id == northwind.id,
                                                           PriceList.kind == PriceListKind.WHOLESALE))
        names = []
        for product in session.scalars(select(Product).order_by(Product.key)):
            bench = product.key.startswith("bench-product-")
            if product.key != "reseller-plan":  # the demo's products leave the shelves: 50 plans on sale
                set_product_offered(session, distributor=northwind, product=product, offered=bench, by=None)
            if bench:
                for plan in product.plans:
                    set_price(session, price_list=wholesale, plan=plan, by=None,
                              unit_price=str(plan.cost_price.amount * 2))
                    names.append(plan.name)
        session.commit()
    assert len(names) == PRODUCTS * PLANS_PER_PRODUCT, f"the bench plugin gave {len(names)} plans"
    return names


def add_storefronts(engine: Engine, total: int) -> None:
    """Bulk-insert resellers under Northwind, each with a live storefront, until ``total`` storefronts exist."""
    with make_session_factory(engine)() as session:
        have = session.scalar(select(func.count()).select_from(Storefront)) or 0
        northwind = session.scalar(select(Account).where(Account.slug == "northwind"))
        assert northwind is not None
        first_id = (session.scalar(select(func.max(Account.id))) or 0) + 1
        now = utcnow()
        accounts, storefronts = [], []
        for n in range(total - have):
            account_id = first_id + n
            accounts.append({"id": account_id, "kind": AccountKind.RESELLER, "parent_id": northwind.id,
                             "name": f"Reseller {account_id}", "slug": f"reseller-{account_id}",
                             "path": f"{northwind.path}{account_id}/", "reselling_enabled": True, "addons": [],
                             "service_manager_active": False})
            storefronts.append({"account_id": account_id, "status": StorefrontStatus.LIVE, "entitlements": [],
                                "opened_at": now})
        for start in range(0, len(accounts), 2000):
            session.execute(insert(Account), accounts[start:start + 2000])
            session.execute(insert(Storefront), storefronts[start:start + 2000])
        session.commit()
        assert session.scalar(select(func.count()).select_from(Storefront)) == total


# --- serving --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Stack:
    """One database server's pass: a database with few storefronts and a copy of it with many."""

    title: str
    few_url: str
    many_url: str
    broker_url: str
    directory: Path


# --- talking to it --------------------------------------------------------------------------------


# --- loading --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Target:
    """One page under load: what it is called in the table, the server, the page, the host and the cookie sent."""

    label: str
    server: Server
    path: str
    host: str
    cookie: str = ""


def wrk(target: Target, seconds: int, connections: int) -> float:
    """Load ``target`` from another process (wrk) for ``seconds`` on ``connections`` keep-alive connections; req/s."""
    command = ["wrk", "--threads", "1", "--connections", str(connections), "--duration", f"{seconds}s",
               "-H", f"Host: {target.host}"]
    if target.cookie:
        command += ["-H", f"Cookie: {target.cookie}"]
    out = subprocess.run([*command, f"http://127.0.0.1:{target.server.port}{target.path}"],
                         check=True, capture_output=True, text=True).stdout
    if bad := re.search(r"Non-2xx or 3xx responses: (\d+)", out):
        raise SystemExit(f"{bad.group(1)} answers of {target.label} were errors:\n{out}")
    rate = re.search(r"Requests/sec:\s+([\d.]+)", out)
    assert rate, out
    return float(rate.group(1))


def sequential(target: Target, requests: int) -> float:
    """Send ``requests`` requests one after the other on one connection (the smoke run's load); req/s."""
    connection = http.client.HTTPConnection("127.0.0.1", target.server.port, timeout=60)
    try:
        started = time.perf_counter()
        for _ in range(requests):
            answer = ask(connection, "GET", target.path, target.host, target.cookie)
            if answer.status != 200:
                raise SystemExit(f"{target.label} answered {answer.status}")
        return requests / (time.perf_counter() - started)
    finally:
        connection.close()


def check_catalog(server: Server, plans: list[str], cookie: str = "") -> None:
    """The catalog lists every plan on sale; with a customer's ``cookie``, priced for that customer."""
    answer = get(server.port, CATALOG_PATH, SHOP_HOST, cookie)
    if answer.status != 200:
        raise SystemExit(f"{SHOP_HOST}{CATALOG_PATH} answered {answer.status}")
    missing = [name for name in plans if f">{name}<" not in answer.body]
    if missing:
        raise SystemExit(f"{CATALOG_PATH} does not list {len(missing)} of the plans, e.g. {missing[0]}")
    if cookie and SIGNED_IN_MARK not in answer.body:
        raise SystemExit(f"{CATALOG_PATH} is not the signed-in customer's page")


@dataclass
class Measured:
    """What one database's pass measured: each target's rate per round, and the workers' memory."""

    title: str
    rates: dict[str, list[float]]
    catalog_rss_mib: float = 0.0
    hello_rss_mib: float = 0.0


VISITOR_FEW, VISITOR_MANY, CUSTOMER_FEW, CUSTOMER_MANY, HELLO_WORLD = (
    "visitor, few storefronts", "visitor, many storefronts", "signed in, few storefronts",
    "signed in, many storefronts", "hello world")


def measure(stack: Stack, site: Path, plans: list[str], args: argparse.Namespace) -> Measured:
    """Serve the catalog on both databases and hello world, all at once; load each page in turn, round after round.

    Taking turns in short runs spreads whatever else the machine does over them all alike, so
    the ratios of a round hold even when the absolute rates drift.
    """
    with ExitStack() as running:
        def serve(app: str, database_url: str, log: str) -> Server:
            env = app_env(database_url, stack.broker_url, stack.directory, site)
            return running.enter_context(served(app, env, args.workers, args.threads, stack.directory / log))

        few, many = (serve("bss:create_app()", url, f"catalog-{name}.log")
                     for url, name in ((stack.few_url, "few"), (stack.many_url, "many")))
        hello = serve("bench_hello:app", stack.few_url, "hello.log")
        check_catalog(few, plans)
        check_catalog(many, plans)
        assert get(hello.port, "/", "127.0.0.1").body == "Hello, World!"
        cookies = {server: sign_in(server.port, SHOP_HOST, "/sign-in", SHOP_COOKIE, CUSTOMER) for server in (few, many)}
        for server, cookie in cookies.items():
            check_catalog(server, plans, cookie)
        targets = [Target(VISITOR_FEW, few, CATALOG_PATH, SHOP_HOST), Target(VISITOR_MANY, many, CATALOG_PATH, SHOP_HOST),
                   Target(CUSTOMER_FEW, few, CATALOG_PATH, SHOP_HOST, cookies[few]),
                   Target(CUSTOMER_MANY, many, CATALOG_PATH, SHOP_HOST, cookies[many]),
                   Target(HELLO_WORLD, hello, "/", "127.0.0.1")]
        load: Callable[[Target], float] = ((lambda target: sequential(target, 5)) if args.smoke
                                           else (lambda target: wrk(target, args.duration, args.connections)))
        if not args.smoke:
            for target in targets:
                wrk(target, 1, args.connections)  # warm-up: every worker has loaded what it keeps
        measured = Measured(stack.title, {target.label: [] for target in targets})
        for n in range(args.rounds):
            for target in targets[n % len(targets):] + targets[:n % len(targets)]:  # each round starts elsewhere
                measured.rates[target.label].append(load(target))
            print(f"  round {n + 1}/{args.rounds}: " + ", ".join(
                f"{label} {rates[-1]:.1f}" for label, rates in measured.rates.items()) + " req/s")
        measured.catalog_rss_mib = max(workers_rss_mib(few), workers_rss_mib(many))
        measured.hello_rss_mib = workers_rss_mib(hello)
    return measured


def report(stack: Stack, measured: Measured, args: argparse.Namespace) -> None:
    """The table: each page's median rate over the rounds, the median of each round's ratios, the memory."""
    few, many = STOREFRONT_COUNTS if not args.smoke else SMOKE_STOREFRONT_COUNTS
    print(f"\n== {stack.title}: {SHOP_HOST}{CATALOG_PATH}, {PRODUCTS * PLANS_PER_PRODUCT} plans; few = {few} storefronts, "
          f"many = {many}; gunicorn --workers {args.workers} --threads {args.threads}; "
          + ("a few requests each (smoke)" if args.smoke else
             f"wrk 1 thread, {args.connections} connections; {args.rounds} rounds of {args.duration} s each"))
    rates = measured.rates
    hello = rates[HELLO_WORLD]
    print(f"  {'':<30}{'req/s':>10}{'of hello':>10}   req/s of each round")
    for label, each in rates.items():
        of_hello = statistics.median(a / b for a, b in zip(each, hello, strict=True))
        print(f"  {label:<30}{statistics.median(each):>10.1f}{of_hello:>10.1%}   {' '.join(f'{r:.0f}' for r in each)}")
    for who, at_few, at_many in (("visitor", VISITOR_FEW, VISITOR_MANY), ("signed in", CUSTOMER_FEW, CUSTOMER_MANY)):
        slower = statistics.median(a / b for a, b in zip(rates[at_few], rates[at_many], strict=True))
        print(f"  {who}: a page with {many} storefronts takes {slower:.2f}x the time of one with {few}")
    print(f"  largest web worker: {measured.catalog_rss_mib:.0f} MiB (hello world's: {measured.hello_rss_mib:.0f} MiB)")


def figures(measured: Measured) -> None:
    """One JSON line per figure of the issue, each from the round with its median ratio."""
    rates = measured.rates
    where = measured.title.split()[0]

    def page_ms(label: str) -> list[float]:
        return [1000 / rate for rate in rates[label]]

    figure(f"catalog for a visitor vs hello world ({where})", *median_round(rates[VISITOR_MANY], rates[HELLO_WORLD]),
           VISITOR_TARGET, unit="req/s")
    figure(f"catalog for a visitor, page time with many vs few storefronts ({where})",
           *median_round(page_ms(VISITOR_MANY), page_ms(VISITOR_FEW)), FLAT_TARGET, at_least=False, unit="ms")
    figure(f"catalog for a signed-in customer vs hello world ({where})",
           *median_round(rates[CUSTOMER_MANY], rates[HELLO_WORLD]), SIGNED_IN_TARGET, unit="req/s")
    figure(f"catalog for a signed-in customer, page time with many vs few storefronts ({where})",
           *median_round(page_ms(CUSTOMER_MANY), page_ms(CUSTOMER_FEW)), FLAT_TARGET, at_least=False, unit="ms")
    figure(f"web worker memory after the load ({where})", measured.catalog_rss_mib, measured.hello_rss_mib,
           MEMORY_TARGET_MIB, at_least=False, absolute=True, unit="MiB")


def host_lookups(stack: Stack, blocks: int, calls: int = 200) -> tuple[float, float]:
    """The median time (µs) of ``find_storefront`` for Bright IT's host on each database, in alternating blocks."""
    engines = [make_engine(url) for url in (stack.few_url, stack.many_url)]
    timings: list[list[float]] = [[], []]
    try:
        sessions = [make_session_factory(engine)() for engine in engines]
        for _ in range(blocks):
            for session, timing in zip(sessions, timings, strict=True):
                started = time.perf_counter()
                for _ in range(calls):
                    assert find_storefront(session, SHOP_HOST, "shop.localhost") is not None
                    session.expunge_all()  # every request starts with an empty identity map
                timing.append((time.perf_counter() - started) / calls * 1e6)
                session.rollback()
        for session in sessions:
            session.close()
    finally:
        for engine in engines:
            engine.dispose()
    return statistics.median(timings[0]), statistics.median(timings[1])


def profile(stack: Stack, requests: int = 300) -> None:
    """Profile ``requests`` catalog pages of the signed-in customer, served in process (pyinstrument), on many storefronts."""
    try:
        from pyinstrument import Profiler
    except ImportError:
        print("  --profile needs pyinstrument: .venv/bin/pip install pyinstrument")
        return
    from bss.app import create_app
    from web.database import db

    app = create_app({"env": "production", "database_url": stack.many_url, "secret_key": secrets.token_urlsafe(48),
                      "broker_url": stack.broker_url, "instance_path": stack.directory / "instance",
                      "log_level": "WARNING"})
    client, shop = app.test_client(), f"http://{SHOP_HOST}"
    token = form_token(client.get("/sign-in", base_url=shop).get_data(as_text=True))
    signed_in = client.post("/sign-in", base_url=shop, data={"email": CUSTOMER, "password": DEMO_PASSWORD,
                                                              "csrf_token": token})
    assert signed_in.status_code == 302, signed_in.status_code
    for _ in range(20):
        assert SIGNED_IN_MARK in client.get(CATALOG_PATH, base_url=shop).get_data(as_text=True)
    statements = []
    event.listen(db.state(app).engine, "before_cursor_execute", lambda *_: statements.append(1))
    started = time.perf_counter()
    profiler = Profiler(interval=0.0005)
    profiler.start()
    for _ in range(requests):
        client.get(CATALOG_PATH, base_url=shop)
    profiler.stop()
    each = (time.perf_counter() - started) / requests
    print(f"\n  profile of {requests} x {SHOP_HOST}{CATALOG_PATH} signed in, in process: {each * 1000:.1f} ms and "
          f"{len(statements) / requests:.0f} SQL statements per page (profiler included)")
    print(textwrap.indent(profiler.output_text(unicode=True, color=False, show_all=False), "  "))
    db.state(app).engine.dispose()


def build_both(stack: Stack, copy: Callable[[], None], counts: tuple[int, int]) -> list[str]:
    """Build the platform with few storefronts, ``copy`` it, and grow the copy to many; return the plan names."""
    engine = make_engine(stack.few_url)
    try:
        plans = build(engine)
        add_storefronts(engine, counts[0])
    finally:
        engine.dispose()
    copy()
    engine = make_engine(stack.many_url)
    try:
        add_storefronts(engine, counts[1])
    finally:
        engine.dispose()
    return plans


def run(stack: Stack, site: Path, copy: Callable[[], None], args: argparse.Namespace) -> Measured:
    print(f"\n== {stack.title}: building")
    counts = SMOKE_STOREFRONT_COUNTS if args.smoke else STOREFRONT_COUNTS
    plans = build_both(stack, copy, counts)
    measured = measure(stack, site, plans, args)
    report(stack, measured, args)
    if not args.smoke:
        few, many = host_lookups(stack, blocks=5 if args.quick else 20)
        print(f"  host lookup (find_storefront, in process): {few:.0f} µs with {counts[0]} storefronts, "
              f"{many:.0f} µs with {counts[1]} ({many / few:.2f}x)")
    if args.profile:
        profile(stack)
    return measured


def run_sqlite(site: Path, directory: Path, args: argparse.Namespace) -> Measured:
    folder = directory / "sqlite"
    folder.mkdir()
    few, many = folder / "few.db", folder / "many.db"

    def copy() -> None:  # SQLite's backup API: a consistent copy, whatever the WAL holds
        with sqlite3.connect(few) as source, sqlite3.connect(many) as target:
            source.backup(target)

    stack = Stack(f"SQLite {sqlite3.sqlite_version}", f"sqlite:///{few}", f"sqlite:///{many}",
                  f"sqla+sqlite:///{folder / 'broker.db'}", folder)  # nothing is published by a page view
    return run(stack, site, copy, args)


def run_postgres(site: Path, directory: Path, args: argparse.Namespace) -> Measured | None:
    """The PostgreSQL pass, on two scratch databases (``<name>`` and ``<name>_many``) created for it and dropped after."""
    url = make_url(args.postgres_url)
    few, many = url.database or "", f"{url.database}_many"
    with scratch_databases(args.postgres_url, (few, many)) as scratch:
        if scratch is None:
            return None
        admin, version = scratch

        def copy() -> None:
            with admin.connect() as connection:
                connection.exec_driver_sql(f'CREATE DATABASE "{many}" TEMPLATE "{few}"')

        folder = directory / "postgres"
        folder.mkdir()
        stack = Stack(f"PostgreSQL {version}", url.render_as_string(hide_password=False),
                      url.set(database=many).render_as_string(hide_password=False), REDIS_URL, folder)
        return run(stack, site, copy, args)


def main() -> int:
    parser = options(__doc__.splitlines()[0], DEFAULT_POSTGRES_URL)
    parser.add_argument("--rounds", type=int, default=5, help="rounds, each loading every page in turn (5)")
    parser.add_argument("--duration", type=int, default=4, help="seconds of load per page and round (4)")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn worker processes (2)")
    parser.add_argument("--threads", type=int, default=4, help="threads per gunicorn worker (4)")
    parser.add_argument("--connections", type=int, default=8, help="keep-alive connections wrk keeps open (8)")
    parser.add_argument("--profile", action="store_true", help="also profile the signed-in catalog page (pyinstrument)")
    args = parser.parse_args()
    if args.quick:
        args.rounds, args.duration = 3, 2
    if args.smoke:
        args.rounds, args.workers, args.threads = 1, 1, 2
    if min(args.rounds, args.duration, args.workers, args.threads, args.connections) < 1:
        parser.error("rounds, duration, workers, threads and connections must be at least 1")
    check_postgres_url(parser, args)
    if shutil.which("wrk") is None and not args.smoke:
        print("wrk is the load generator: install it with `apt-get install wrk`", file=sys.stderr)
        return 2

    with tempfile.TemporaryDirectory(prefix="cascade-bench-catalog-") as scratch:
        directory = Path(scratch)
        site = directory / "site"
        install_site(site)
        sys.path.insert(0, str(site))  # this process syncs the catalog with the bench plugin too
        passes = [run_sqlite(site, directory, args)]
        if args.postgres:
            passes.append(run_postgres(site, directory, args))
        else:
            print("\n== PostgreSQL: skipped (pass --postgres)")
    print()
    for measured in passes:
        if measured is not None:
            figures(measured)
    return 0


if __name__ == "__main__":
    sys.exit(main())

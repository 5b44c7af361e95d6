"""The storefront's catalog page under load: requests per second against a bare Flask "hello world".

Builds the demo platform in a fresh SQLite file (and, with ``--postgres``, in scratch PostgreSQL
databases it creates and drops). Northwind sells only a catalog of its own: 50 plans in 5
products, from a plugin installed as a distribution like any third party's, priced wholesale,
which Bright IT resells on its Standard storefront at its demo markup. The database then holds
10 storefronts; a copy of it is grown to 10,000 (resellers and live storefronts bulk-inserted).
Three gunicorn servers run side by side with the same options: the real app on each database,
and a bare Flask app answering "Hello, World!". ``wrk``, another process, loads each in turn on
keep-alive connections, round after round, so that whatever else the machine does falls on the
three alike. It prints the median requests per second of each, the median of each round's
ratios, and the targets: the catalog at 25 % of hello world at least, and as fast with 10,000
storefronts as with 10.

The page is ``/products`` when the storefront has it, else the shop's home, which lists the
same plans. ``--profile`` adds a pyinstrument profile of the page, served in process.

Run from the repository root (never part of the test suite)::

    apt-get install wrk                     # the load generator (Debian's package)
    .venv/bin/pip install pyinstrument      # only for --profile
    .venv/bin/python bench/storefront_catalog.py [--rounds 5] [--duration 4] [--workers 2] [--threads 4]
        [--connections 8] [--profile] [--postgres]
        [--postgres-url postgresql+psycopg://postgres@127.0.0.1:5432/cascade_bench_catalog]
"""

from __future__ import annotations

import argparse
import os
import re
import secrets
import shutil
import signal
import socket
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import textwrap
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from pathlib import Path

from argon2 import PasswordHasher, profiles
from sqlalchemy import Engine, event, func, insert, select
from sqlalchemy.engine import make_url
from sqlalchemy.exc import OperationalError

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
from core.services.demo import load_demo
from core.services.orders import LineRequest, place_order
from core.services.price_lists import set_price, set_product_offered
from core.services.provisioning import provision_pending_now
from core.services.storefront_hosts import find_storefront

DEFAULT_POSTGRES_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/cascade_bench_catalog"
#: Databases this script will never create, use or drop.
PROTECTED_DATABASES = {"test", "postgres", "root", "template0", "template1"}
PRODUCTS, PLANS_PER_PRODUCT = 5, 10
SHOP_HOST = "bright.shop.localhost"
STOREFRONT_COUNTS = (10, 10_000)
TARGET_RATIO = 0.25
#: "As fast": within the noise of a shared machine.
SAME_SPEED = 0.9

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


# --- serving and loading --------------------------------------------------------------------------


@dataclass(frozen=True)
class Stack:
    """One database server's pass: a database with 10 storefronts and a copy of it with 10,000."""

    title: str
    few_url: str
    many_url: str
    directory: Path


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def server_env(stack: Stack, database_url: str, site: Path) -> dict[str, str]:
    """A production environment of the app: settings set explicitly, warnings only in the log."""
    env = {key: value for key, value in os.environ.items() if not key.startswith("CASCADE_")}
    env.update({
        "CASCADE_ENV": "production",
        "CASCADE_DATABASE_URL": database_url,
        "CASCADE_BROKER_URL": f"sqla+sqlite:///{stack.directory / 'broker.db'}",  # nothing is published by a GET
        "CASCADE_SECRET_KEY": secrets.token_urlsafe(48),
        "CASCADE_INSTANCE_PATH": str(stack.directory / "instance"),
        "CASCADE_LOG_LEVEL": "WARNING",
        "PYTHONPATH": os.pathsep.join(filter(None, (str(site), env.get("PYTHONPATH")))),
    })
    return env


@contextmanager
def served(app: str, env: dict[str, str], args: argparse.Namespace, log: Path) -> Iterator[int]:
    """Run ``gunicorn`` on ``app`` with the bench's workers and threads for the block; yield its port."""
    port = free_port()
    with open(log, "ab") as output:
        process = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "--workers", str(args.workers), "--threads", str(args.threads),
             "--bind", f"127.0.0.1:{port}", "--log-level", "warning", app],
            env=env, stdout=output, stderr=subprocess.STDOUT, start_new_session=True)
    try:
        deadline = time.monotonic() + 60
        while not _listening(port):
            if process.poll() is not None or time.monotonic() > deadline:
                raise SystemExit(f"gunicorn {app} did not start; see {log}")
            time.sleep(0.1)
        yield port
    finally:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()


def _listening(port: int) -> bool:
    with socket.socket() as sock:
        return sock.connect_ex(("127.0.0.1", port)) == 0


def get(port: int, path: str, host: str) -> tuple[int, str]:
    request = urllib.request.Request(f"http://127.0.0.1:{port}{path}", headers={"Host": host})
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode()


@dataclass(frozen=True)
class Target:
    """One server under load: what it is called in the table, its port, the page and the host asked for."""

    label: str
    port: int
    path: str
    host: str


@dataclass(frozen=True)
class Load:
    """What one ``wrk`` run measured."""

    per_second: float
    p50_ms: float
    p99_ms: float


def _ms(value: str, unit: str) -> float:
    return float(value) * {"us": 0.001, "ms": 1.0, "s": 1000.0}[unit]


def wrk(target: Target, seconds: int, args: argparse.Namespace) -> Load:
    """Load ``target`` from another process (wrk) for ``seconds`` on ``--connections`` keep-alive connections."""
    out = subprocess.run(
        ["wrk", "--threads", "1", "--connections", str(args.connections), "--duration", f"{seconds}s", "--latency",
         "-H", f"Host: {target.host}", f"http://127.0.0.1:{target.port}{target.path}"],
        check=True, capture_output=True, text=True).stdout
    if bad := re.search(r"Non-2xx or 3xx responses: (\d+)", out):
        raise SystemExit(f"{bad.group(1)} answers of {target.label} were errors:\n{out}")
    rate = re.search(r"Requests/sec:\s+([\d.]+)", out)
    p50 = re.search(r"50%\s+([\d.]+)(us|ms|s)\b", out)
    p99 = re.search(r"99%\s+([\d.]+)(us|ms|s)\b", out)
    assert rate and p50 and p99, out
    return Load(float(rate.group(1)), _ms(*p50.groups()), _ms(*p99.groups()))


def catalog_path(port: int, plans: list[str]) -> str:
    """``/products`` when the shop has it, else its home; either must list every plan on sale."""
    for path in ("/products", "/"):
        status, page = get(port, path, SHOP_HOST)
        if status == 200:
            missing = [name for name in plans if f">{name}<" not in page]
            if missing:
                raise SystemExit(f"{path} does not list {len(missing)} of the plans, e.g. {missing[0]}")
            return path
    raise SystemExit(f"the shop at {SHOP_HOST} answers neither /products nor /")


def measure(stack: Stack, site: Path, plans: list[str], args: argparse.Namespace) -> tuple[str, dict[str, list[Load]]]:
    """Serve the catalog on both databases and hello world, all at once; load each in turn, round after round.

    Taking turns in short runs spreads whatever else the machine does over the three alike, so
    the ratios of a round hold even when the absolute rates drift.
    """
    few, many = STOREFRONT_COUNTS
    with ExitStack() as running:
        few_port = running.enter_context(served("bss:create_app()", server_env(stack, stack.few_url, site), args,
                                                stack.directory / "catalog-few.log"))
        many_port = running.enter_context(served("bss:create_app()", server_env(stack, stack.many_url, site), args,
                                                 stack.directory / "catalog-many.log"))
        hello_port = running.enter_context(served("bench_hello:app", server_env(stack, stack.few_url, site), args,
                                                  stack.directory / "hello.log"))
        path = catalog_path(few_port, plans)
        assert catalog_path(many_port, plans) == path
        assert get(hello_port, "/", "127.0.0.1") == (200, "Hello, World!")
        targets = [Target(f"catalog, {few} storefronts", few_port, path, SHOP_HOST),
                   Target(f"catalog, {many} storefronts", many_port, path, SHOP_HOST),
                   Target("hello world", hello_port, "/", "127.0.0.1")]
        for target in targets:
            wrk(target, 2, args)  # warm-up: every worker has loaded what it caches
        loads: dict[str, list[Load]] = {target.label: [] for target in targets}
        for n in range(args.rounds):
            for target in targets:
                loads[target.label].append(wrk(target, args.duration, args))
            print(f"  round {n + 1}/{args.rounds}: " + ", ".join(
                f"{label} {measured[-1].per_second:.1f} req/s" for label, measured in loads.items()))
    return path, loads


def report(stack: Stack, path: str, loads: dict[str, list[Load]], args: argparse.Namespace) -> None:
    """The table: the median of the rounds for each server, and the median of each round's ratios."""
    print(f"\n== {stack.title}: {SHOP_HOST}{path}, {PRODUCTS * PLANS_PER_PRODUCT} plans; gunicorn --workers "
          f"{args.workers} --threads {args.threads}; wrk 1 thread, {args.connections} connections; "
          f"{args.rounds} rounds of {args.duration} s each")
    print(f"  {'':<28}{'req/s':>10}{'p50 ms':>9}{'p99 ms':>9}   req/s of each round")
    for label, measured in loads.items():
        print(f"  {label:<28}{statistics.median(m.per_second for m in measured):>10.1f}"
              f"{statistics.median(m.p50_ms for m in measured):>9.2f}{statistics.median(m.p99_ms for m in measured):>9.2f}"
              f"   {' '.join(f'{m.per_second:.0f}' for m in measured)}")
    few, many, hello = (loads[label] for label in loads)

    def ratio(top: list[Load], bottom: list[Load]) -> float:
        return statistics.median(a.per_second / b.per_second for a, b in zip(top, bottom, strict=True))

    at_few, at_many, growth = ratio(few, hello), ratio(many, hello), ratio(many, few)
    print(f"  catalog/hello: {at_few:.1%} with {STOREFRONT_COUNTS[0]} storefronts, {at_many:.1%} with "
          f"{STOREFRONT_COUNTS[1]} (target >= {TARGET_RATIO:.0%}: {'met' if min(at_few, at_many) >= TARGET_RATIO else 'NOT met'})")
    print(f"  catalog {STOREFRONT_COUNTS[1]}/{STOREFRONT_COUNTS[0]} storefronts: {growth:.2f}x "
          f"(target: as fast, >= {SAME_SPEED:.2f}x: {'met' if growth >= SAME_SPEED else 'NOT met'})")


def host_lookups(stack: Stack, blocks: int = 20, calls: int = 200) -> tuple[float, float]:
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


def profile(stack: Stack, site: Path, path: str, requests: int = 300) -> None:
    """Profile ``requests`` catalog pages served in process (pyinstrument), with 10,000 storefronts."""
    try:
        from pyinstrument import Profiler
    except ImportError:
        print("  --profile needs pyinstrument: .venv/bin/pip install pyinstrument")
        return
    from bss.app import create_app
    from web.database import db

    app = create_app({"env": "production", "database_url": stack.many_url, "secret_key": secrets.token_urlsafe(48),
                      "broker_url": f"sqla+sqlite:///{stack.directory / 'broker.db'}",
                      "instance_path": stack.directory / "instance", "log_level": "WARNING"})
    client = app.test_client()
    for _ in range(20):
        assert client.get(path, base_url=f"http://{SHOP_HOST}").status_code == 200
    statements = []
    event.listen(db.state(app).engine, "before_cursor_execute", lambda *_: statements.append(1))
    started = time.perf_counter()
    profiler = Profiler(interval=0.0005)
    profiler.start()
    for _ in range(requests):
        client.get(path, base_url=f"http://{SHOP_HOST}")
    profiler.stop()
    each = (time.perf_counter() - started) / requests
    print(f"\n  profile of {requests} x {SHOP_HOST}{path}, in process: {each * 1000:.1f} ms and "
          f"{len(statements) / requests:.0f} SQL statements per page (profiler included)")
    print(textwrap.indent(profiler.output_text(unicode=True, color=False, show_all=False), "  "))
    db.state(app).engine.dispose()


def build_both(stack: Stack, copy: Callable[[], None]) -> list[str]:
    """Build the platform with 10 storefronts, ``copy`` it, and grow the copy to 10,000; return the plan names."""
    engine = make_engine(stack.few_url)
    try:
        plans = build(engine)
        add_storefronts(engine, STOREFRONT_COUNTS[0])
    finally:
        engine.dispose()
    copy()
    engine = make_engine(stack.many_url)
    try:
        add_storefronts(engine, STOREFRONT_COUNTS[1])
    finally:
        engine.dispose()
    return plans


def run(stack: Stack, site: Path, copy: Callable[[], None], args: argparse.Namespace) -> None:
    print(f"\n== {stack.title}: building")
    plans = build_both(stack, copy)
    path, loads = measure(stack, site, plans, args)
    report(stack, path, loads, args)
    few, many = host_lookups(stack)
    print(f"  host lookup (find_storefront, in process): {few:.0f} µs with {STOREFRONT_COUNTS[0]} storefronts, "
          f"{many:.0f} µs with {STOREFRONT_COUNTS[1]} ({many / few:.2f}x)")
    if args.profile:
        profile(stack, site, path)


def run_sqlite(site: Path, directory: Path, args: argparse.Namespace) -> None:
    folder = directory / "sqlite"
    folder.mkdir()
    few, many = folder / "few.db", folder / "many.db"

    def copy() -> None:  # SQLite's backup API: a consistent copy, whatever the WAL holds
        with sqlite3.connect(few) as source, sqlite3.connect(many) as target:
            source.backup(target)

    run(Stack(f"SQLite {sqlite3.sqlite_version}", f"sqlite:///{few}", f"sqlite:///{many}", folder), site, copy, args)


def admin_engine(url: str) -> Engine:
    return make_engine(make_url(url).set(database="postgres"), isolation_level="AUTOCOMMIT",
                       connect_args={"connect_timeout": 5})


def run_postgres(site: Path, directory: Path, args: argparse.Namespace) -> None:
    """The PostgreSQL pass, on two scratch databases (``<name>`` and ``<name>_many``) created for it and dropped after."""
    url = make_url(args.postgres_url)
    few, many = url.database or "", f"{url.database}_many"
    admin = admin_engine(args.postgres_url)
    try:
        with admin.connect() as connection:
            version = connection.exec_driver_sql("SHOW server_version").scalar()
            for name in (few, many):
                connection.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            connection.exec_driver_sql(f'CREATE DATABASE "{few}"')
    except OperationalError as error:
        print(f"\n== PostgreSQL: SKIPPED, {url.render_as_string()} does not answer ({error.orig})")
        return

    def copy() -> None:
        with admin.connect() as connection:
            connection.exec_driver_sql(f'CREATE DATABASE "{many}" TEMPLATE "{few}"')

    try:
        folder = directory / "postgres"
        folder.mkdir()
        run(Stack(f"PostgreSQL {version}", url.render_as_string(hide_password=False),
                  url.set(database=many).render_as_string(hide_password=False), folder), site, copy, args)
    finally:
        with admin.connect() as connection:
            for name in (few, many):
                connection.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.dispose()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=5, help="rounds, each loading every server in turn (5)")
    parser.add_argument("--duration", type=int, default=4, help="seconds of load per server and round (4)")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn worker processes (2)")
    parser.add_argument("--threads", type=int, default=4, help="threads per gunicorn worker (4)")
    parser.add_argument("--connections", type=int, default=8, help="keep-alive connections wrk keeps open (8)")
    parser.add_argument("--profile", action="store_true", help="also profile the catalog page (pyinstrument)")
    parser.add_argument("--postgres", action="store_true", help="also measure on PostgreSQL")
    parser.add_argument("--postgres-url", default=DEFAULT_POSTGRES_URL, help="scratch database, created and dropped")
    args = parser.parse_args()
    if min(args.rounds, args.duration, args.workers, args.threads, args.connections) < 1:
        parser.error("rounds, duration, workers, threads and connections must be at least 1")
    if args.postgres and (make_url(args.postgres_url).database or "") in PROTECTED_DATABASES | {""}:
        parser.error("refusing that database: give a scratch database name")
    if shutil.which("wrk") is None:
        parser.error("wrk is the load generator: install it with `apt-get install wrk`")

    with tempfile.TemporaryDirectory(prefix="cascade-bench-catalog-") as scratch:
        directory = Path(scratch)
        site = directory / "site"
        install_site(site)
        sys.path.insert(0, str(site))  # this process syncs the catalog with the bench plugin too
        run_sqlite(site, directory, args)
        if args.postgres:
            run_postgres(site, directory, args)
        else:
            print("\n== PostgreSQL: skipped (pass --postgres)")
    return 0


if __name__ == "__main__":
    sys.exit(main())

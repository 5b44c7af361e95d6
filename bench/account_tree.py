"""Subtree queries on the account tree (materialised ``Account.path``) on SQLite and PostgreSQL.

Builds one distributor, ``--resellers`` resellers under it and ``--customers`` customers spread
at random (seeded) over the resellers, with bulk inserts into a schema created by the Alembic
migrations: a fresh SQLite file in a temporary directory, and a scratch PostgreSQL database
(``--postgres-url``, created and dropped by the script; skipped with a message if PostgreSQL
does not answer). Then, per database, it times in one session (identity map emptied after every
run; ``--repeats`` runs after 3 warm-up runs):

* ``list_accounts`` (limit 51) for the distributor and for one reseller: the first page, a
  search (``"shop 4"``) and a keyset page from the middle of the subtree;
* ``get_account`` with the reseller as viewer, for an id inside and one outside its subtree;

each against a baseline timed in the same loop, run by run: the same page selected by
``parent_id = reseller`` (an indexed equality; the reseller's customers are exactly its
children) for the reseller, a plain ``ORDER BY id LIMIT 51`` over all accounts for the
distributor, a primary-key lookup for ``get_account``. It prints the median (ms) of each and
the ratio to the baseline (the median of the per-run ratios), the query plan of the reseller's
first page and whether the path index is used. Where it is not, it measures, on a scratch copy of
that database only, what makes it used, timing the service as it is on the untouched database in
the same loop so that "as-is/this" is the gain:

* SQLite: ``PRAGMA case_sensitive_like=ON`` with the service's query; the same pragma with the
  whole pattern bound as one parameter; a range ``path >= p AND path < p'`` for every viewer;
  the range for every viewer except distributors (which keep the service's LIKE);
* PostgreSQL: an extra ``varchar_pattern_ops`` index; the column's collation changed to ``"C"``
  (which rebuilds ``ix_accounts_path``) with the service's query, the range, and the range
  except for distributors; the last two again with ``plan_cache_mode=force_custom_plan``. For
  each it also prints the generic plan and how often the timing connection used one (psycopg
  prepares a query once it has run 5 times on a connection, and PostgreSQL may then switch the
  prepared statement to a generic plan).

Every variant is first checked to return exactly the accounts the service returns.

Run from the repository root (never part of the test suite); about 35 s with the defaults::

    .venv/bin/python bench/account_tree.py [--resellers 200] [--customers 50000] [--repeats 51]
        [--postgres-url postgresql+psycopg://postgres@127.0.0.1:5432/cascade_bench_tree]
        [--no-postgres]
"""

from __future__ import annotations

import argparse
import random
import re
import sqlite3
import statistics
import sys
import tempfile
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import closing, contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import ColumnElement, Engine, Select, and_, event, insert, or_, select, text
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session

from bss.migrations import upgrade_database
from core.db import make_engine
from core.errors import NotFoundError
from core.models.accounts import Account, AccountKind
from core.services.accounts import get_account, list_accounts

DEFAULT_POSTGRES_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/cascade_bench_tree"
#: Databases this script will never create, use or drop.
PROTECTED_DATABASES = {"test", "postgres", "template0", "template1"}
PAGE = 51
SEARCH = "shop 4"
WARMUP = 3
#: Give up on a PostgreSQL that does not answer instead of hanging.
CONNECT_ARGS = {"connect_timeout": 5}
PLAN_CACHE = text(
    "SELECT generic_plans, custom_plans, statement FROM pg_prepared_statements"
    " WHERE split_part(statement, 'WHERE', 2) LIKE '%accounts.path%' ORDER BY prepare_time"
)
VARIANT_COLUMNS = (
    "'as-is' is the service on the untouched database, timed in the same loop as the variant"
)
CREATED_AT = datetime(2026, 11, 22, tzinfo=UTC)

#: One timed call: takes the session, returns nothing useful.
Call = Callable[[Session], object]
#: The subtree condition a variant puts where the service has ``path.startswith(viewer.path)``.
PathCondition = Callable[[Account], ColumnElement[bool]]


# --- the tree ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Tree:
    distributor: Account
    reseller: Account
    reseller_customers: int
    total: int
    inside_id: int  # a customer of ``reseller``
    outside_id: int  # a customer of another reseller
    reseller_after_id: int  # keyset position in the middle of the reseller's subtree
    distributor_after_id: int  # keyset position in the middle of the whole tree


def account_row(
    id_: int, kind: AccountKind, parent: dict[str, Any] | None, name: str, slug: str, **extra: Any
) -> dict[str, Any]:
    return {
        "id": id_,
        "kind": kind,
        "parent_id": parent["id"] if parent else None,
        "path": f"{parent['path'] if parent else '/'}{id_}/",
        "name": name,
        "slug": slug,
        "reselling_enabled": kind is not AccountKind.CUSTOMER,
        "primary_domain": extra.get("primary_domain"),
        "tier": extra.get("tier"),
        "addons": [],
        "service_manager_active": False,
        "created_at": CREATED_AT,
    }


def build_tree(engine: Engine, resellers: int, customers: int, seed: int) -> Tree:
    """Create the schema with the migrations and bulk-insert the tree, paths computed here."""
    upgrade_database(engine)
    rng = random.Random(seed)
    distributor = account_row(1, AccountKind.DISTRIBUTOR, None, "Distributor", "distributor", tier="gold")
    reseller_rows = [
        account_row(2 + n, AccountKind.RESELLER, distributor, f"Reseller {n}", f"reseller-{n}")
        for n in range(resellers)
    ]
    customer_rows = []
    for n in range(customers):
        id_ = 2 + resellers + n
        parent = reseller_rows[rng.randrange(resellers)]
        customer_rows.append(
            account_row(
                id_, AccountKind.CUSTOMER, parent, f"Corner shop {n}", f"shop-{n}",
                primary_domain=f"shop-{n}.example.com",
            )
        )
    rows = [distributor, *reseller_rows, *customer_rows]
    with Session(engine) as session, session.begin():
        for start in range(0, len(rows), 5_000):
            session.execute(insert(Account), rows[start : start + 5_000])
        if engine.dialect.name == "postgresql":
            session.execute(
                text("SELECT setval(pg_get_serial_sequence('accounts', 'id'), :last)"), {"last": len(rows)}
            )
    if engine.dialect.name == "postgresql":
        # Autovacuum would get there too; analysing now makes the plans deterministic.
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
            connection.exec_driver_sql("ANALYZE accounts")

    reseller_row = reseller_rows[resellers // 2]
    own = [row["id"] for row in customer_rows if row["parent_id"] == reseller_row["id"]]
    other = next(row["id"] for row in customer_rows if row["parent_id"] != reseller_row["id"])
    if len(own) < 2:
        raise SystemExit("the chosen reseller has fewer than 2 customers: use more customers")
    with Session(engine) as session:
        tree = Tree(
            distributor=session.get_one(Account, 1),
            reseller=session.get_one(Account, reseller_row["id"]),
            reseller_customers=len(own),
            total=len(rows),
            inside_id=own[len(own) // 2],
            outside_id=other,
            reseller_after_id=own[len(own) // 2],
            distributor_after_id=rows[len(rows) // 2]["id"],
        )
        session.expunge_all()
    return tree


# --- the queries ---------------------------------------------------------------------------------


def search_clause(term: str) -> ColumnElement[bool]:
    """The service's search filter, unchanged."""
    return or_(
        Account.name.icontains(term, autoescape=True),
        Account.slug.icontains(term, autoescape=True),
        Account.primary_domain.icontains(term, autoescape=True),
    )


def like_prefix(viewer: Account) -> ColumnElement[bool]:
    """``path LIKE :pattern ESCAPE '/'`` with the whole pattern bound as one parameter."""
    escaped = viewer.path.replace("/", "//").replace("%", "/%").replace("_", "/_")
    return Account.path.like(escaped + "%", escape="/")


def path_range(viewer: Account) -> ColumnElement[bool]:
    """``path >= p AND path < p'``, p' being p with its last character incremented ("/" -> "0").

    Correct for a binary (SQLite) or "C" (PostgreSQL) ordering of the path column.
    """
    prefix = viewer.path
    return and_(Account.path >= prefix, Account.path < prefix[:-1] + chr(ord(prefix[-1]) + 1))


def by_kind(viewer: Account) -> ColumnElement[bool]:
    """The service's LIKE for a distributor (its subtree is most of the table: walking the
    primary key in id order finds a page at once), the indexable range for anybody else."""
    if viewer.kind is AccountKind.DISTRIBUTOR:
        return Account.path.startswith(viewer.path, autoescape=True)
    return path_range(viewer)


def subtree_page(
    condition: PathCondition, viewer: Account, *, search: str | None = None, after_id: int | None = None
) -> Select[tuple[Account]]:
    """``list_accounts``'s query with another subtree condition."""
    query = select(Account).where(condition(viewer), Account.id != viewer.id)
    if search:
        query = query.where(search_clause(search.strip()))
    if after_id is not None:
        query = query.where(Account.id > after_id)
    return query.order_by(Account.id).limit(PAGE)


def page_arguments(tree: Tree) -> dict[str, tuple[Account, dict[str, Any]]]:
    d, r = tree.distributor, tree.reseller
    return {
        "distributor: first page": (d, {}),
        "distributor: search": (d, {"search": SEARCH}),
        "distributor: keyset page": (d, {"after_id": tree.distributor_after_id}),
        "reseller: first page": (r, {}),
        "reseller: search": (r, {"search": SEARCH}),
        "reseller: keyset page": (r, {"after_id": tree.reseller_after_id}),
    }


def lookups(tree: Tree) -> dict[str, int]:
    return {"get_account: inside": tree.inside_id, "get_account: outside": tree.outside_id}


def variant_calls(condition: PathCondition | None, tree: Tree) -> dict[str, Call]:
    """The timed calls: the service itself (``condition`` None) or its query with ``condition``.

    Every call builds its statement, as the service does, so that building costs the same
    in every variant and in the baselines.
    """
    calls: dict[str, Call] = {}
    for name, (viewer, kwargs) in page_arguments(tree).items():
        if condition is None:
            calls[name] = lambda s, v=viewer, k=kwargs: list_accounts(s, v, limit=PAGE, **k)
        else:
            calls[name] = lambda s, v=viewer, k=kwargs: s.scalars(subtree_page(condition, v, **k)).all()
    r = tree.reseller
    for name, id_ in lookups(tree).items():
        if condition is None:
            calls[name] = lambda s, i=id_: found_or_none(get_account, s, r, i)
        else:
            calls[name] = lambda s, i=id_: s.scalar(select(Account).where(Account.id == i, condition(r)))
    return calls


def found_or_none(function: Callable[[Session, Account, int], Account], *args: Any) -> Account | None:
    try:
        return function(*args)
    except NotFoundError:
        return None


def baseline_calls(tree: Tree) -> dict[str, Call]:
    """Each case's baseline, by the same name."""
    r = tree.reseller

    def by_id(*where: ColumnElement[bool]) -> Select[tuple[Account]]:
        return select(Account).where(*where).order_by(Account.id).limit(PAGE)

    d_after, r_after = tree.distributor_after_id, tree.reseller_after_id
    calls: dict[str, Call] = {
        "distributor: first page": lambda s: s.scalars(by_id()).all(),
        "distributor: search": lambda s: s.scalars(by_id(search_clause(SEARCH))).all(),
        "distributor: keyset page": lambda s: s.scalars(by_id(Account.id > d_after)).all(),
        "reseller: first page": lambda s: s.scalars(by_id(Account.parent_id == r.id)).all(),
        "reseller: search": lambda s: s.scalars(by_id(Account.parent_id == r.id, search_clause(SEARCH))).all(),
        "reseller: keyset page": lambda s: s.scalars(by_id(Account.parent_id == r.id, Account.id > r_after)).all(),
    }
    for name, id_ in lookups(tree).items():
        calls[name] = lambda s, i=id_: s.scalar(select(Account).where(Account.id == i))
    return calls


def ids(result: object) -> list[int]:
    if result is None:
        return []
    if isinstance(result, Account):
        return [result.id]
    return [account.id for account in result]  # type: ignore[attr-defined]


def results_of(engine: Engine, calls: dict[str, Call]) -> dict[str, list[int]]:
    with Session(engine) as session:
        return {name: ids(call(session)) for name, call in calls.items()}


# --- timing --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Timing:
    median_ms: float
    baseline_ms: float
    ratio: float  # median over the runs of (this run / the baseline run next to it)
    as_is_ms: float | None = None  # the service as it is, timed in the same loop
    speedup: float | None = None  # median over the runs of (as-is run / this run)


def timed(session: Session, call: Call) -> float:
    began = time.perf_counter()
    call(session)
    elapsed = time.perf_counter() - began
    session.expunge_all()
    return elapsed * 1000


def measure(
    engine: Engine,
    calls: dict[str, Call],
    tree: Tree,
    repeats: int,
    expected: dict[str, list[int]],
    as_is_engine: Engine | None = None,
) -> dict[str, Timing]:
    """Time every call, its baseline and (given ``as_is_engine``) the service as it is on the
    untouched database, the three interleaved run by run so that a change in the machine's load
    hits them alike. Checks first that every call returns exactly the service's accounts."""
    for name, got in results_of(engine, calls).items():
        if got != expected[name]:
            raise RuntimeError(f"{name}: returned {got[:5]}... ({len(got)}), the service {expected[name][:5]}...")
    baselines = baseline_calls(tree)
    as_is = variant_calls(None, tree)
    results: dict[str, Timing] = {}
    with Session(engine) as session, Session(as_is_engine or engine) as as_is_session:
        for name, call in calls.items():
            samples: list[float] = []
            base: list[float] = []
            reference: list[float] = []
            for run in range(WARMUP + repeats):
                sample = timed(session, call)
                base_sample = timed(session, baselines[name])
                reference_sample = timed(as_is_session, as_is[name]) if as_is_engine else 0.0
                if run >= WARMUP:
                    samples.append(sample)
                    base.append(base_sample)
                    reference.append(reference_sample)
            results[name] = Timing(
                median_ms=statistics.median(samples),
                baseline_ms=statistics.median(base),
                ratio=statistics.median(t / b for t, b in zip(samples, base, strict=True)),
                as_is_ms=statistics.median(reference) if as_is_engine else None,
                speedup=statistics.median(a / t for a, t in zip(reference, samples, strict=True))
                if as_is_engine
                else None,
            )
        if engine.dialect.name == "postgresql":
            print_plan_cache(session)
    return results


def print_plan_cache(session: Session) -> None:
    """Which of the timing connection's path queries PostgreSQL ran with a generic plan."""
    rows = session.execute(PLAN_CACHE).all()
    print(
        f"\n  plan cache of the timing connection (psycopg prepares a query once it has run 5 times), "
        f"{len(rows)} prepared statements filtering on path:"
    )
    for generic, custom, statement in rows:
        where = re.sub(r"\s+", " ", statement.split("WHERE", 1)[1]).replace("accounts.", "")
        where = re.sub(r"::(VARCHAR|INTEGER)", "", where)
        where = re.sub(r"\(?\(name ILIKE .*?primary_domain ILIKE [^)]*\)\)?", "<search>", where)
        print(f"    generic {generic:>3} / custom {custom:>3}: WHERE {where}")


def print_timings(title: str, timings: dict[str, Timing]) -> None:
    compared = any(timing.as_is_ms is not None for timing in timings.values())
    print(f"\n  {title}")
    header = f"    {'case':<26} {'median ms':>10} {'baseline ms':>12} {'ratio':>8}"
    print(header + (f" {'as-is ms':>9} {'as-is/this':>10}" if compared else ""))
    for name, timing in timings.items():
        line = f"    {name:<26} {timing.median_ms:>10.3f} {timing.baseline_ms:>12.3f} {timing.ratio:>7.2f}x"
        if timing.as_is_ms is not None and timing.speedup is not None:
            line += f" {timing.as_is_ms:>9.3f} {timing.speedup:>9.2f}x"
        print(line)


# --- plans ---------------------------------------------------------------------------------------


@contextmanager
def captured_statements(engine: Engine) -> Iterator[list[tuple[str, Any]]]:
    statements: list[tuple[str, Any]] = []

    def capture(_conn: Any, _cursor: Any, statement: str, parameters: Any, _context: Any, _many: bool) -> None:
        statements.append((statement, parameters))

    event.listen(engine, "before_cursor_execute", capture)
    try:
        yield statements
    finally:
        event.remove(engine, "before_cursor_execute", capture)


def statement_of(engine: Engine, call: Call) -> tuple[str, Any]:
    """The SQL and parameters of the one query that ``call`` really sends."""
    with Session(engine) as session, captured_statements(engine) as statements:
        call(session)
    (statement,) = [(sql, params) for sql, params in statements if "FROM accounts" in sql]
    return statement


def explain(engine: Engine, statement: str, parameters: Any) -> list[str]:
    with engine.connect() as connection:
        if engine.dialect.name == "sqlite":
            rows = connection.exec_driver_sql("EXPLAIN QUERY PLAN " + statement, parameters).all()
            return [row[-1] for row in rows]
        return [row[0] for row in connection.exec_driver_sql("EXPLAIN " + statement, parameters)]


def explain_generic(engine: Engine, statement: str, parameters: dict[str, Any]) -> list[str]:
    """PostgreSQL's generic plan of a statement: what a prepared statement may switch to."""
    names: list[str] = []

    def placeholder(match: re.Match[str]) -> str:
        names.append(match.group(1))
        return f"${len(names)}"

    # "%%" stays: psycopg still reads the statement as a format string and turns it into "%".
    sql = re.sub(r"%\((\w+)\)s", placeholder, statement)
    values = ", ".join(sql_literal(parameters[name]) for name in names)
    with engine.connect() as connection:
        connection.exec_driver_sql("SET plan_cache_mode = force_generic_plan")
        connection.exec_driver_sql(f"PREPARE bench_generic AS {sql}")
        rows = [row[0] for row in connection.exec_driver_sql(f"EXPLAIN EXECUTE bench_generic({values})")]
        connection.exec_driver_sql("DEALLOCATE bench_generic")
        connection.exec_driver_sql("RESET plan_cache_mode")
        connection.rollback()
    return rows


def sql_literal(value: Any) -> str:
    if isinstance(value, bool) or not isinstance(value, (int, str)):
        raise TypeError(f"no literal for {value!r}")
    return str(value) if isinstance(value, int) else "'" + value.replace("'", "''") + "'"


def print_plan(title: str, lines: Sequence[str], index_names: Sequence[str]) -> bool:
    used = any(name in line for line in lines for name in index_names)
    print(f"\n  {title}: path index used: {'YES' if used else 'NO'}")
    for line in lines:
        print(f"    | {line}")
    return used


def one_line(engine: Engine, call: Call) -> str:
    """The plan of the one query ``call`` sends, on one line, without PostgreSQL's cost estimates."""
    lines = explain(engine, *statement_of(engine, call))
    return " / ".join(re.sub(r"\s+\(cost=[^)]*\)", "", line).strip(" ->") for line in lines)


def show_plans(engine: Engine, calls: dict[str, Call], label: str, index_names: Sequence[str]) -> bool:
    """Print the plan of the reseller's first page (and its generic plan on PostgreSQL), then
    the distributor's first page on one line; return whether the reseller's uses the path index."""
    statement, parameters = statement_of(engine, calls["reseller: first page"])
    used = print_plan(
        f"plan of the reseller's first page, {label}", explain(engine, statement, parameters), index_names
    )
    if engine.dialect.name == "postgresql":
        print_plan(
            f"generic plan of the same, {label}", explain_generic(engine, statement, parameters), index_names
        )
    print(f"  distributor's first page: {one_line(engine, calls['distributor: first page'])}")
    return used


# --- the databases -------------------------------------------------------------------------------


@dataclass
class Measured:
    tree: Tree
    timings: dict[str, Timing]  # the service as it is
    expected: dict[str, list[int]]  # what the service returns, every variant must return the same
    index_used: bool  # by the reseller's first page


def run_database(title: str, engine: Engine, args: argparse.Namespace) -> Measured:
    print(f"\n== {title}")
    began = time.perf_counter()
    tree = build_tree(engine, args.resellers, args.customers, args.seed)
    print(
        f"  built {tree.total} accounts in {time.perf_counter() - began:.1f} s; reseller {tree.reseller.id} "
        f"({tree.reseller.path}) has {tree.reseller_customers} customers; search {SEARCH!r}"
    )
    service = variant_calls(None, tree)
    expected = results_of(engine, service)
    baselines = results_of(engine, baseline_calls(tree))
    same = [name for name in expected if name.startswith("reseller") and baselines[name] == expected[name]]
    print(f"  reseller baselines returning exactly the service's accounts: {len(same)} of 3")
    timings = measure(engine, service, tree, args.repeats, expected)
    print_timings("service as it is (list_accounts / get_account)", timings)
    used = show_plans(engine, service, "service as it is", ["ix_accounts_path"])
    print(f"  baseline of the reseller's first page: {one_line(engine, baseline_calls(tree)['reseller: first page'])}")
    return Measured(tree, timings, expected, used)


def run_variant(
    engine: Engine,
    as_is_engine: Engine,
    label: str,
    condition: PathCondition | None,
    measured: Measured,
    args: argparse.Namespace,
    index_names: Sequence[str] = ("ix_accounts_path",),
) -> None:
    calls = variant_calls(condition, measured.tree)
    show_plans(engine, calls, label, index_names)
    timings = measure(engine, calls, measured.tree, args.repeats, measured.expected, as_is_engine)
    print_timings(label, timings)


def run_sqlite(directory: Path, args: argparse.Namespace) -> None:
    path = directory / "tree.db"
    engine = make_engine(f"sqlite:///{path}")
    measured = run_database(f"SQLite {sqlite3.sqlite_version}", engine, args)
    if measured.index_used:
        engine.dispose()
        return
    copy = directory / "variant.db"
    with closing(sqlite3.connect(path)) as source, closing(sqlite3.connect(copy)) as target:
        source.backup(target)
    print(f"\n  -- variants, on a copy of the database ({copy.name}); {VARIANT_COLUMNS}")

    sensitive = make_engine(f"sqlite:///{copy}")

    @event.listens_for(sensitive, "connect")
    def case_sensitive_like(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.execute("PRAGMA case_sensitive_like=ON")

    plain = make_engine(f"sqlite:///{copy}")
    for label, variant_engine, condition in (
        ("PRAGMA case_sensitive_like=ON, service query", sensitive, None),
        ("PRAGMA case_sensitive_like=ON, path LIKE :pattern ESCAPE '/'", sensitive, like_prefix),
        ("range path >= :p AND path < :p_next, no pragma", plain, path_range),
        ("by viewer kind: service LIKE for a distributor, range otherwise", plain, by_kind),
    ):
        run_variant(variant_engine, engine, label, condition, measured, args)
    for each in (sensitive, plain, engine):
        each.dispose()


def admin_engine(url: URL) -> Engine:
    return make_engine(url.set(database="postgres"), isolation_level="AUTOCOMMIT", connect_args=CONNECT_ARGS)


def recreate_database(admin: Engine, name: str, template: str | None = None) -> None:
    with admin.connect() as connection:
        connection.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        suffix = f' TEMPLATE "{template}"' if template else ""
        connection.exec_driver_sql(f'CREATE DATABASE "{name}"{suffix}')


def drop_database(admin: Engine, name: str) -> None:
    with admin.connect() as connection:
        connection.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def run_postgres(args: argparse.Namespace) -> None:
    url = make_url(args.postgres_url)
    name = url.database or ""
    variant_name = f"{name}_variant"
    admin = admin_engine(url)
    try:
        with admin.connect() as connection:
            version = connection.exec_driver_sql("SHOW server_version").scalar()
            collation = connection.exec_driver_sql(
                "SELECT datcollate FROM pg_database WHERE datname = 'template1'"
            ).scalar()
    except OperationalError as error:
        print(f"\n== PostgreSQL: SKIPPED, {url.render_as_string()} does not answer ({error.orig})")
        admin.dispose()
        return
    try:
        recreate_database(admin, name)
        engine = make_engine(url, connect_args=CONNECT_ARGS)
        measured = run_database(f"PostgreSQL {version} (database collation {collation})", engine, args)
        engine.dispose()
        if measured.index_used:
            return
        recreate_database(admin, variant_name, template=name)
        variant = make_engine(url.set(database=variant_name), connect_args=CONNECT_ARGS)
        print(f"\n  -- variants, on a copy of the database ({variant_name}); {VARIANT_COLUMNS}")

        def ddl(*statements: str) -> None:
            with variant.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
                for statement in statements:
                    connection.exec_driver_sql(statement)
            variant.dispose()  # no prepared statement survives a schema change

        ddl("CREATE INDEX ix_bench_path_pattern ON accounts (path varchar_pattern_ops)", "ANALYZE accounts")
        run_variant(variant, engine, "extra index (path varchar_pattern_ops), service query", None, measured, args,
                    ["ix_bench_path_pattern"])
        ddl(
            "DROP INDEX ix_bench_path_pattern",
            'ALTER TABLE accounts ALTER COLUMN path TYPE varchar(255) COLLATE "C"',  # rebuilds ix_accounts_path
            "ANALYZE accounts",
        )
        for label, condition in (
            ('column path COLLATE "C", service query', None),
            ('column path COLLATE "C", range path >= :p AND path < :p_next', path_range),
            ('column path COLLATE "C", by viewer kind', by_kind),
        ):
            run_variant(variant, engine, label, condition, measured, args)
        variant.dispose()
        custom_only = make_engine(
            url.set(database=variant_name),
            connect_args={**CONNECT_ARGS, "options": "-c plan_cache_mode=force_custom_plan"},
        )
        for label, condition in (
            ('column path COLLATE "C", service query, plan_cache_mode=force_custom_plan', None),
            ('column path COLLATE "C", by viewer kind, plan_cache_mode=force_custom_plan', by_kind),
        ):
            run_variant(custom_only, engine, label, condition, measured, args)
        custom_only.dispose()
        engine.dispose()
    finally:
        drop_database(admin, variant_name)
        drop_database(admin, name)
        admin.dispose()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--resellers", type=int, default=200, help="resellers under the distributor (200)")
    parser.add_argument("--customers", type=int, default=50_000, help="customers over the resellers (50000)")
    parser.add_argument("--repeats", type=int, default=51, help="timed runs per query (51)")
    parser.add_argument("--seed", type=int, default=1, help="seed of the customers' placement (1)")
    parser.add_argument("--postgres-url", default=DEFAULT_POSTGRES_URL, help="scratch database, created and dropped")
    parser.add_argument("--no-postgres", action="store_true", help="measure SQLite only")
    args = parser.parse_args()
    if args.resellers < 1 or args.customers < 2 * args.resellers or args.repeats < 1:
        parser.error("need resellers >= 1, customers >= 2 x resellers and repeats >= 1")

    if not args.no_postgres:
        name = make_url(args.postgres_url).database or ""
        if not name or name in PROTECTED_DATABASES:
            parser.error(f"refusing to use the database {name!r}: give a scratch database name")

    began = time.perf_counter()
    print(
        f"account tree: 1 distributor, {args.resellers} resellers, {args.customers} customers; "
        f"pages of {PAGE}; median of {args.repeats} runs (after {WARMUP} warm-up runs)"
    )
    with tempfile.TemporaryDirectory(prefix="cascade-bench-") as directory:
        run_sqlite(Path(directory), args)
    if args.no_postgres:
        print("\n== PostgreSQL: skipped (--no-postgres)")
    else:
        run_postgres(args)
    print(f"\ntotal run time {time.perf_counter() - began:.0f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())

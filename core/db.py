"""The data layer's plumbing: declarative base, column types, engines, sessions, after-commit work.

SQLite (the embedded default) and PostgreSQL (production) are both first-class. On SQLite every
connection runs in WAL mode with a busy timeout and foreign keys on, and each transaction starts
with ``BEGIN IMMEDIATE`` so that two processes writing at once wait for each other instead of
failing with "database is locked" when a read transaction upgrades to a write. A connection that
only reads (``READ_ONLY``) begins with a plain ``BEGIN`` and so waits for nobody.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import DateTime, Engine, MetaData, Table, create_engine, event
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.engine import make_url
from sqlalchemy.orm import DeclarativeBase, Session, SessionTransaction, scoped_session, sessionmaker
from sqlalchemy.types import TypeDecorator

from core.clock import as_utc

#: Constraint names are explicit so that migrations are identical on every database.
NAMING_CONVENTION = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

SQLITE_BUSY_TIMEOUT_MS = 10_000
#: The execution option of a connection that only reads (``connection(execution_options={READ_ONLY: True})``):
#: on SQLite its transaction takes no write lock. Never for work that may write: a write in such a
#: transaction fails at once if another process has written since it began.
READ_ONLY = "cascade_read_only"


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


class UTCDateTime(TypeDecorator[datetime]):
    """An aware UTC datetime on every database (SQLite keeps no zone, so it is restored on load)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        utc = as_utc(value)
        return utc.replace(tzinfo=None) if dialect.name == "sqlite" else utc

    def process_result_value(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else as_utc(value)


def make_engine(url: str, **options: Any) -> Engine:
    """Create an engine for ``url``, tuned for the database it names."""
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        options.setdefault("connect_args", {}).setdefault("timeout", SQLITE_BUSY_TIMEOUT_MS / 1000)
        engine = create_engine(parsed, **options)
        _tune_sqlite(engine)
        return engine
    options.setdefault("pool_pre_ping", True)
    return create_engine(parsed, **options)


def _tune_sqlite(engine: Engine) -> None:
    in_memory = engine.url.database in (None, "", ":memory:")

    @event.listens_for(engine, "connect")
    def on_connect(dbapi_connection: Any, _record: Any) -> None:
        # Let SQLAlchemy, not the sqlite3 module, decide where transactions begin.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        if not in_memory:
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.close()

    @event.listens_for(engine, "begin")
    def on_begin(connection: Any) -> None:
        connection.exec_driver_sql("BEGIN" if connection.get_execution_options().get(READ_ONLY) else "BEGIN IMMEDIATE")


def make_session_factory(bind: Engine | None = None) -> sessionmaker[Session]:
    """Return a session factory whose sessions run ``after_commit`` callbacks."""
    factory = sessionmaker(bind=bind, expire_on_commit=False)
    event.listen(factory, "after_commit", _run_after_commit)
    event.listen(factory, "after_transaction_end", _forget_after_commit)
    return factory


def after_commit(session: Session | scoped_session[Session], callback: Callable[[], None]) -> None:
    """Run ``callback`` once the session's current transaction commits; drop it on rollback.

    This is how side effects (publishing a Celery task, a webhook) wait for the data they
    refer to: a task queued inside the transaction could run before the commit, or after a
    rollback, and see nothing.
    """
    if isinstance(session, scoped_session):
        session = session()
    if session.get_transaction() is None:
        session.begin()  # the callback belongs to this transaction, not to whichever comes next
    session.info.setdefault("after_commit", []).append(callback)


def end_before_outside_call(session: Session | scoped_session[Session]) -> None:
    """End the session's transaction before calling the outside world (a vendor, a mail or DNS server).

    Such a call may take seconds, and a transaction must not wait on it: on SQLite every
    transaction holds the database's write lock, on PostgreSQL a connection and its row locks.
    So a service reads what the call needs, calls this, makes the call, and writes what it
    learnt in the session's next transaction. What was read stays loaded (sessions do not
    expire on commit); whatever the caller had written is committed with it, so a caller
    calls it only once what it wrote may stand on its own.
    """
    session.commit()


def insert_new(session: Session | scoped_session[Session], table: Table, rows: list[dict[str, Any]], *,
               key: str) -> None:
    """Insert ``rows`` into ``table`` in one statement, leaving out those whose unique ``key`` is there already.

    This is how a write that may run twice (a retried task, two workers at once) writes once:
    the database decides, in the same statement, on SQLite and PostgreSQL alike.
    """
    dialect = session.get_bind().dialect.name
    insert = {"postgresql": postgresql_insert, "sqlite": sqlite_insert}[dialect]
    session.execute(insert(table).on_conflict_do_nothing(index_elements=[key]), rows)


def _run_after_commit(session: Session) -> None:
    for callback in session.info.pop("after_commit", []):
        callback()


def _forget_after_commit(session: Session, transaction: SessionTransaction) -> None:
    # Only the end of the outermost transaction decides: a rolled-back savepoint keeps
    # the work queued before it. After a commit the list is already empty.
    if transaction.parent is None:
        session.info.pop("after_commit", None)

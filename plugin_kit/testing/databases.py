"""The suite's databases and broker: each test process gets its own, and the demo is loaded once.

A test process (the only one, or each pytest-xdist worker) has two databases, both migrated at
the start of the session: an empty one, where every test starts unless it asks for the demo,
and one holding the demo platform, loaded and committed once under the clock frozen at
``FROZEN_AT``. The ``db`` fixture binds the app to one of them for a test and rolls back
whatever the test did, so each test finds it as it was.

On SQLite both are files in the session's instance folder (one per worker already). On
PostgreSQL they are named after the configured database and the worker: ``test`` and
``test_demo`` alone, ``test_gw0`` and ``test_gw0_demo`` for the first worker. A Redis broker
moves each worker to a database number of its own; a RabbitMQ broker has one virtual host for
everyone, so the suite runs in one process there (see ``pytest_xdist_auto_num_workers``).
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

from sqlalchemy import Engine, create_engine, text
from sqlalchemy.engine import URL, make_url

#: The moment the demo is loaded at, and the frozen clock's start: demo rows are never "in the future".
FROZEN_AT = datetime(2026, 3, 2, 9, 30, tzinfo=UTC)

#: Where the suite's database and broker are configured; unset, both are SQLite in the instance folder.
DATABASE_VARIABLE = "CASCADE_TEST_DATABASE_URL"
BROKER_VARIABLE = "CASCADE_TEST_BROKER_URL"


def worker_id() -> str | None:
    """This pytest-xdist worker's id (``gw0``, ``gw1``, ...), or ``None`` when the suite runs in one process."""
    return os.environ.get("PYTEST_XDIST_WORKER")


def _worker_number(worker: str) -> int:
    return int(worker.removeprefix("gw"))


@dataclass(frozen=True)
class TestDatabases:
    """Where this test process keeps its data: the empty database, the demo's, the broker."""

    __test__ = False  # not a test class, whatever its name says

    url: str
    demo_url: str
    broker_url: str

    @classmethod
    def for_process(cls, instance: Path, worker: str | None = None) -> TestDatabases:
        """The databases of the test process ``worker`` (``None``: the only one), from the environment."""
        configured = os.environ.get(DATABASE_VARIABLE)
        if configured:
            url = make_url(configured)
            name = f"{url.database}_{worker}" if worker else url.database
            empty, demo = _render(url.set(database=name)), _render(url.set(database=f"{name}_demo"))
        else:
            empty, demo = f"sqlite:///{instance / 'test.db'}", f"sqlite:///{instance / 'demo.db'}"
        broker = os.environ.get(BROKER_VARIABLE) or f"sqla+sqlite:///{instance / 'broker.db'}"
        return cls(empty, demo, _broker_for(broker, worker))

    def prepare(self) -> None:
        """Make both databases exist and hold nothing, tables included (migrations create those)."""
        for url in (self.url, self.demo_url):
            parsed = make_url(url)
            if parsed.get_backend_name() != "postgresql":
                continue  # a SQLite file is new in this session's instance folder
            if worker_id() is None and url == self.url:
                _empty_schema(parsed)  # the configured database itself: someone made it, it stays
            else:
                _recreate(parsed)


def _render(url: URL) -> str:
    return url.render_as_string(hide_password=False)


def _broker_for(url: str, worker: str | None) -> str:
    """The broker of ``worker``: a Redis database of its own; any other broker as configured."""
    parts = urlsplit(url)
    if worker is None or parts.scheme not in ("redis", "rediss"):
        return url
    number = int(parts.path.strip("/") or 0) + 1 + _worker_number(worker)
    return urlunsplit(parts._replace(path=f"/{number}"))


def _maintenance_engine(url: URL) -> Engine:
    return create_engine(url.set(database="postgres"), isolation_level="AUTOCOMMIT")


def _recreate(url: URL) -> None:
    """Drop the PostgreSQL database ``url`` names (whoever is connected) and create it anew."""
    engine = _maintenance_engine(url)
    try:
        with engine.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{url.database}" WITH (FORCE)'))
            connection.execute(text(f'CREATE DATABASE "{url.database}"'))
    finally:
        engine.dispose()


def _empty_schema(url: URL) -> None:
    engine = create_engine(url)
    try:
        with engine.begin() as connection:
            connection.execute(text("DROP SCHEMA public CASCADE"))
            connection.execute(text("CREATE SCHEMA public"))
    finally:
        engine.dispose()

"""The app under test, its database session, clients, CLI runner and clock.

Every test runs inside a transaction rolled back at its end, on the empty database, or on the
demo's when it asks for ``demo`` (directly or through a fixture that does): the demo is loaded
once per test process (see ``databases``), never once per test.
"""

from __future__ import annotations

import contextvars
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from argon2 import PasswordHasher, profiles
from flask import Flask
from flask.testing import FlaskClient, FlaskCliRunner
from sqlalchemy import Connection, Engine, event
from sqlalchemy.orm import Session

from bss.app import create_app
from bss.migrations import upgrade_database
from core.clock import FrozenTime, clock
from core.db import make_engine
from core.passwords import hasher
from core.services.demo import load_demo
from plugin_kit.testing.databases import FROZEN_AT, TestDatabases, worker_id
from plugin_kit.testing.simulators import ServedSimulator
from web.database import db as database


@pytest.fixture(scope="session", autouse=True)
def cheap_password_hashing() -> Iterator[None]:
    """argon2id at its cheapest parameters: the same code path, without 100 ms per hash."""
    with hasher(PasswordHasher.from_parameters(profiles.CHEAPEST)):
        yield


@pytest.fixture(scope="session")
def instance_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("instance")


@pytest.fixture(scope="session")
def test_databases(instance_path: Path) -> TestDatabases:
    """This test process's empty database, demo database and broker, made ready to migrate."""
    databases = TestDatabases.for_process(instance_path, worker_id())
    databases.prepare()
    return databases


@pytest.fixture(scope="session")
def test_settings(instance_path: Path, test_databases: TestDatabases) -> dict[str, Any]:
    """Settings every test app starts from: the empty test database, the broker, a temp instance folder."""
    return {
        "env": "testing",
        "instance_path": instance_path,
        "database_url": test_databases.url,
        "broker_url": test_databases.broker_url,
        "log_level": "WARNING",
    }


@pytest.fixture(scope="session")
def app(test_settings: dict[str, Any], simulators: dict[str, ServedSimulator]) -> Iterator[Flask]:
    """The app under test, on the empty database, migrated to the latest revision."""
    app = create_app(test_settings)
    engine = database.state(app).engine
    upgrade_database(engine)
    yield app
    engine.dispose()


@dataclass(frozen=True)
class DemoDatabase:
    """The demo platform, committed once in a database of its own."""

    engine: Engine
    #: What the vendors' simulators held once the demo was loaded, by simulator (those it talked to).
    simulator_states: dict[str, dict[str, object]] = field(default_factory=dict)


@pytest.fixture(scope="session")
def demo_database(app: Flask, test_databases: TestDatabases,
                  simulators: dict[str, ServedSimulator]) -> Iterator[DemoDatabase]:
    """The demo database, loaded the first time a test asks for ``demo``, as ``cascade demo load`` loads it."""
    engine = make_engine(test_databases.demo_url)
    upgrade_database(engine)
    for served in simulators.values():
        served.prepare(None)  # the demo meets the vendors as new
    with clock.frozen(FROZEN_AT), serving(app, engine) as session:
        load_demo(session)
        session.commit()
    states = {name: state for name, served in simulators.items() if served.used and (state := served.snapshot())}
    yield DemoDatabase(engine, states)
    engine.dispose()


@contextmanager
def serving(app: Flask, bind: Engine | Connection) -> Iterator[Session]:
    """Make ``app`` work on ``bind`` for the block, in an app context; its own engine is put back after.

    Requests and CLI commands run in the block share it. On a connection, a commit only ends a
    savepoint: whoever holds the connection's transaction decides what stays.
    """
    state = database.state(app)
    saved_engine, saved_kw = state.engine, dict(state.session_factory.kw)
    if isinstance(bind, Connection):
        state.engine = bind.engine
        state.session_factory.configure(bind=bind, join_transaction_mode="create_savepoint")
    else:
        state.engine = bind
        state.session_factory.configure(bind=bind)
    try:
        with app.app_context():  # its teardown closes the session
            yield database.session  # type: ignore[misc]
    finally:
        state.session_factory.kw = saved_kw
        state.engine = saved_engine


def uses_demo(request: pytest.FixtureRequest) -> bool:
    """Whether the test asks for the demo, itself or through another fixture."""
    return "demo" in request.fixturenames


@pytest.fixture
def db(app: Flask, request: pytest.FixtureRequest) -> Iterator[Session]:
    """A session whose work, commits included, is rolled back at the end of the test.

    The session is on the demo's database when the test asks for ``demo``, else on the empty
    one. The test runs inside an app context; requests and CLI commands of the test share the
    session's connection, so they see its data and their commits are rolled back too.
    """
    # The storefronts keep visitors' pages a few seconds: a test starts with none from another's data.
    app.wsgi_app.storefronts.extensions["page_cache"].clear()  # type: ignore[attr-defined]
    engine = request.getfixturevalue("demo_database").engine if uses_demo(request) else database.state(app).engine
    connection = engine.connect()
    transaction = connection.begin()
    try:
        with serving(app, connection) as session:
            yield session
    finally:
        transaction.rollback()
        connection.close()


@pytest.fixture
def make_app(app: Flask, test_settings: dict[str, Any]) -> Iterator[Callable[..., Flask]]:
    """Build another app with some settings changed; the main app's Celery is restored after."""
    built: list[Flask] = []

    def make(**overrides: Any) -> Flask:
        other = create_app({**test_settings, **overrides})
        built.append(other)
        return other

    yield make
    for other in built:
        database.state(other).engine.dispose()
    app.extensions["celery"].set_current()
    app.extensions["celery"].set_default()


class IsolatedClient(FlaskClient):
    """A test client whose requests each get their own app context, ``g`` and session.

    Without this, a request made while the test's app context is active reuses that context,
    and ``g`` or the session would carry state from one request into the next, which never
    happens in production.
    """

    def open(self, *args: Any, **kwargs: Any) -> Any:
        return contextvars.Context().run(super().open, *args, **kwargs)


@pytest.fixture
def client(app: Flask, db: Session) -> FlaskClient:
    app.test_client_class = IsolatedClient
    return app.test_client()


@pytest.fixture
def runner(app: Flask, db: Session) -> FlaskCliRunner:
    return app.test_cli_runner()


@pytest.fixture
def frozen_clock() -> Iterator[FrozenTime]:
    """Stop Cascade's clock at a known moment (``FROZEN_AT``); ``frozen_clock.advance(delta)`` moves it."""
    with clock.frozen(FROZEN_AT) as frozen:
        yield frozen


#: What ``statements`` leaves out: the transactions around the statements.
_TRANSACTION_CONTROL = ("BEGIN", "SAVEPOINT", "RELEASE", "ROLLBACK", "COMMIT")


@pytest.fixture
def selects(db: Session) -> Iterator[list[str]]:
    """The SELECT statements sent to the test's database while the test runs."""
    with _recorded(db, lambda statement: statement.startswith("SELECT")) as sent:
        yield sent


@pytest.fixture
def statements(db: Session) -> Iterator[list[str]]:
    """The SQL statements sent to the test's database while the test runs, transaction control left out."""
    with _recorded(db, lambda statement: not statement.startswith(_TRANSACTION_CONTROL)) as sent:
        yield sent


@contextmanager
def _recorded(db: Session, keep: Callable[[str], bool]) -> Iterator[list[str]]:
    """The statements ``keep`` keeps (it reads them upper-cased, leading space stripped), as they are sent."""
    sent: list[str] = []

    def record(_conn: Any, _cursor: Any, statement: str, *_args: object) -> None:
        if keep(statement.lstrip().upper()):
            sent.append(statement)

    engine = db.get_bind().engine
    event.listen(engine, "before_cursor_execute", record)
    try:
        yield sent
    finally:
        event.remove(engine, "before_cursor_execute", record)

"""The database for every web app: plain SQLAlchemy for Flask, one engine per app, one session per app context.

The back office creates the engine; the storefronts and plugin pages share it (``init_app(app, state)``).
A view that only reads says so (``reads_only``): its request's transaction then begins without taking
SQLite's write lock (``core.db.READ_ONLY``), so such pages of every worker are served side by side.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TypeVar

from flask import Flask, current_app, request
from flask.globals import app_ctx
from sqlalchemy import Engine
from sqlalchemy.orm import Session, scoped_session, sessionmaker

from core.db import READ_ONLY, make_engine, make_session_factory

View = TypeVar("View", bound=Callable[..., object])


@dataclass
class DatabaseState:
    engine: Engine
    session_factory: sessionmaker[Session]


class Database:
    """Plain SQLAlchemy for Flask: one engine per app, one session per app context."""

    def __init__(self) -> None:
        self.session: scoped_session[Session] = scoped_session(
            self._new_session, scopefunc=lambda: id(app_ctx._get_current_object())
        )

    def init_app(self, app: Flask, state: DatabaseState | None = None) -> None:
        """Give ``app`` an engine and sessions of its own, or those of another app (``state``)."""
        if state is None:
            engine = make_engine(app.config["CASCADE_DATABASE_URL"])
            state = DatabaseState(engine, make_session_factory(engine))
        app.extensions["cascade.db"] = state
        app.before_request(self._begin_reading)  # the first of the app's: before any statement
        app.teardown_appcontext(self._remove_session)

    @staticmethod
    def state(app: Flask | None = None) -> DatabaseState:
        return (app or current_app).extensions["cascade.db"]

    @property
    def engine(self) -> Engine:
        return self.state().engine

    def _new_session(self) -> Session:
        return self.state().session_factory()

    def _begin_reading(self) -> None:
        if getattr(current_app.view_functions.get(request.endpoint or ""), "reads_only", False):
            self.session.connection(execution_options={READ_ONLY: True})

    def _remove_session(self, _exc: BaseException | None) -> None:
        self.session.remove()


def reads_only(view: View) -> View:
    """Mark ``view`` as one that writes nothing: its transaction begins without SQLite's write lock. Were it to write
    after all, SQLite could refuse it ("database is locked") while another worker writes: mark only pure reads."""
    view.reads_only = True  # type: ignore[attr-defined]
    return view


db = Database()

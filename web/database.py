"""The database for every web app: plain SQLAlchemy for Flask, one engine per app, one session per app context.

The back office creates the engine; the storefronts and plugin pages share it (``init_app(app, state)``).
"""

from __future__ import annotations

from dataclasses import dataclass

from flask import Flask, current_app
from flask.globals import app_ctx
from sqlalchemy import Engine
from sqlalchemy.orm import Session, scoped_session, sessionmaker

from core.db import make_engine, make_session_factory


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
        app.teardown_appcontext(self._remove_session)

    @staticmethod
    def state(app: Flask | None = None) -> DatabaseState:
        return (app or current_app).extensions["cascade.db"]

    @property
    def engine(self) -> Engine:
        return self.state().engine

    def _new_session(self) -> Session:
        return self.state().session_factory()

    def _remove_session(self, _exc: BaseException | None) -> None:
        self.session.remove()


db = Database()

"""Extensions, created unbound here and bound to an app in the factory."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from celery import Celery, Task
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


def celery_init_app(app: Flask) -> Celery:
    """Bind a Celery app whose tasks run inside this Flask app's context (Flask docs pattern)."""

    class FlaskTask(Task):
        def __call__(self, *args: Any, **kwargs: Any) -> Any:
            with app.app_context():
                return self.run(*args, **kwargs)

    celery = Celery(app.name, task_cls=FlaskTask)
    celery.config_from_object(app.config["CELERY"])
    celery.set_default()
    app.extensions["celery"] = celery
    return celery


db = Database()

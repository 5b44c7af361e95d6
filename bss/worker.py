"""Celery: bound to the Flask app, reliable delivery on every broker, the beat schedule, and the embedded broker's upkeep."""

from __future__ import annotations

import json
import socket
import sqlite3
import threading
import time
from datetime import datetime, timedelta
from functools import cached_property
from queue import Empty
from typing import Any
from urllib.parse import urlsplit

from celery import Celery, Task
from flask import Flask
from kombu.transport import sqlalchemy as kombu_sqlalchemy
from sqlalchemy import Engine, create_engine, event, insert, text
from sqlalchemy.engine import make_url

from core.db import SQLITE_BUSY_TIMEOUT_MS, make_engine
from web.config import Settings

#: Longest a task may run, with its retry countdowns; Redis must not redeliver before it ends.
LONGEST_TASK_SECONDS = 6 * 3600

#: How often an idle worker asks the embedded SQLite broker for messages whatever happened.
SQLITE_POLLING_SECONDS = 0.2
#: How often an idle worker looks whether anyone wrote to the embedded broker's file.
SQLITE_NEWS_SECONDS = 0.005

#: Messages each worker process holds ahead of the one it runs.
PREFETCH_PER_PROCESS = 4


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


class _SQLiteBrokerChannel(kombu_sqlalchemy.Channel):  # type: ignore[misc]
    """kombu's channel on a write-ahead-logged SQLite file, publishing in one statement, that tells
    its transport when a message is done with (a place to prefetch into is free)."""

    def __init__(self, connection: Any, **kwargs: Any) -> None:
        super().__init__(connection, **kwargs)
        self._queue_ids: dict[str, int] = {}

    def _engine_from_config(self) -> Engine:
        # Not Cascade's engine: kombu begins its own transactions (BEGIN IMMEDIATE to take a message).
        engine = create_engine(self.connection.client.hostname, connect_args={"timeout": SQLITE_BUSY_TIMEOUT_MS / 1000})
        event.listen(engine, "connect", _write_ahead)
        return engine

    def _put(self, queue: str, payload: Any, **kwargs: Any) -> None:
        # kombu adds the message through the ORM's unit of work, which costs the web app's
        # commit more than the INSERT itself.
        queue_id = self._queue_ids.get(queue)
        if queue_id is None:
            queue_id = self._queue_ids[queue] = self._get_or_create(queue).id
        self.session.execute(insert(self.message_cls.__table__), {"queue_id": queue_id, "payload": json.dumps(payload)})
        self.session.commit()

    def basic_ack(self, delivery_tag: str, multiple: bool = False) -> None:
        super().basic_ack(delivery_tag, multiple)
        self.connection.place_freed.set()

    def basic_reject(self, delivery_tag: str, requeue: bool = False) -> None:
        super().basic_reject(delivery_tag, requeue)
        self.connection.place_freed.set()


def _write_ahead(dbapi_connection: Any, _record: Any) -> None:
    """Commit to a write-ahead log, synced at checkpoints: a publish costs the web app no fsync."""
    dbapi_connection.execute("PRAGMA journal_mode=WAL")
    dbapi_connection.execute("PRAGMA synchronous=NORMAL")


class SQLiteBrokerTransport(kombu_sqlalchemy.Transport):  # type: ignore[misc]
    """kombu's SQLAlchemy transport on a tuned SQLite file, that fetches as soon as there is news.

    Its channel's engine commits to a write-ahead log with a busy timeout, as Cascade's own
    database does, so web, worker and beat share the file safely and a publish costs the web
    app no fsync; kombu begins its own transactions.

    kombu's virtual transport sleeps a whole polling interval whenever it fetches nothing: when
    the queue is empty, and when the worker holds as many messages as it may prefetch (it does
    not even ask the broker then), so a worker that finished its tasks in 5 ms idled 0.2 s
    before fetching more, and an order waited up to 0.2 s for an idle worker. Here a worker
    that fetched nothing waits until a message is done with or the file changed (``PRAGMA
    data_version``, a read of a counter without any lock, every ``SQLITE_NEWS_SECONDS``), and
    at most the polling interval.
    """

    Channel = _SQLiteBrokerChannel
    # kombu hands every transport option to ``create_engine``, so the interval cannot travel as one.
    polling_interval = SQLITE_POLLING_SECONDS

    def __init__(self, client: Any, **kwargs: Any) -> None:
        super().__init__(client, **kwargs)
        self.place_freed = threading.Event()

    def drain_events(self, connection: Any, timeout: float | None = None) -> None:
        deadline = None if timeout is None else time.monotonic() + timeout
        while True:
            self.place_freed.clear()
            version = self._file_version()
            try:
                self.cycle.get(self._deliver, timeout=timeout)
                return
            except Empty:
                self._wait_for_news(version, deadline)

    def _wait_for_news(self, version: int, deadline: float | None) -> None:
        """Return once a message is done with, the file changed since ``version`` or the polling
        interval passed; raise ``socket.timeout`` at ``deadline``."""
        give_up = time.monotonic() + self.polling_interval
        while not self.place_freed.wait(SQLITE_NEWS_SECONDS):
            now = time.monotonic()
            if deadline is not None and now >= deadline:
                raise socket.timeout()
            if now >= give_up or self._file_version() != version:
                return

    def _file_version(self) -> int:
        """A number that changes whenever another connection commits to the broker's file."""
        return self._watching.execute("PRAGMA data_version").fetchone()[0]

    @cached_property
    def _watching(self) -> sqlite3.Connection:
        return sqlite3.connect(make_url(self.client.hostname).database or "", check_same_thread=False)


BEAT_SCHEDULE = {
    "sweep-outbox": {"task": "bss.tasks.sweep_outbox", "schedule": 60.0},
    # Often: a dead worker's request is retaken once its lease (45 s) has run out.
    "sweep-provisioning": {"task": "bss.tasks.sweep_provisioning", "schedule": 15.0},
    "run-renewals": {"task": "bss.tasks.run_renewals", "schedule": 60.0},
    "run-billing": {"task": "bss.tasks.run_billing_daily", "schedule": 3600.0},
    "run-scheduled-jobs": {"task": "bss.tasks.run_scheduled_jobs", "schedule": 60.0},
    "purge-idempotency-keys": {"task": "bss.tasks.purge_idempotency", "schedule": 3600.0},
    "close-resolved-tickets": {"task": "bss.tasks.close_resolved", "schedule": 3600.0},
    "expire-transfers": {"task": "bss.tasks.expire_unanswered_transfers", "schedule": 3600.0},
}


def celery_settings(settings: Settings) -> dict[str, Any]:
    """Return Celery's configuration for ``settings``."""
    broker_url = settings.broker_url
    scheme = urlsplit(broker_url).scheme
    broker: dict[str, Any] = {"broker_url": broker_url}
    schedule = dict(BEAT_SCHEDULE)
    if scheme == "sqla+sqlite":
        broker = {"broker_url": broker_url.removeprefix("sqla+"), "broker_transport": SQLiteBrokerTransport}
        schedule["sweep-embedded-broker"] = {"task": "bss.tasks.sweep_embedded_broker", "schedule": 3600.0}
    elif scheme in ("redis", "rediss"):
        broker["broker_transport_options"] = {"visibility_timeout": LONGEST_TASK_SECONDS}
    return {
        **broker,
        "imports": ("bss.tasks",),
        "broker_connection_retry_on_startup": True,
        "task_ignore_result": True,
        # A task is acknowledged when it finishes, and redelivered if its worker dies.
        "task_acks_late": True,
        "task_reject_on_worker_lost": True,
        # Tasks are short (an order is one task, of tens of milliseconds), so each worker process
        # holds a few more, ready to run as soon as it is free, instead of asking the broker
        # after each. A worker killed with SIGKILL may leave its reserved messages unacknowledged
        # until the broker redelivers them (Redis: after the visibility timeout); the sweeps
        # republish what they stood for long before that (bss.tasks).
        "worker_prefetch_multiplier": PREFETCH_PER_PROCESS,
        "task_default_queue": "cascade",
        "task_publish_retry_policy": {"max_retries": 3, "interval_start": 0.2, "interval_step": 0.5},
        "timezone": "UTC",
        "enable_utc": True,
        "worker_hijack_root_logger": False,
        "beat_schedule": schedule,
    }


def forget_delivered_messages(broker_url: str, older_than: timedelta) -> int:
    """Delete what the embedded SQLite broker delivered more than ``older_than`` ago; return how many.

    kombu's SQLAlchemy transport marks a delivered message invisible and keeps it for good, so
    the broker's file would grow with every task. kombu stamps messages in local time.
    """
    engine = make_engine(broker_url.removeprefix("sqla+"))
    try:
        with engine.begin() as connection:
            deleted = connection.execute(
                text("DELETE FROM kombu_message WHERE visible = 0 AND timestamp < :cutoff"),
                {"cutoff": datetime.now() - older_than},
            )
        return deleted.rowcount
    finally:
        engine.dispose()

"""Celery: bound to the Flask app, reliable delivery on every broker, the beat schedule, and the embedded broker's upkeep."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any
from urllib.parse import urlsplit

from celery import Celery, Task
from flask import Flask
from kombu.transport import sqlalchemy as kombu_sqlalchemy
from sqlalchemy import Engine, text

from core.db import make_engine
from web.config import Settings

#: Longest a task may run, with its retry countdowns; Redis must not redeliver before it ends.
LONGEST_TASK_SECONDS = 6 * 3600

#: How often the embedded SQLite broker is polled: low enough for a responsive demo.
SQLITE_POLLING_SECONDS = 0.2


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


class SQLiteBrokerTransport(kombu_sqlalchemy.Transport):  # type: ignore[misc]
    """kombu's SQLAlchemy transport on a tuned SQLite engine, polled often.

    kombu hands every transport option to ``create_engine``, so the polling interval cannot
    travel as an option and is set here; the engine gets the same WAL, busy timeout and
    immediate transactions as Cascade's own database, so web, worker and beat share it safely.
    """

    polling_interval = SQLITE_POLLING_SECONDS

    def _engine_from_config(self) -> Engine:
        return make_engine(self.client.hostname)


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
    broker: dict[str, Any] = {"broker_url": broker_url, "worker_prefetch_multiplier": 1}
    schedule = dict(BEAT_SCHEDULE)
    if scheme == "sqla+sqlite":
        broker = {
            "broker_url": broker_url.removeprefix("sqla+"),
            "broker_transport": SQLiteBrokerTransport,
            # kombu stops polling once a worker holds as many messages as it may prefetch, then
            # sleeps a whole interval: with 1, a burst of orders ran at 3 a second, with 4 at 28
            # (bench/orders.py). A killed worker's reserved messages are republished by the sweeps.
            "worker_prefetch_multiplier": 4,
        }
        schedule["sweep-embedded-broker"] = {"task": "bss.tasks.sweep_embedded_broker", "schedule": 3600.0}
    elif scheme in ("redis", "rediss"):
        broker["broker_transport_options"] = {"visibility_timeout": LONGEST_TASK_SECONDS}
    return {
        **broker,
        "broker_connection_retry_on_startup": True,
        "task_ignore_result": True,
        # A task is acknowledged when it finishes, and redelivered if its worker dies.
        "task_acks_late": True,
        "task_reject_on_worker_lost": True,
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

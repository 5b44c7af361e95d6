"""The embedded SQLite broker: a write-ahead-logged file that forgets what it delivered, so that it does not grow for ever."""

import sqlite3
from datetime import timedelta

from kombu import Connection

from bss.worker import SQLiteBrokerTransport, celery_settings, forget_delivered_messages
from web.config import load_settings


def _rows(path):
    with sqlite3.connect(path) as connection:
        return connection.execute("SELECT visible, COUNT(*) FROM kombu_message GROUP BY visible ORDER BY visible").fetchall()


def test_delivered_messages_are_deleted_and_waiting_ones_kept(tmp_path):
    url = f"sqla+sqlite:///{tmp_path / 'broker.db'}"
    with Connection(url.removeprefix("sqla+"), transport=SQLiteBrokerTransport) as connection:
        queue = connection.SimpleQueue("cascade")
        queue.put({"task": "delivered"})
        queue.put({"task": "waiting"})
        queue.get(timeout=5).ack()
        queue.close()
    assert _rows(tmp_path / "broker.db") == [(0, 1), (1, 1)]
    with sqlite3.connect(tmp_path / "broker.db") as connection:  # a publish costs the web app no fsync
        assert connection.execute("PRAGMA journal_mode").fetchone() == ("wal",)
    assert forget_delivered_messages(url, timedelta(days=1)) == 0  # delivered just now: kept a while
    assert forget_delivered_messages(url, timedelta(0)) == 1
    assert _rows(tmp_path / "broker.db") == [(1, 1)]


def test_only_the_embedded_broker_is_swept(tmp_path):
    embedded = celery_settings(load_settings({}, instance_path=tmp_path))
    redis = celery_settings(load_settings({"CASCADE_BROKER_URL": "redis://127.0.0.1:6379/0"}, instance_path=tmp_path))
    assert "sweep-embedded-broker" in embedded["beat_schedule"] and "sweep-embedded-broker" not in redis["beat_schedule"]

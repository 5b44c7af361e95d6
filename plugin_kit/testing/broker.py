"""Reading what was published to the test broker, as a worker would receive it."""

from __future__ import annotations

from queue import Empty
from typing import Any

from flask import Flask


def purge(app: Flask) -> None:
    """Throw away every message waiting on the app's broker."""
    app.extensions["celery"].control.purge()


def published(app: Flask, wait: float = 1.0) -> list[tuple[str, tuple[Any, ...]]]:
    """Take every message off the default queue; return each task's name and arguments."""
    celery = app.extensions["celery"]
    tasks = []
    with celery.connection_for_read() as connection:
        queue = connection.SimpleQueue(celery.conf.task_default_queue)
        try:
            while True:
                message = queue.get(timeout=wait)
                tasks.append((message.headers["task"], tuple(message.payload[0])))
                message.ack()
        except Empty:
            pass
        finally:
            queue.close()
    return tasks

"""Structured logging: every line carries the id of the request or task it belongs to."""

from __future__ import annotations

import json
import logging
import re
import time
import uuid
from contextvars import ContextVar
from typing import Any, TextIO

from celery.signals import task_postrun, task_prerun
from flask import Flask, Response, g, request

REQUEST_ID_HEADER = "X-Request-ID"
_VALID_REQUEST_ID = re.compile(r"^[A-Za-z0-9._-]{8,128}$")

request_id: ContextVar[str] = ContextVar("request_id", default="-")


class _RequestIdFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = request_id.get()
        return True


class JSONFormatter(logging.Formatter):
    """One JSON object per line, for log collectors."""

    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, Any] = {
            "time": self.formatTime(record, "%Y-%m-%dT%H:%M:%S") + f".{int(record.msecs):03d}Z",
            "level": record.levelname,
            "logger": record.name,
            "request_id": getattr(record, "request_id", "-"),
            "message": record.getMessage(),
        }
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        return json.dumps(entry, ensure_ascii=False)


def log_handler(fmt: str, stream: TextIO | None = None) -> logging.Handler:
    """Return a handler writing text or JSON lines to ``stream`` (stderr by default)."""
    handler = logging.StreamHandler(stream)
    handler.addFilter(_RequestIdFilter())
    formatter = (
        JSONFormatter()
        if fmt == "json"
        else logging.Formatter("%(asctime)s %(levelname)s [%(request_id)s] %(name)s: %(message)s")
    )
    formatter.converter = time.gmtime
    handler.setFormatter(formatter)
    return handler


def configure_logging(level: str, fmt: str) -> None:
    """Send every log line to stderr, tagged with the current request id; safe to call again."""
    root = logging.getLogger()
    for existing in [h for h in root.handlers if getattr(h, "_cascade", False)]:
        root.removeHandler(existing)
    handler = log_handler(fmt)
    handler._cascade = True  # type: ignore[attr-defined]
    root.addHandler(handler)
    root.setLevel(level.upper())


def init_request_ids(app: Flask) -> None:
    """Give each request an id (the caller's ``X-Request-ID`` if sane) and echo it back."""

    @app.before_request
    def assign_request_id() -> None:
        incoming = request.headers.get(REQUEST_ID_HEADER, "")
        g.request_id = incoming if _VALID_REQUEST_ID.match(incoming) else uuid.uuid4().hex
        g.request_id_token = request_id.set(g.request_id)

    @app.after_request
    def echo_request_id(response: Response) -> Response:
        if "request_id" in g:
            response.headers[REQUEST_ID_HEADER] = g.request_id
        return response

    @app.teardown_request
    def forget_request_id(_exc: BaseException | None) -> None:
        token = g.pop("request_id_token", None)
        if token is not None:
            request_id.reset(token)


@task_prerun.connect
def _tag_task_logs(task_id: str | None = None, **_kwargs: Any) -> None:
    request_id.set(task_id or "-")


@task_postrun.connect
def _untag_task_logs(**_kwargs: Any) -> None:
    request_id.set("-")

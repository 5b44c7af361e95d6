"""``/healthz``: whether this process can reach the database and the broker."""

from __future__ import annotations

import logging

from flask import Blueprint, Response, current_app, jsonify
from sqlalchemy import text

from web.database import db

log = logging.getLogger(__name__)
bp = Blueprint("health", __name__)

BROKER_TIMEOUT_SECONDS = 3.0


def _database_ok() -> bool:
    try:
        db.session.execute(text("SELECT 1"))
    except Exception:
        log.exception("health check: database unreachable")
        return False
    return True


def _broker_ok() -> bool:
    celery = current_app.extensions["celery"]
    try:
        with celery.connection_for_write() as connection:
            connection.ensure_connection(max_retries=1, interval_start=0, timeout=BROKER_TIMEOUT_SECONDS)
    except Exception:
        log.exception("health check: broker unreachable")
        return False
    return True


@bp.get("/healthz")
def healthz() -> Response:
    parts = {"database": _database_ok(), "broker": _broker_ok()}
    healthy = all(parts.values())
    body = {"status": "ok" if healthy else "unavailable"}
    body.update({name: "ok" if ok else "down" for name, ok in parts.items()})
    response = jsonify(body)
    response.status_code = 200 if healthy else 503
    response.headers["Cache-Control"] = "no-store"
    return response

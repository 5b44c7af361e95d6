"""The JSON API under ``/api/v1``: bearer API keys, problem details, an OpenAPI document.

Each view declares its operation (``bss.api.operations``); the blueprint authenticates the
caller before any view runs, and ``/api/v1/openapi.json`` describes every route.
"""

from typing import Any

from flask import Blueprint

from bss.api.auth import authenticate, challenge
from bss.api.fields import MAX_ID
from bss.api.idempotency import replay_repeated_write
from core.errors import NotFoundError

bp = Blueprint("api", __name__, url_prefix="/api/v1")
bp.before_request(authenticate)
bp.before_request(replay_repeated_write)
bp.after_request(challenge)


@bp.url_value_preprocessor
def ids_fit_the_database(_endpoint: str | None, values: dict[str, Any] | None) -> None:
    """An id too big for any database integer names nothing (and must not reach the database)."""
    for name, value in (values or {}).items():
        if isinstance(value, int) and value > MAX_ID:
            raise NotFoundError(f"No {name.removesuffix('_id')} {value}.")


from bss.api import (  # noqa: E402,F401  (routes register on import)
    accounts,
    catalog,
    docs,
    me,
    members,
    orders,
    price_lists,
    product_users,
    products,
    subscriptions,
    tasks,
    teams,
)

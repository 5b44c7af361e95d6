"""The JSON API under ``/api/v1``: bearer API keys, problem details, an OpenAPI document.

Each view declares its operation (``web.api.operations``); the caller is authenticated before
any view runs, the core's and the plugins' alike (``api_routes`` hook), and
``/api/v1/openapi.json`` describes every route.
"""

from typing import Any

from flask import Blueprint, Flask

from core.errors import NotFoundError
from core.plugins import pm
from web.api.auth import authenticate, challenge
from web.api.fields import MAX_ID
from web.api.idempotency import replay_repeated_write

PREFIX = "/api/v1"

bp = Blueprint("api", __name__, url_prefix=PREFIX)
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
    billing,
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


def init_plugin_api(app: Flask) -> None:
    """Mount every plugin's API blueprint under ``/api/v1``, behind the same authentication,
    idempotency, challenge and id checks as the core's routes."""
    for found in pm.hook.api_routes():
        for blueprint in found or ():
            app.register_blueprint(blueprint, url_prefix=f"{PREFIX}{blueprint.url_prefix or ''}")
            app.before_request_funcs.setdefault(blueprint.name, []).extend([authenticate, replay_repeated_write])
            app.after_request_funcs.setdefault(blueprint.name, []).append(challenge)
            app.url_value_preprocessors.setdefault(blueprint.name, []).append(ids_fit_the_database)

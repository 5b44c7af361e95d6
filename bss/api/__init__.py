"""The JSON API under ``/api/v1``: bearer API keys, problem details, an OpenAPI document.

Each view declares its operation (``web.api.operations``); the caller is authenticated before
any view runs, the core's and the plugins' alike (``api_routes`` hook), and
``/api/v1/openapi.json`` describes every route.
"""

from flask import Blueprint, Flask

from core.plugins import pm
from web.api.auth import authenticate, challenge
from web.api.idempotency import replay_repeated_write
from web.api.operations import allow_uploads

PREFIX = "/api/v1"

bp = Blueprint("api", __name__, url_prefix=PREFIX)
bp.url_value_preprocessor(allow_uploads)
bp.before_request(authenticate)
bp.before_request(replay_repeated_write)
bp.after_request(challenge)


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
    tickets,
    transfers,
)


def init_plugin_api(app: Flask) -> None:
    """Mount every plugin's API blueprint under ``/api/v1``, behind the same authentication,
    idempotency and challenge as the core's routes (ids past a database integer match no route: ``web.input_checks``)."""
    for found in pm.hook.api_routes():
        for blueprint in found or ():
            app.register_blueprint(blueprint, url_prefix=f"{PREFIX}{blueprint.url_prefix or ''}")
            app.url_value_preprocessors.setdefault(blueprint.name, []).append(allow_uploads)
            app.before_request_funcs.setdefault(blueprint.name, []).extend([authenticate, replay_repeated_write])
            app.after_request_funcs.setdefault(blueprint.name, []).append(challenge)

"""``/me``: who an API key acts as."""

from __future__ import annotations

from flask import Response

from bss.api import bp
from bss.api.people_schemas import MeSchema
from web.api.auth import current_caller
from web.api.operations import operation, respond


@bp.get("/me")
@operation(summary="The person, account, team and permissions the API key acts with.", response=MeSchema)
def me() -> Response:
    return respond(current_caller())

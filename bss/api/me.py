"""``/me``: who an API key acts as."""

from __future__ import annotations

from flask import Response

from bss.api import bp
from bss.api.auth import current_caller
from bss.api.operations import operation, respond
from bss.api.schemas import MeSchema


@bp.get("/me")
@operation(summary="The person, account, team and permissions the API key acts with.", response=MeSchema)
def me() -> Response:
    return respond(current_caller())

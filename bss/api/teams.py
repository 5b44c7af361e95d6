"""``/accounts/{id}/teams``: an account's teams, what they may do and how many people are in them."""

from __future__ import annotations

from flask import Response

from bss.api import bp
from bss.api.people_schemas import TeamPageSchema
from core.permissions import Permission
from core.services.accounts import get_account
from core.services.teams import teams_of
from web.api.auth import current_caller
from web.api.operations import operation, respond
from web.api.paging import Page
from web.database import db


@bp.get("/accounts/<int:account_id>/teams")
@operation(
    summary="List an account's teams (all of them: the list has a single page).",
    response=TeamPageSchema,
    permission=Permission.MANAGE_TEAM,
)
def teams(account_id: int) -> Response:
    account = get_account(db.session, current_caller().account, account_id)
    return respond(Page(teams_of(db.session, account)))

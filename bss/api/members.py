"""``/accounts/{id}/members``: the people in an account's teams."""

from __future__ import annotations

from flask import Response

from bss.api import bp
from bss.api.people_schemas import MemberPageSchema
from core.permissions import Permission
from core.services.accounts import get_account
from core.services.teams import members_of
from web.api.auth import current_caller
from web.api.operations import operation, respond
from web.api.paging import Page
from web.database import db


@bp.get("/accounts/<int:account_id>/members")
@operation(
    summary="List the people in an account's teams (all of them: the list has a single page).",
    response=MemberPageSchema,
    permission=Permission.MANAGE_TEAM,
)
def members(account_id: int) -> Response:
    account = get_account(db.session, current_caller().account, account_id)
    return respond(Page(members_of(db.session, account)))

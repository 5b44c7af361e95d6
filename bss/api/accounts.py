"""``/accounts``: the accounts below the caller's, and the caller's own."""

from __future__ import annotations

from flask import Response, url_for

from bss.api import bp
from bss.api.account_schemas import (
    AccountChangeSchema,
    AccountCreateSchema,
    AccountPageSchema,
    AccountQuerySchema,
    AccountSchema,
)
from core.permissions import Permission
from core.services.account_changes import create_account_below, update_account
from core.services.accounts import get_account, list_accounts
from web.api.auth import current_caller
from web.api.idempotency import commit_and_respond
from web.api.operations import operation, request_args, request_body, respond
from web.api.paging import page_of
from web.database import db


@bp.get("/accounts")
@operation(
    summary="List the accounts below yours, by id.",
    response=AccountPageSchema,
    query=AccountQuerySchema,
)
def accounts() -> Response:
    args = request_args()
    rows = list_accounts(
        db.session,
        current_caller().account,
        kind=args.get("kind"),
        search=args.get("q"),
        after_id=args.get("cursor"),
        limit=args["limit"] + 1,
    )
    return respond(page_of(rows, args["limit"]))


@bp.post("/accounts")
@operation(
    summary="Open a reseller or customer account below yours.",
    response=AccountSchema,
    status=201,
    body=AccountCreateSchema,
    permission=Permission.MANAGE_ACCOUNTS,
    idempotent=True,
    description="A slug or primary domain another account has answers 409, naming the field.",
)
def create_account() -> Response:
    caller = current_caller()
    account = create_account_below(db.session, viewer=caller.account, by=caller.user, **request_body())
    return commit_and_respond(
        account, headers={"Location": url_for("api.account", account_id=account.id, _external=True)})


@bp.get("/accounts/<int:account_id>")
@operation(summary="Read your account or one below it.", response=AccountSchema)
def account(account_id: int) -> Response:
    return respond(get_account(db.session, current_caller().account, account_id))


@bp.patch("/accounts/<int:account_id>")
@operation(
    summary="Change the name, reselling box or primary domain of an account.",
    response=AccountSchema,
    body=AccountChangeSchema,
    permission=Permission.MANAGE_ACCOUNTS,
    conflicts=True,
)
def change_account(account_id: int) -> Response:
    caller = current_caller()
    changed = update_account(
        db.session, viewer=caller.account, account_id=account_id, by=caller.user, changes=request_body()
    )
    db.session.commit()
    return respond(changed)

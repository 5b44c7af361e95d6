"""The accounts a seller sells to: search, pages, and each account's details."""

from __future__ import annotations

from flask import render_template, request
from flask_login import login_required

from bss.auth import acting_account
from bss.backoffice import bp
from bss.extensions import db
from core.errors import ValidationError
from core.models.accounts import AccountKind
from core.services.accounts import get_account, list_accounts

PAGE_SIZE = 50


@bp.get("/accounts")
@login_required
def accounts() -> str:
    kind_value = request.args.get("kind") or None
    try:
        kind = AccountKind(kind_value) if kind_value else None
    except ValueError:
        raise ValidationError({"kind": [f"{kind_value!r} is not an account kind."]}) from None
    search = request.args.get("q", "").strip()
    after = request.args.get("after", type=int)
    page = list_accounts(
        db.session,
        acting_account(),
        kind=kind,
        search=search or None,
        after_id=after,
        limit=PAGE_SIZE + 1,
    )
    next_after = page[PAGE_SIZE - 1].id if len(page) > PAGE_SIZE else None
    return render_template(
        "backoffice/accounts.html",
        accounts=page[:PAGE_SIZE],
        kind=kind_value,
        q=search,
        next_after=next_after,
        kinds=list(AccountKind),
    )


@bp.get("/accounts/<int:account_id>")
@login_required
def account(account_id: int) -> str:
    shown = get_account(db.session, acting_account(), account_id)
    return render_template("backoffice/account.html", shown=shown)

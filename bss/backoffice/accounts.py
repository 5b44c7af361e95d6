"""The accounts a seller sells to: search, pages, opening new ones and editing them."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from werkzeug.wrappers import Response

from bss.auth import acting_account, can
from bss.backoffice import bp
from core.errors import ValidationError
from core.models.accounts import Account, AccountKind
from core.permissions import Permission
from core.services.account_changes import create_account_below, update_account
from core.services.accounts import ALLOWED_PARENTS, get_account, list_accounts
from core.services.people import require_permission
from core.services.price_lists import wholesale_tiers
from web.database import db

PAGE_SIZE = 50


def _kinds_to_open() -> list[AccountKind]:
    """What the acting account may open below it: distributors open resellers too."""
    if acting_account().kind is AccountKind.DISTRIBUTOR:
        return [AccountKind.RESELLER, AccountKind.CUSTOMER]
    return [AccountKind.CUSTOMER] if acting_account().kind is AccountKind.RESELLER else []


def _accounts_page(status: int = 200, errors: dict[str, list[str]] | None = None) -> tuple[str, int]:
    kind_value = request.args.get("kind") or None
    try:
        kind = AccountKind(kind_value) if kind_value else None
    except ValueError:
        raise ValidationError({"kind": [f"{kind_value!r} is not an account kind."]}) from None
    search = request.args.get("q", "").strip()
    page = list_accounts(
        db.session,
        acting_account(),
        kind=kind,
        search=search or None,
        after_id=request.args.get("after", type=int),
        limit=PAGE_SIZE + 1,
    )
    body = render_template(
        "backoffice/accounts.html",
        accounts=page[:PAGE_SIZE],
        kind=kind_value,
        q=search,
        next_after=page[PAGE_SIZE - 1].id if len(page) > PAGE_SIZE else None,
        kinds=list(AccountKind),
        may_open=can(Permission.MANAGE_ACCOUNTS) and _kinds_to_open(),
        kinds_to_open=_kinds_to_open(),
        errors=errors or {},
        form=request.form,
    )
    return body, status


@bp.get("/accounts")
@login_required
def accounts() -> tuple[str, int]:
    return _accounts_page()


@bp.post("/accounts")
@login_required
def open_account() -> Response | tuple[str, int]:
    viewer = acting_account()
    require_permission(db.session, current_user.user, viewer, Permission.MANAGE_ACCOUNTS)
    try:
        kind = AccountKind(request.form.get("kind", ""))
    except ValueError:
        return _accounts_page(422, {"kind": ["Choose what kind of account to open."]})
    try:
        account = create_account_below(
            db.session,
            viewer=viewer,
            by=current_user.user,
            kind=kind,
            name=request.form.get("name", ""),
            slug=request.form.get("slug", ""),
            reselling_enabled=request.form.get("reselling_enabled") == "on",
            primary_domain=request.form.get("primary_domain") or None,
        )
    except ValidationError as error:
        db.session.rollback()
        return _accounts_page(422, error.fields)
    db.session.commit()
    flash(f"{account.name} is open.", "info")
    return redirect(url_for("backoffice.account", account_id=account.id))


def _render_account(shown: Account, errors: dict[str, list[str]] | None = None, status: int = 200) -> tuple[str, int]:
    viewer = acting_account()
    may_edit = can(Permission.MANAGE_ACCOUNTS)
    sellers = []
    if may_edit and shown.id != viewer.id:
        candidates = [viewer, *list_accounts(db.session, viewer, kind=AccountKind.RESELLER, limit=1000)]
        sellers = [seller for seller in candidates if seller.kind in ALLOWED_PARENTS[shown.kind]]
    page = render_template(
        "backoffice/account.html",
        shown=shown,
        acting_account_id=viewer.id,
        may_edit=may_edit,
        sellers=sellers,
        tiers=wholesale_tiers(db.session, viewer.id) if may_edit and shown.kind is AccountKind.RESELLER
        and shown.parent_id == viewer.id else [],
        errors=errors or {},
    )
    return page, status


@bp.get("/accounts/<int:account_id>")
@login_required
def account(account_id: int) -> tuple[str, int]:
    return _render_account(get_account(db.session, acting_account(), account_id))


@bp.post("/accounts/<int:account_id>")
@login_required
def edit_account(account_id: int) -> Response | tuple[str, int]:
    viewer = acting_account()
    shown = get_account(db.session, viewer, account_id)
    require_permission(db.session, current_user.user, viewer, Permission.MANAGE_ACCOUNTS)
    changes: dict[str, object] = {"name": request.form.get("name", "")}
    for optional in ("primary_domain", "tax_id"):
        if optional in request.form:
            changes[optional] = request.form[optional] or None
    if shown.id != viewer.id:
        changes["reselling_enabled"] = request.form.get("reselling_enabled") == "on"
        if "tier" in request.form:
            changes["tier"] = request.form["tier"] or None
        if request.form.get("parent_id", type=int):
            changes["parent_id"] = request.form.get("parent_id", type=int)
    try:
        update_account(db.session, viewer=viewer, account_id=account_id, by=current_user.user, changes=changes)
    except ValidationError as error:
        db.session.rollback()
        return _render_account(shown, error.fields, 422)
    db.session.commit()
    flash("Saved.", "info")
    return redirect(url_for("backoffice.account", account_id=account_id))

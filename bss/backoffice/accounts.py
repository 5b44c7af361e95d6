"""The accounts a seller sells to: a list that sorts, searches and pages, each account's page, opening and editing them."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext
from flask_login import current_user, login_required
from sqlalchemy import func
from werkzeug.wrappers import Response

from bss.auth import acting_account, can, current_actor
from bss.backoffice import bp
from bss.backoffice.transfers import shown_name
from core.errors import ConflictError, ValidationError
from core.models.accounts import Account, AccountKind
from core.models.support import TicketStatus
from core.permissions import Permission
from core.services.account_changes import create_account_below, update_account
from core.services.accounts import accounts_below, get_account, list_accounts
from core.services.entitlements import DISTRIBUTOR_ENTITLEMENTS
from core.services.invoices import list_invoices, uninvoiced_charges
from core.services.manual_charges import KINDS, add_charge
from core.services.orders import list_orders
from core.services.people import require_permission
from core.services.price_lists import wholesale_tiers
from core.services.pricing import price_list_for
from core.services.storefronts import storefront_plans, storefront_subscription
from core.services.subscriptions import list_subscriptions
from core.services.teams import members_of
from core.services.tickets import list_tickets
from core.services.transfers import start_transfer
from web.database import db
from web.forms import MAX_CHOICES, whole_number
from web.listing import page_of, read_listing

#: The columns the accounts list sorts by, as its query string names them.
SORTABLE = {"name": func.lower(Account.name), "kind": Account.kind, "slug": Account.slug,
            "domain": Account.primary_domain, "created": Account.created_at}
#: How many of an account's subscriptions, orders, invoices and open tickets its page shows.
RECENT = 10


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
        raise ValidationError({"kind": [gettext("%(value)r is not an account kind.", value=kind_value)]}) from None
    viewer = acting_account()
    listing = read_listing(request.args, SORTABLE, "name", endpoint="backoffice.accounts")
    page = page_of(db.session, accounts_below(viewer, kind=kind, search=listing.search or None), SORTABLE, listing,
                   tiebreak=Account.id)
    under_id = whole_number(request.args.get("parent"), "parent", {})  # the seller a new customer goes below; none read, none
    under = get_account(db.session, viewer, under_id) if under_id is not None and under_id != viewer.id else None
    body = render_template(
        "backoffice/accounts.html",
        page=page,
        kind=kind_value,
        kinds=list(AccountKind),
        may_open=can(Permission.MANAGE_ACCOUNTS) and _kinds_to_open(),
        kinds_to_open=[AccountKind.CUSTOMER] if under else _kinds_to_open(),
        under=under,
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
        return _accounts_page(422, {"kind": [gettext("Choose what kind of account to open.")]})
    parent_errors: dict[str, list[str]] = {}
    parent_id = whole_number(request.form.get("parent_id"), "parent_id", parent_errors)
    if parent_errors:
        return _accounts_page(422, parent_errors)
    try:
        account = create_account_below(
            db.session,
            viewer=viewer,
            by=current_user.user,
            kind=kind,
            name=request.form.get("name", ""),
            slug=request.form.get("slug", ""),
            parent_id=parent_id,
            reselling_enabled=request.form.get("reselling_enabled") == "on",
            primary_domain=request.form.get("primary_domain") or None,
        )
    except ValidationError as error:
        db.session.rollback()
        return _accounts_page(422, error.fields)
    db.session.commit()
    flash(gettext("%(account)s is open.", account=account.name), "info")
    return redirect(url_for("backoffice.account", account_id=account.id))


def _movable_to(viewer: Account, shown: Account) -> tuple[list[Account], bool]:
    """Where the viewer may move the customer ``shown``: the resellers it may go to (the distributor's choice),
    and whether it may go to the distributor, as its direct customer."""
    if shown.kind is not AccountKind.CUSTOMER or shown.id == viewer.id or not can(Permission.MANAGE_ACCOUNTS):
        return [], False
    if viewer.kind is AccountKind.DISTRIBUTOR:
        resellers = list_accounts(db.session, viewer, kind=AccountKind.RESELLER, limit=MAX_CHOICES)
        return [reseller for reseller in resellers if reseller.id != shown.parent_id], shown.parent_id != viewer.id
    return [], shown.parent_id == viewer.id


def _upgrade_url(viewer: Account, shown: Account, plan_rank: int | None) -> str | None:
    """Where a reseller's plan is changed for a better one: its own storefront page, or an order its seller places for
    it; ``None`` when no plan ranks above ``plan_rank`` or the viewer may not buy."""
    if shown.kind is not AccountKind.RESELLER or not can(Permission.PURCHASE):
        return None
    better = [plan for plan in storefront_plans(db.session, shown) if plan_rank is None or plan.rank > plan_rank]
    if not better:
        return None
    if shown.id == viewer.id:
        return url_for("backoffice.storefront", _anchor="plans")
    return url_for("backoffice.new_order", account_id=shown.id, plan_id=better[0].id)


def _render_account(shown: Account, errors: dict[str, list[str]] | None = None, status: int = 200, *,
                    charge_form: dict[str, str] | None = None,
                    transfer_errors: dict[str, list[str]] | None = None) -> tuple[str, int]:
    """The account's page: what it runs and buys, its people, and what the viewer may do for it. With ``charge_form``,
    the charge form as posted, ``errors`` being its own; with ``transfer_errors``, why the transfer was not started."""
    viewer, actor = acting_account(), current_actor()
    may_edit = can(Permission.MANAGE_ACCOUNTS)
    bills = shown.parent_id == viewer.id and can(Permission.PAY) and can(Permission.VIEW_BILLING)
    price_list = price_list_for(db.session, shown) if bills else None
    resellers, releasable = _movable_to(viewer, shown)
    plan_subscription = storefront_subscription(db.session, shown) if shown.kind is AccountKind.RESELLER else None
    subscriptions = list_subscriptions(db.session, viewer, account_id=shown.id, limit=RECENT + 1)
    page = render_template(
        "backoffice/account.html",
        shown=shown,
        acting_account_id=viewer.id,
        may_edit=may_edit,
        tiers=wholesale_tiers(db.session, viewer.id) if may_edit and shown.kind is AccountKind.RESELLER
        and shown.parent_id == viewer.id else [],
        errors=errors or {},
        plan_subscription=plan_subscription,
        held=sorted(DISTRIBUTOR_ENTITLEMENTS) if shown.kind is AccountKind.DISTRIBUTOR else [],
        upgrade_url=_upgrade_url(viewer, shown, plan_subscription.plan.rank if plan_subscription else None),
        may_order=can(Permission.PURCHASE),
        may_add_customer=may_edit and shown.kind is not AccountKind.CUSTOMER,
        subscriptions=subscriptions[:RECENT],
        more_subscriptions=len(subscriptions) > RECENT,
        orders=list_orders(db.session, viewer, account_id=shown.id, limit=RECENT),
        invoices=list_invoices(db.session, actor, recipient_id=shown.id, limit=RECENT) if can(Permission.VIEW_BILLING)
        else None,
        tickets=list_tickets(db.session, actor, account_id=shown.id, status=TicketStatus.OPEN, limit=RECENT),
        members=members_of(db.session, shown),
        bills=bills,
        pending_charges=uninvoiced_charges(db.session, actor, recipient_id=shown.id) if bills else [],
        charge_kinds=KINDS,
        charge_failed=charge_form is not None,
        charge_form=charge_form or {"kind": "manual", "quantity": "1",
                                    "currency": price_list.currency if price_list else ""},
        resellers=resellers,
        releasable=releasable,
        transfer_errors=transfer_errors or {},
    )
    return page, status


@bp.get("/accounts/<int:account_id>")
@login_required
def account(account_id: int) -> tuple[str, int]:
    return _render_account(get_account(db.session, acting_account(), account_id))


@bp.post("/accounts/<int:account_id>/charges")
@login_required
def add_account_charge(account_id: int) -> Response | tuple[str, int]:
    shown = get_account(db.session, acting_account(), account_id)
    form = {field: request.form.get(field, "") for field in ("kind", "description", "quantity", "unit_price", "currency")}
    try:
        charge = add_charge(db.session, actor=current_actor(), recipient_id=account_id, kind=form["kind"],
                            description=form["description"], unit_price=form["unit_price"], currency=form["currency"],
                            quantity=int(form["quantity"]) if form["quantity"].strip().isdigit() else 0)
    except ValidationError as error:
        db.session.rollback()
        return _render_account(shown, error.fields, 422, charge_form=form)
    db.session.commit()
    message = (gettext("Credited %(account)s %(amount)s: on its next invoice.", account=shown.name, amount=charge.money)
               if charge.amount < 0 else
               gettext("Charged %(account)s %(amount)s: on its next invoice.", account=shown.name, amount=charge.money))
    flash(message, "info")
    return redirect(url_for("backoffice.account", account_id=account_id) + "#charges")


@bp.post("/accounts/<int:account_id>/transfer")
@login_required
def transfer_account(account_id: int) -> Response | tuple[str, int]:
    """Start moving a customer: its reseller releases it; its distributor moves it to a reseller or makes it direct."""
    shown = get_account(db.session, acting_account(), account_id)
    to = request.form.get("to", "")
    errors: dict[str, list[str]] = {}
    release = to == "release"
    to_account_id = None if release else whole_number(to, "to_account_id", errors,
                                                      required=gettext("Choose the reseller it moves to."))
    try:
        if errors:
            raise ValidationError(errors)
        view = start_transfer(db.session, actor=current_actor(), account_id=account_id, to_account_id=to_account_id,
                              release=release)
    except ValidationError as error:
        db.session.rollback()
        return _render_account(shown, status=422, transfer_errors=error.fields)
    except ConflictError as error:
        db.session.rollback()
        return _render_account(shown, status=409, transfer_errors={"transfer": [error.detail]})
    db.session.commit()
    flash(gettext("The transfer of %(account)s is started.", account=shown_name(view)), "info")
    return redirect(url_for("backoffice.transfer", transfer_id=view.id))


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
    try:
        update_account(db.session, viewer=viewer, account_id=account_id, by=current_user.user, changes=changes)
    except ValidationError as error:
        db.session.rollback()
        return _render_account(shown, error.fields, 422)
    db.session.commit()
    flash(gettext("Saved."), "info")
    return redirect(url_for("backoffice.account", account_id=account_id))

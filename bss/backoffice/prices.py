"""A seller's price lists: what each plan costs the seller, what the list asks, and the margin."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext
from flask_login import current_user, login_required
from sqlalchemy import select
from werkzeug.wrappers import Response

from bss.auth import acting_account
from bss.backoffice import bp
from core.errors import NotFoundError, PermissionDeniedError, ValidationError
from core.models.accounts import Account, AccountKind
from core.models.catalog import Plan
from core.models.prices import PriceEntry, PriceList, PriceListKind
from core.money import Money
from core.permissions import Permission
from core.services.people import require_permission
from core.services.price_lists import (
    BelowCost,
    below_cost_prices,
    create_price_list,
    get_price_list,
    remove_price,
    set_markup,
    set_price,
)
from core.services.pricing import marked_up, purchasable_plans, seller_costs
from web.database import db
from web.formatting import current_locale, plain, plan_own_name

#: One volume tier as typed on its own line: ``min quantity: unit price``.
_TIER_LINE = re.compile(r"(\d+)\s*:\s*(\S+)", re.ASCII)


@dataclass(frozen=True)
class PlanPrice:
    """One plan in a price list: what it costs the seller and what the list asks for a unit."""

    plan: Plan
    cost: Money | None
    #: The hand-set price, if there is one; otherwise ``price`` comes from the list's markup.
    entry: PriceEntry | None
    price: Money | None
    below_cost: BelowCost | None

    @property
    def margin(self) -> Money | None:
        if self.price is None or self.cost is None or self.price.currency != self.cost.currency:
            return None
        return self.price - self.cost

    @property
    def margin_percent(self) -> Decimal | None:
        """The margin as a share of the price, to one decimal."""
        margin = self.margin
        if margin is None or self.price is None or not self.price.amount:
            return None
        return (margin.amount * 100 / self.price.amount).quantize(Decimal("0.1"), ROUND_HALF_UP)


def _seller() -> Account:
    """The acting account, if it sells to someone and the signed-in person may set its prices."""
    account = acting_account()
    require_permission(db.session, current_user.user, account, Permission.MANAGE_PRICES)
    if account.kind is AccountKind.CUSTOMER:
        raise PermissionDeniedError(gettext("A customer sells to nobody, so it keeps no price lists."))
    return account


def _own_list(price_list_id: int) -> PriceList:
    """One of the acting seller's lists; another seller's list is simply not found."""
    return get_price_list(db.session, seller=_seller(), price_list_id=price_list_id)


def _list_price(price_list: PriceList, entry: PriceEntry | None, cost: Money | None) -> Money | None:
    """What the list asks for a unit: its hand-set price, else its markup over the seller's cost."""
    if entry is not None:
        return Money(entry.unit_price, price_list.currency).rounded()
    return marked_up(cost, price_list)


def _plan_prices(price_list: PriceList) -> list[PlanPrice]:
    plans = purchasable_plans(db.session, price_list.seller)
    costs = seller_costs(db.session, price_list.seller, plans)
    entries = {entry.plan_id: entry for entry in price_list.entries}
    below = {warning.plan.id: warning for warning in below_cost_prices(db.session, price_list)}
    return [
        PlanPrice(plan, costs.get(plan.id), entries.get(plan.id),
                  _list_price(price_list, entries.get(plan.id), costs.get(plan.id)), below.get(plan.id))
        for plan in plans
    ]


def _as_typed(amount: Decimal) -> str:
    """Write a stored amount as someone would type it: ``7.50`` or ``4.9999``, not ``7.5000``."""
    return plain(amount) if int(amount.normalize().as_tuple().exponent) < -2 else f"{amount:.2f}"


def _entry_form(entry: PriceEntry) -> dict[str, str]:
    """The set-price form filled with a plan's current price, to change it."""
    return {
        "plan_id": str(entry.plan_id),
        "unit_price": _as_typed(entry.unit_price),
        "setup_fee": _as_typed(entry.setup_fee) if entry.setup_fee is not None else "",
        "volume_tiers": "\n".join(f"{tier.min_quantity}: {_as_typed(tier.unit_price)}" for tier in entry.volume_tiers),
    }


def _list_page(
    price_list: PriceList, errors: dict[str, list[str]] | None = None, form: Mapping[str, str] | None = None
) -> tuple[str, int]:
    rows = _plan_prices(price_list)
    if form is None:
        chosen = request.args.get("plan", type=int)
        entry = next((row.entry for row in rows if row.plan.id == chosen), None)
        form = _entry_form(entry) if entry else {"plan_id": str(chosen or "")}
    return render_template(
        "backoffice/price_list.html",
        price_list=price_list,
        rows=rows,
        below_cost=[row for row in rows if row.below_cost],
        errors=errors or {},
        form=form,
    ), 422 if errors else 200


def _lists_page(errors: dict[str, list[str]] | None = None, form: Mapping[str, str] | None = None) -> tuple[str, int]:
    seller = _seller()
    price_lists = db.session.scalars(
        select(PriceList).where(PriceList.seller_id == seller.id).order_by(PriceList.kind, PriceList.name)
    )
    distributor = seller.kind is AccountKind.DISTRIBUTOR
    return render_template(
        "backoffice/prices.html",
        seller=seller,
        price_lists=list(price_lists),
        kinds=list(PriceListKind) if distributor else [PriceListKind.RETAIL],
        buyers=sorted(seller.children, key=lambda buyer: buyer.name),
        errors=errors or {},
        form=form or {"currency": "EUR"},
    ), 422 if errors else 200


def _kind(value: str) -> PriceListKind:
    try:
        return PriceListKind(value)
    except ValueError:
        raise ValidationError({"kind": [gettext("Choose wholesale (for resellers) or retail (for customers).")]}) from None


def _buyer(seller: Account, value: str) -> Account | None:
    if not value:
        return None
    buyer = next((child for child in seller.children if str(child.id) == value), None)
    if buyer is None:
        message = gettext("Choose one of the accounts %(seller)s sells to directly.", seller=seller.name)
        raise ValidationError({"buyer_id": [message]})
    return buyer


def _plan(value: str) -> Plan:
    plan_id = int(value) if value.isascii() and value.isdigit() else 0
    # Ids are 32-bit: a longer number names no plan, and must not reach the database as one.
    plan = db.session.get(Plan, plan_id) if 0 < plan_id < 2**31 else None
    if plan is None:
        raise ValidationError({"plan_id": [gettext("Choose a plan.")]})
    return plan


def _volume_tiers(text: str) -> list[tuple[int, str]]:
    """Read one ``min quantity: unit price`` tier per line; the prices stay strings for the service."""
    tiers: list[tuple[int, str]] = []
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        match = _TIER_LINE.fullmatch(line.strip())
        if match is None:
            message = gettext("Line %(number)s: write the minimum quantity, a colon, then the unit price, as in 10: 5.69.",
                              number=number)
            raise ValidationError({"volume_tiers": [message]})
        tiers.append((int(match[1]), match[2]))
    return tiers


def _optional(name: str) -> str | None:
    return request.form.get(name, "").strip() or None


@bp.get("/prices")
@login_required
def price_lists() -> tuple[str, int]:
    return _lists_page()


@bp.post("/prices")
@login_required
def create_price_list_view() -> Response | tuple[str, int]:
    seller, form = _seller(), request.form
    try:
        price_list = create_price_list(
            db.session,
            seller=seller,
            by=current_user.user,
            kind=_kind(form.get("kind", "")),
            name=form.get("name", ""),
            currency=form.get("currency", ""),
            tier=_optional("tier"),
            buyer=_buyer(seller, form.get("buyer_id", "")),
            markup_percent=_optional("markup_percent"),
        )
    except ValidationError as error:
        db.session.rollback()
        return _lists_page(error.fields, form)
    db.session.commit()
    flash(gettext("The price list %(name)s is created. Set its prices below.", name=price_list.name), "info")
    return redirect(url_for("backoffice.price_list", price_list_id=price_list.id))


@bp.get("/prices/<int:price_list_id>")
@login_required
def price_list(price_list_id: int) -> tuple[str, int]:
    return _list_page(_own_list(price_list_id))


@bp.post("/prices/<int:price_list_id>/prices")
@login_required
def set_price_view(price_list_id: int) -> Response | tuple[str, int]:
    shown, form = _own_list(price_list_id), request.form
    try:
        plan = _plan(form.get("plan_id", ""))
        set_price(
            db.session,
            price_list=shown,
            plan=plan,
            by=current_user.user,
            unit_price=form.get("unit_price", ""),
            setup_fee=_optional("setup_fee"),
            volume_tiers=_volume_tiers(form.get("volume_tiers", "")),
        )
    except ValidationError as error:
        db.session.rollback()
        return _list_page(shown, error.fields, form)
    db.session.commit()
    flash(gettext("The price of %(plan)s (%(product)s) is saved.", plan=plan_own_name(plan),
          product=plan.product.name_in(current_locale())), "info")
    return redirect(url_for("backoffice.price_list", price_list_id=shown.id, _anchor=f"plan-{plan.id}"))


@bp.post("/prices/<int:price_list_id>/prices/<int:plan_id>/remove")
@login_required
def remove_price_view(price_list_id: int, plan_id: int) -> Response:
    shown = _own_list(price_list_id)
    plan = db.session.get(Plan, plan_id)
    if plan is None:
        raise NotFoundError(gettext("No plan %(id)s.", id=plan_id))
    remove_price(db.session, price_list=shown, plan=plan, by=current_user.user)
    db.session.commit()
    flash(gettext("%(plan)s (%(product)s) no longer has a price of its own in %(name)s.", plan=plan_own_name(plan),
                  product=plan.product.name_in(current_locale()), name=shown.name), "info")
    return redirect(url_for("backoffice.price_list", price_list_id=shown.id, _anchor=f"plan-{plan.id}"))


@bp.post("/prices/<int:price_list_id>/markup")
@login_required
def set_markup_view(price_list_id: int) -> Response | tuple[str, int]:
    shown = _own_list(price_list_id)
    try:
        set_markup(db.session, price_list=shown, by=current_user.user, markup_percent=_optional("markup_percent"))
    except ValidationError as error:
        db.session.rollback()
        return _list_page(shown, error.fields, request.form)
    db.session.commit()
    flash(gettext("The markup of %(name)s is saved.", name=shown.name), "info")
    return redirect(url_for("backoffice.price_list", price_list_id=shown.id))

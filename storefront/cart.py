"""The shop's cart, kept in the visitor's session: plans, quantities and their order parameters.

A visitor fills it before signing in and keeps it through sign-in. Its prices are never kept:
each page prices it again for whoever looks, so a customer always sees what it would pay now.
"""

from __future__ import annotations

import secrets
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from decimal import Decimal

from flask import Blueprint, abort, flash, redirect, request, session, url_for
from flask_babel import gettext as _
from werkzeug.wrappers import Response

from core.errors import ValidationError
from core.models.catalog import BillingPeriod, Plan
from core.models.orders import totals_per_period
from core.money import Money
from core.services.catalog import one_unit
from core.services.orders import MAX_LINES, MAX_QUANTITY
from core.services.pricing import ResolvedPrice
from core.services.storefronts import Offer, storefront_prices
from storefront.catalog import held_once, plan_params, product_page, shop_buyer, shop_catalog
from storefront.hosts import current_storefront
from storefront.themes import render_page
from web.database import db
from web.formatting import plan_name, plan_own_name

bp = Blueprint("shop_cart", __name__)

SESSION_KEY = "cart"


@dataclass(frozen=True)
class CartLine:
    """One line as the session keeps it; ``id`` names it in forms, whatever happens to the others."""

    id: str
    plan_id: int
    quantity: int
    params: dict[str, str] = field(default_factory=dict)


def cart_lines() -> list[CartLine]:
    """This storefront's cart in the session (a cart never follows its visitor to another shop)."""
    kept = session.get(SESSION_KEY) or {}
    if kept.get("shop") != current_storefront().id:
        return []
    return [CartLine(line["id"], line["plan_id"], line["quantity"], dict(line.get("params") or {}))
            for line in kept.get("lines", ())]


def save_cart(lines: list[CartLine]) -> None:
    session[SESSION_KEY] = {"shop": current_storefront().id, "lines": [
        {"id": line.id, "plan_id": line.plan_id, "quantity": line.quantity, "params": line.params} for line in lines]}


def clear_cart() -> None:
    session.pop(SESSION_KEY, None)


@bp.app_template_global()
def cart_size() -> int:
    """How many lines the cart holds, for the navigation's badge."""
    return len(cart_lines())


@dataclass(frozen=True)
class PricedLine:
    line: CartLine
    #: ``None`` when the storefront no longer offers the plan to this viewer (then neither is ``price``).
    offer: Offer | None
    #: At the line's quantity (volume tiers apply).
    price: ResolvedPrice | None

    @property
    def plan(self) -> Plan | None:
        return self.offer.plan if self.offer else None

    @property
    def total(self) -> Money | None:
        return self.price.total if self.price else None


@dataclass(frozen=True)
class PricedCart:
    lines: list[PricedLine]

    @property
    def unavailable(self) -> list[PricedLine]:
        return [line for line in self.lines if line.price is None]

    @property
    def currencies(self) -> set[str]:
        return {line.price.unit_price.currency for line in self.lines if line.price}

    @property
    def per_period(self) -> list[tuple[BillingPeriod, Money]]:
        """What the lines cost each billing period, by period (monthly first)."""
        if len(self.currencies) != 1:
            return []
        return totals_per_period((line.plan.billing_period, line.price.total) for line in self.lines if line.price and line.plan)

    @property
    def setup_fees(self) -> Money | None:
        fees = [line.price.setup_fee for line in self.lines if line.price and line.price.setup_fee]
        return sum(fees[1:], fees[0]) if fees and len(self.currencies) == 1 else None

    @property
    def due_now(self) -> Money | None:
        """What the order's first payment covers: one period of every line, and the setup fees."""
        if len(self.currencies) != 1:
            return None
        (currency,) = self.currencies
        amounts = [line.price.total.amount + (line.price.setup_fee.amount if line.price.setup_fee else 0)
                   for line in self.lines if line.price]
        return Money(sum(amounts, Decimal(0)), currency)


def priced_cart() -> PricedCart:
    """The cart at the viewer's own prices, each line at its quantity."""
    offers = {offer.plan.id: offer for found in shop_catalog().values() for offer in found}
    seller, buyer = current_storefront().account, shop_buyer()
    priced = []
    for line in cart_lines():
        offer = offers.get(line.plan_id)
        price = None
        if offer is not None:
            price = (offer.price if line.quantity == 1
                     else storefront_prices(db.session, seller, buyer, [offer.plan], line.quantity).get(offer.plan.id))
        priced.append(PricedLine(line, offer if price else None, price))
    return PricedCart(priced)


def read_quantity(value: str | None, once: bool, field: str = "quantity") -> int:
    """A quantity typed in a form, as a whole number of units the order may hold."""
    text = (value or "").strip()
    if once:
        if text not in ("", "1"):
            raise ValidationError({field: [_("This plan is ordered one at a time: the quantity is 1.")]})
        return 1
    if not (text.isascii() and text.isdigit()) or not 1 <= int(text) <= MAX_QUANTITY:
        raise ValidationError({field: [_("Quantity: enter a whole number from 1 to %(max)s.", max=MAX_QUANTITY)]})
    return int(text)


def _cart_page(errors: Mapping[str, list[str]] | None = None, values: Mapping[str, str] | None = None) -> tuple[str, int]:
    return render_page("cart.html", cart=priced_cart(), one_unit=one_unit,
                       errors=errors or {}, values=values or {}), 422 if errors else 200


@bp.get("/cart")
def cart() -> tuple[str, int]:
    return _cart_page()


@bp.post("/cart/add")
def add() -> Response | tuple[str, int]:
    offer = next((offer for found in shop_catalog().values() for offer in found
                  if str(offer.plan.id) == request.form.get("plan_id", "")), None)
    if offer is None:
        abort(404)  # not a plan this shop offers this viewer
    plan, lines = offer.plan, cart_lines()
    once = held_once(plan.product)
    try:
        quantity = read_quantity(request.form.get("quantity"), one_unit(plan.product))
        if offer.held:
            raise ValidationError({"quantity": [_("You are on %(plan)s already.", plan=plan_own_name(plan))]})
        if offer.blockers:
            raise ValidationError({"quantity": list(offer.blockers)})
        lines = _with_plan(lines, plan, quantity, once)
    except ValidationError as error:
        return product_page(plan.product.key, error.fields, plan.id, request.form)
    save_cart(lines)
    flash(_("%(plan)s is in your cart.", plan=plan_name(plan)), "info")
    return redirect(url_for("shop_cart.cart"), 303)


def _with_plan(lines: list[CartLine], plan: Plan, quantity: int, once: bool) -> list[CartLine]:
    """The cart with ``quantity`` more of ``plan``: a product held once keeps one plan; a plan whose
    lines each need their own details (a domain name, say) gets a line per item; any other, one line."""
    if once:
        lines = [line for line in lines if _product_id(line) != plan.product_id]
    elif not any(param.required for param in plan_params(plan)):
        same = next((line for line in lines if line.plan_id == plan.id), None)
        if same is not None:
            if same.quantity + quantity > MAX_QUANTITY:
                raise ValidationError({"quantity": [
                    _("Your cart has %(count)s already: order at most %(max)s in all.", count=same.quantity, max=MAX_QUANTITY)]})
            return [replace(line, quantity=line.quantity + quantity) if line is same else line for line in lines]
    if len(lines) >= MAX_LINES:
        raise ValidationError({"quantity": [_("Your cart is full (%(max)s lines): check out, then order more.", max=MAX_LINES)]})
    return [*lines, CartLine(secrets.token_hex(4), plan.id, quantity)]


def _product_id(line: CartLine) -> int | None:
    plan = db.session.get(Plan, line.plan_id)
    return plan.product_id if plan else None


@bp.post("/cart/<line_id>/quantity")
def change_quantity(line_id: str) -> Response | tuple[str, int]:
    lines = cart_lines()
    line = _line(lines, line_id)
    if line is None:
        return _gone()
    plan = db.session.get(Plan, line.plan_id)
    field_name = f"quantity-{line.id}"
    try:
        quantity = read_quantity(request.form.get("quantity"), plan is not None and one_unit(plan.product), field_name)
    except ValidationError as error:
        return _cart_page(error.fields, {field_name: request.form.get("quantity", "")})
    save_cart([replace(other, quantity=quantity) if other is line else other for other in lines])
    flash(_("The quantity is now %(count)s.", count=quantity), "info")
    return redirect(url_for("shop_cart.cart"), 303)


@bp.post("/cart/<line_id>/remove")
def remove(line_id: str) -> Response:
    lines = cart_lines()
    line = _line(lines, line_id)
    if line is None:
        return _gone()
    save_cart([other for other in lines if other is not line])
    flash(_("Removed from your cart."), "info")
    return redirect(url_for("shop_cart.cart"), 303)


def _line(lines: list[CartLine], line_id: str) -> CartLine | None:
    return next((line for line in lines if line.id == line_id), None)


def _gone() -> Response:
    """A line removed meanwhile (in another tab, or by an order placed): nothing to do but say so."""
    flash(_("That line is no longer in your cart."), "info")
    return redirect(url_for("shop_cart.cart"), 303)

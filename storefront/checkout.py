"""Checkout: the order parameters each plan needs, how to pay, what happens next, then the order.

The fields come from each plan's params schema (``core.products.describe_params``), so a plugin's
plan gets its form without a template of its own. The order is placed with
``core.services.orders.place_order``; its errors come back next to the fields they name. A
checkout token in the form makes the order once however often the form is sent: the first
order is kept under it (``core.services.idempotency``) and a repeat is shown that order.

Where the shop takes card payments on the spot (``core.services.card_payments``), choosing card
asks for the card too: the order is placed, then paid, in one step; a declined card leads to
the order's page to try another (``storefront.orders.pay_by_card``). The repeat of a checkout
never pays again: it is shown the order.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, replace

from flask import Blueprint, abort, flash, redirect, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy.exc import IntegrityError
from werkzeug.wrappers import Response

from core.errors import ConflictError, PermissionDeniedError, ValidationError
from core.models.orders import OrderStatus
from core.payments import CardDetails, card_provider
from core.permissions import PaymentMethod, Permission
from core.products import text_in
from core.services.idempotency import StoredAnswer, request_hash, store_answer, stored_answer
from core.services.orders import LineRequest, place_order
from core.tokens import new_secret
from storefront.auth import current_customer_actor, customer_account, signed_in_account
from storefront.cart import CartLine, PricedCart, cart_lines, clear_cart, priced_cart, save_cart
from storefront.catalog import plan_params
from storefront.hosts import current_storefront
from storefront.orders import CARD_FIELDS, pay_by_card, read_card
from storefront.themes import render_page
from web.database import db
from web.formatting import current_locale, plan_own_name
from web.pages import sign_in_required

bp = Blueprint("shop_checkout", __name__)

_TOKEN = re.compile(r"[A-Za-z0-9_-]{16,64}")
#: What ``place_order``'s errors about a line as a whole are named after ``lines.<n>.``.
_LINE_PARTS = ("plan_id", "quantity", "params", "params._schema")


@dataclass(frozen=True)
class FormField:
    """One order parameter of one cart line, ready for the form: named as ``place_order`` names its errors."""

    name: str
    label: str
    hint: str
    required: bool
    kind: str
    choices: tuple[str, ...]
    max_length: int | None
    value: str
    errors: list[str]

    @property
    def id(self) -> str:
        return f"f-{self.name}"


@dataclass(frozen=True)
class Problem:
    """A line of the error summary, linking to the field at fault."""

    anchor: str
    label: str
    message: str


def _fields(cart: PricedCart, errors: Mapping[str, list[str]]) -> list[list[FormField]]:
    """Each line's parameter fields, filled with what the cart kept (the checkout keeps what is typed there)."""
    locale = current_locale()
    fields = []
    for n, priced in enumerate(cart.lines):
        declared = plan_params(priced.plan, signed_in_account()) if priced.plan else []
        fields.append([FormField(
            name=(name := f"lines.{n}.params.{param.key}"),
            label=text_in(param.label, locale),
            hint=text_in(param.hint, locale),
            required=param.required,
            kind=param.kind,
            choices=param.choices,
            max_length=param.max_length,
            value=priced.line.params.get(param.key, ""),
            errors=errors.get(name, []),
        ) for param in declared])
    return fields


def _problems(cart: PricedCart, fields: list[list[FormField]], errors: Mapping[str, list[str]]) -> list[Problem]:
    """Every error, with the label of what it is about, for the summary at the top of the page."""
    labels = {field.name: (field.id, field.label) for line in fields for field in line}
    labels["payment_method"] = ("payment-methods", _("Payment method"))
    labels |= {name: (f"f-{name}", _("Your card")) for name in CARD_FIELDS.values()}  # each message names its detail
    for n, priced in enumerate(cart.lines):
        name = plan_own_name(priced.plan) if priced.plan else _("This plan")
        for part in _LINE_PARTS:
            labels[f"lines.{n}.{part}"] = (f"line-{n}", name)
    problems = []
    for key, messages in errors.items():
        anchor, label = labels.get(key, ("order", _("Your order")))
        problems.extend(Problem(anchor, label, message) for message in messages)
    return problems


def _card_now(cart: PricedCart) -> bool:
    """Whether paying this cart by card means paying it now, on this page: the shop takes card
    payments on the spot, and something is due."""
    due = cart.due_now
    return due is not None and due.amount > 0 and card_provider(current_storefront().account) is not None


def _checkout_page(values: Mapping[str, str] | None = None, errors: Mapping[str, list[str]] | None = None,
                   token: str | None = None, refusal: str | None = None) -> tuple[str, int]:
    errors = errors or {}
    cart = priced_cart()
    shop = current_storefront().account
    context = {"shop": shop, "cart": cart, "errors": errors}
    if not current_user.is_authenticated:
        return render_page("checkout.html", signed_in=False, **context), 200
    actor = current_customer_actor()
    fields = _fields(cart, errors)
    line_errors = [[message for part in _LINE_PARTS for message in errors.get(f"lines.{n}.{part}", [])]
                   for n in range(len(cart.lines))]
    return render_page(
        "checkout.html", signed_in=True, account=customer_account(), fields=fields, line_errors=line_errors,
        problems=_problems(cart, fields, errors), may_purchase=Permission.PURCHASE in actor.permissions,
        payment_methods=sorted(actor.payment_methods), chosen_method=(values or {}).get("payment_method", ""),
        confirmed_by_seller=set(shop.payment_confirmation_methods), card_now=_card_now(cart),
        token=token or new_secret(), refusal=refusal, **context,
    ), 403 if refusal else 422 if errors else 200


@bp.get("/checkout")
def checkout() -> Response | tuple[str, int]:
    if not cart_lines():
        flash(_("Your cart is empty: add a plan first."), "info")
        return redirect(url_for("shop_cart.cart"), 303)
    return _checkout_page()


@bp.post("/checkout")
@sign_in_required
def place() -> Response | tuple[str, int] | tuple[str, int, dict[str, str]]:
    form = request.form
    token = form.get("checkout_token", "")
    if not _TOKEN.fullmatch(token):
        abort(400)
    account = customer_account()
    key, fingerprint = f"storefront-checkout:{token}", request_hash("POST", "/checkout", {"token": token})
    try:
        placed = stored_answer(db.session, account_id=account.id, key=key, fingerprint=fingerprint)
    except ConflictError:
        abort(400)
    if placed is not None:
        return _placed_already(placed)
    lines = cart_lines()
    if not lines or _posted_lines(form) != [(line.id, str(line.quantity)) for line in lines]:
        flash(_("Your cart changed while you were checking out: check your order again."), "error")
        return redirect(url_for("shop_checkout.checkout"), 303)
    lines = [replace(line, params=_params(form, n)) for n, line in enumerate(lines)]
    save_cart(lines)  # what was typed stays, whatever happens next (the card aside: it is never kept)
    card: CardDetails | None = None
    try:
        actor = current_customer_actor()
        paying_by_card = form.get("payment_method") == PaymentMethod.CARD and PaymentMethod.CARD in actor.payment_methods
        if paying_by_card and _card_now(priced_cart()):
            card = read_card(form)
        # A checkout sent twice at once still makes one order: place_order may commit what was read
        # so far to ask vendors, but the second one's store_answer below fails on the token.
        order = place_order(db.session, actor=actor, lines=[_request(line) for line in lines],
                            payment_method=form.get("payment_method", ""))
        location = url_for("shop_orders.order", order_id=order.id)
        store_answer(db.session, account_id=account.id, key=key, fingerprint=fingerprint, status=303,
                     body={"order_id": order.id}, headers={"Location": location})
    except ValidationError as error:
        db.session.rollback()
        return _checkout_page(form, error.fields, token)
    except PermissionDeniedError:
        db.session.rollback()
        return _checkout_page(form, token=token, refusal=_("Your teams here may not place orders. Ask an owner of "
                                                           "%(account)s to let you.", account=account.name))
    except IntegrityError:
        db.session.rollback()  # the same checkout, sent twice at once: the first one placed the order
        placed = stored_answer(db.session, account_id=account.id, key=key, fingerprint=fingerprint)
        if placed is None:
            raise
        return _placed_already(placed)
    db.session.commit()
    clear_cart()
    if card is not None and order.status is OrderStatus.AWAITING_PAYMENT:
        return pay_by_card(order, card)
    if order.status is OrderStatus.AWAITING_PAYMENT:
        flash(_("Thank you: order %(id)s is placed. We set it up once your payment is confirmed.", id=order.id), "info")
    else:
        flash(_("Thank you: order %(id)s is placed, and we are setting it up.", id=order.id), "info")
    return redirect(location, 303)


def _posted_lines(form: Mapping[str, str]) -> list[tuple[str | None, str | None]]:
    """The cart lines (id, quantity) the checkout page showed, as its form sends them back."""
    posted = []
    while (line_id := form.get(f"lines.{len(posted)}.id")) is not None:
        posted.append((line_id, form.get(f"lines.{len(posted)}.quantity")))
    return posted


def _params(form: Mapping[str, str], n: int) -> dict[str, str]:
    """Line ``n``'s parameters as typed; an empty one is left out, for its schema to require."""
    prefix = f"lines.{n}.params."
    return {name.removeprefix(prefix): value.strip() for name, value in form.items()
            if name.startswith(prefix) and value.strip()}


def _request(line: CartLine) -> LineRequest:
    return LineRequest(plan_id=line.plan_id, quantity=line.quantity, params=line.params)


def _placed_already(placed: StoredAnswer) -> Response:
    """The checkout was sent again after its order was placed: show that order, never a second one."""
    clear_cart()
    return redirect(placed.headers["Location"], 303)

"""A customer's orders on the shop: the list, each order's progress until it is ready, and paying it by card.

An order's page refreshes itself (an HTTP ``Refresh``, which needs no script) while there is
something to wait for, except while it offers to pay by card (a refresh would clear the card
form). Only the signed-in customer's own orders open here; any other id is a 404.

An order whose seller takes card payments on the spot (``core.services.card_payments``) is paid
from its page, or from the checkout that placed it (``pay_by_card``); a declined card is shown
again with the reason, next to the detail at fault. What was typed in the card form is never
kept, nor shown again.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass

from flask import Blueprint, abort, flash, redirect, request, url_for
from flask_babel import gettext as _
from werkzeug.wrappers import Response

from core.errors import ConflictError, NotFoundError, PermissionDeniedError, ValidationError
from core.models.orders import Order, OrderStatus
from core.payments import CardDetails, Decline
from core.permissions import PaymentMethod, Permission
from core.products import text_in
from core.services.card_payments import CardPayment, CardPaymentStatus, order_card_provider, pay_order_by_card
from core.services.orders import cancel_order, get_order, list_orders
from storefront.auth import current_customer_actor, customer_account
from storefront.catalog import plan_params
from storefront.themes import render_page
from web.database import db
from web.formatting import current_locale
from web.pages import sign_in_required

bp = Blueprint("shop_orders", __name__)

PAGE_SIZE = 25
#: Seconds between reloads of an order's page: soon while it is set up, seldom while a payment is awaited.
REFRESH_SETTING_UP = 5
REFRESH_AWAITING_PAYMENT = 60
#: The card form's fields, by the names ``CardDetails`` and the providers' declines give the details.
CARD_FIELDS = {"number": "card.number", "expiry": "card.expiry", "cvc": "card.cvc", "holder": "card.holder"}
_EXPIRY = re.compile(r"(\d{1,2})\s*/\s*(\d{2}|\d{4})")
MAX_HOLDER = 100


@dataclass(frozen=True)
class Step:
    label: str
    #: ``done``, ``current``, ``failed`` or ``todo``.
    state: str


def progress(order: Order) -> list[Step]:
    """Received, payment confirmed (or accepted, when no payment was awaited), setting up, ready."""
    status = order.status
    paid = _("Payment confirmed") if order.payments or status is OrderStatus.AWAITING_PAYMENT else _("Accepted")
    if status is OrderStatus.AWAITING_PAYMENT:
        states = ("done", "current", "todo", "todo")
    elif status is OrderStatus.IN_PROGRESS:
        states = ("done", "done", "current", "todo")
    elif status is OrderStatus.FAILED:
        states = ("done", "done", "failed", "todo")
    else:
        states = ("done", "done", "done", "done")
    return [Step(label, state) for label, state in zip((_("Received"), paid, _("Setting up"), _("Ready")), states, strict=True)]


def _own_order(order_id: int) -> Order:
    """The signed-in customer's order ``order_id``; any other (another customer's, or none) is a 404."""
    account = customer_account()
    order = get_order(db.session, account, order_id)  # another tenant's: a 404
    if order.owner_id != account.id:
        abort(404)
    return order


@bp.get("/orders")
@sign_in_required
def orders() -> str:
    account = customer_account()
    page = list_orders(db.session, account, account_id=account.id, after_id=request.args.get("after", type=int),
                       limit=PAGE_SIZE + 1)
    return render_page("orders.html", orders=page[:PAGE_SIZE],
                       next_after=page[PAGE_SIZE - 1].id if len(page) > PAGE_SIZE else None)


@bp.get("/orders/<int:order_id>")
@sign_in_required
def order(order_id: int) -> tuple[str, int, dict[str, str]]:
    return _order_page(_own_order(order_id))


def _order_page(order: Order, card_errors: Mapping[str, list[str]] | None = None,
                payment: CardPayment | None = None) -> tuple[str, int, dict[str, str]]:
    """The order's page; with the card form's errors, or how a card payment went, when it offers one."""
    card_errors = dict(card_errors or {})
    card_problem = None
    if payment is not None and payment.status is CardPaymentStatus.DECLINED:
        card_problem = _declined(payment.decline)
        if payment.field:
            card_errors[CARD_FIELDS[payment.field]] = [card_problem]
    elif payment is not None and payment.status is CardPaymentStatus.UNAVAILABLE:
        card_problem = _("The payment service did not answer. Try again in a minute with the same card: "
                         "you are never charged twice.")
    elif card_errors:
        card_problem = _("Your card was not charged: please correct the card details.")
    pays_by_card = _pays_by_card(order)
    headers = {"Cache-Control": "no-store"}
    if order.status is OrderStatus.IN_PROGRESS:
        headers["Refresh"] = str(REFRESH_SETTING_UP)
    elif order.status is OrderStatus.AWAITING_PAYMENT and not pays_by_card:
        headers["Refresh"] = str(REFRESH_AWAITING_PAYMENT)
    status = 503 if payment and payment.status is CardPaymentStatus.UNAVAILABLE else 422 if card_problem else 200
    return render_page("order.html", order=order, steps=progress(order), labels=_param_labels(order),
                       refreshes="Refresh" in headers, pays_by_card=pays_by_card, card_errors=card_errors,
                       card_problem=card_problem), status, headers


def _pays_by_card(order: Order) -> bool:
    """Whether the signed-in customer may pay ``order`` by card here and now."""
    actor = current_customer_actor()
    return (order.payer_id == actor.account.id and Permission.PURCHASE in actor.permissions
            and PaymentMethod.CARD in actor.payment_methods and order_card_provider(order) is not None)


def _param_labels(order: Order) -> dict[int, dict[str, str]]:
    """Each line's parameter labels, by key, as the checkout asked for them."""
    locale = current_locale()
    return {line.id: {param.key: text_in(param.label, locale) for param in plan_params(line.plan)} for line in order.lines}


@bp.post("/orders/<int:order_id>/cancel")
@sign_in_required
def cancel(order_id: int) -> Response:
    order = _own_order(order_id)
    try:
        cancel_order(db.session, actor=current_customer_actor(), order_id=order.id, reason=request.form.get("reason", ""))
    except (ConflictError, PermissionDeniedError):
        db.session.rollback()
        flash(_("Order %(id)s can no longer be cancelled: it is not waiting for its payment any more.", id=order_id)
              if order.status is not OrderStatus.AWAITING_PAYMENT
              else _("Your teams here may not cancel orders."), "error")
        return redirect(url_for("shop_orders.order", order_id=order_id), 303)
    db.session.commit()
    flash(_("Order %(id)s is cancelled: nothing of it will be set up.", id=order_id), "info")
    return redirect(url_for("shop_orders.order", order_id=order_id), 303)


def read_card(form: Mapping[str, str]) -> CardDetails:
    """The card form as typed (spaces and dashes in the number allowed, the expiry as MM/YY); a
    ``ValidationError`` naming each field at fault. Whether the card is valid is its provider's to say."""
    errors: dict[str, list[str]] = {}
    number = re.sub(r"[\s-]", "", form.get(CARD_FIELDS["number"], ""))
    if not (number.isascii() and number.isdigit() and 12 <= len(number) <= 19):
        errors[CARD_FIELDS["number"]] = [_("Enter the card number: 12 to 19 digits, as on the card.")]
    expiry = _EXPIRY.fullmatch(form.get(CARD_FIELDS["expiry"], "").strip())
    month, year = (int(expiry.group(1)), int(expiry.group(2))) if expiry else (0, 0)
    if not 1 <= month <= 12:
        errors[CARD_FIELDS["expiry"]] = [_("Enter the expiry date as on the card: MM/YY, such as 04/29.")]
    cvc = form.get(CARD_FIELDS["cvc"], "").strip()
    if not (cvc.isascii() and cvc.isdigit() and 3 <= len(cvc) <= 4):
        errors[CARD_FIELDS["cvc"]] = [_("Enter the security code: the 3 or 4 digits on the back of the card.")]
    holder = " ".join(form.get(CARD_FIELDS["holder"], "").split())
    if not holder or len(holder) > MAX_HOLDER:
        errors[CARD_FIELDS["holder"]] = [_("Enter the name on the card (at most %(max)s characters).", max=MAX_HOLDER)]
    if errors:
        raise ValidationError(errors)
    return CardDetails(number=number, expiry_month=month, expiry_year=year if year >= 100 else 2000 + year, cvc=cvc,
                       holder=holder)


def _declined(decline: Decline | None) -> str:
    """Why the card was declined, in the customer's language."""
    return {
        Decline.CARD_DECLINED: _("Your card was declined. Try another card."),
        Decline.INSUFFICIENT_FUNDS: _("Your card was declined for insufficient funds. Try another card."),
        Decline.INCORRECT_NUMBER: _("This card number is not valid: check it, or try another card."),
        Decline.EXPIRED_CARD: _("This card has expired: try another card."),
        Decline.INCORRECT_CVC: _("This security code is not right: it is the 3 or 4 digits on the back of the card."),
    }.get(decline, _("Your card could not be charged. Try again, or try another card."))


@bp.post("/orders/<int:order_id>/pay")
@sign_in_required
def pay(order_id: int) -> Response | tuple[str, int, dict[str, str]]:
    order = _own_order(order_id)
    try:
        card = read_card(request.form)
    except ValidationError as error:
        return _order_page(order, error.fields)
    return pay_by_card(order, card)


def pay_by_card(order: Order, card: CardDetails) -> Response | tuple[str, int, dict[str, str]]:
    """Charge ``card`` for ``order``: paid, the order's page says so; declined, its card form again with why."""
    try:
        payment = pay_order_by_card(db.session, actor=current_customer_actor(), order_id=order.id, card=card)
    except (ConflictError, NotFoundError, PermissionDeniedError):
        db.session.rollback()
        flash(_("Order %(id)s does not wait for you to pay it by card.", id=order.id), "error")
        return redirect(url_for("shop_orders.order", order_id=order.id), 303)
    db.session.commit()
    if payment.status is CardPaymentStatus.PAID:
        flash(_("Thank you: order %(id)s is paid, and we are setting it up.", id=order.id), "info")
        return redirect(url_for("shop_orders.order", order_id=order.id), 303)
    return _order_page(payment.order, payment=payment)

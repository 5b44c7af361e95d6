"""A customer's orders on the shop: the list, and each order's progress until it is ready.

An order's page refreshes itself (an HTTP ``Refresh``, which needs no script) while there is
something to wait for. Only the signed-in customer's own orders open here; any other id is a 404.
"""

from __future__ import annotations

from dataclasses import dataclass

from flask import Blueprint, abort, flash, redirect, request, url_for
from flask_babel import gettext as _
from werkzeug.wrappers import Response

from core.errors import ConflictError, PermissionDeniedError
from core.models.orders import Order, OrderStatus
from core.products import text_in
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
    order = _own_order(order_id)
    headers = {"Cache-Control": "no-store"}
    if order.status is OrderStatus.IN_PROGRESS:
        headers["Refresh"] = str(REFRESH_SETTING_UP)
    elif order.status is OrderStatus.AWAITING_PAYMENT:
        headers["Refresh"] = str(REFRESH_AWAITING_PAYMENT)
    return render_page("order.html", order=order, steps=progress(order),
                       labels=_param_labels(order), refreshes="Refresh" in headers), 200, headers


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

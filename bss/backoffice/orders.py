"""Orders in the back office: the list, one order with its payments, placing one, confirming its payment."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext
from flask_login import login_required
from sqlalchemy import func, select
from werkzeug.wrappers import Response

from bss.auth import acting_account, can, current_actor
from bss.backoffice import bp
from core.errors import ValidationError
from core.models.accounts import Account
from core.models.catalog import Plan
from core.models.orders import Order, OrderStatus
from core.permissions import PaymentMethod, Permission
from core.products import ParamField
from core.services.accounts import get_account
from core.services.catalog import declared_type
from core.services.eligibility import purchase_blockers
from core.services.orders import (
    MAX_QUANTITY,
    OWNER_NAME,
    LineRequest,
    Payer,
    cancel_order,
    confirm_payment,
    get_order,
    orders_matching,
    place_order,
)
from core.services.pricing import ResolvedPrice, purchasable_plans, resolve_prices
from web.database import db
from web.formatting import money
from web.forms import account_choices, enum_arg, whole_number
from web.listing import page_of, read_listing

#: The columns the orders list sorts by, as its query string names them.
SORTABLE = {"number": Order.id, "placed": Order.created_at, "account": func.lower(OWNER_NAME), "status": Order.status,
            "total": Order.total_amount + Order.setup_amount}

@bp.get("/orders")
@login_required
def orders() -> str:
    status = enum_arg(OrderStatus, "status", gettext("an order status"))
    listing = read_listing(request.args, SORTABLE, "number", endpoint="backoffice.orders", descending=True)
    page = page_of(db.session, orders_matching(acting_account(), status=status, search=listing.search or None), SORTABLE,
                   listing, tiebreak=Order.id)
    return render_template(
        "backoffice/orders.html",
        page=page,
        # Who each order is for, in one query rather than one per order.
        owners={account.id: account for account in db.session.scalars(
            select(Account).where(Account.id.in_({order.owner_id for order in page.rows})))},
        status=status,
        statuses=list(OrderStatus),
    )


def _order_page(order: Order, errors: dict[str, list[str]] | None = None,
                form: Mapping[str, str] | None = None) -> tuple[str, int]:
    waiting = order.status is OrderStatus.AWAITING_PAYMENT
    is_seller = order.seller_id == acting_account().id
    return render_template(
        "backoffice/order.html",
        order=order,
        may_confirm=waiting and is_seller and can(Permission.PAY),
        may_cancel=waiting and can(Permission.PAY if is_seller else Permission.PURCHASE),
        payment_methods=list(PaymentMethod),
        errors=errors or {},
        form=form or {"method": order.payment_method, "amount": str(order.amount_due.rounded().amount)},
    ), 422 if errors else 200


@bp.get("/orders/<int:order_id>")
@login_required
def order(order_id: int) -> tuple[str, int]:
    return _order_page(get_order(db.session, acting_account(), order_id))


@bp.post("/orders/<int:order_id>/confirm-payment")
@login_required
def confirm_payment_view(order_id: int) -> Response | tuple[str, int]:
    form = request.form
    try:
        confirmed = confirm_payment(db.session, actor=current_actor(), order_id=order_id, method=form.get("method", ""),
                                    reference=form.get("reference", ""), amount=form.get("amount", "").strip())
    except ValidationError as error:
        db.session.rollback()
        return _order_page(get_order(db.session, acting_account(), order_id), error.fields, form)
    db.session.commit()
    flash(gettext("The payment of order %(id)s is recorded: its subscriptions are being set up.", id=confirmed.id), "info")
    return redirect(url_for("backoffice.order", order_id=confirmed.id))


@bp.post("/orders/<int:order_id>/cancel")
@login_required
def cancel_order_view(order_id: int) -> Response:
    reason = request.form.get("reason", "")
    cancelled = cancel_order(db.session, actor=current_actor(), order_id=order_id, reason=reason)
    db.session.commit()
    flash(gettext("Order %(id)s is cancelled: nothing of it will be set up.", id=cancelled.id), "info")
    return redirect(url_for("backoffice.order", order_id=cancelled.id))


def _params(form: Mapping[str, str]) -> dict[str, str]:
    """The ``params.<key>`` fields that were filled in; an empty one is left for the schema to require."""
    return {key.removeprefix("params."): value for key, value in form.items()
            if key.startswith("params.") and value.strip()}


@dataclass(frozen=True)
class Quote:
    """What the chosen plan costs whoever pays, and what stands in the way of buying it."""

    plan: Plan
    payer: Account
    quantity: int
    #: ``None``: the plan is not for sale to the payer.
    price: ResolvedPrice | None
    blockers: list[str]
    fields: list[ParamField]

    def field_labels(self, locale: str) -> dict[str, str]:
        """Each of the plan's order fields as the form labels it, by the name a refusal gives it (``lines.0.params.domain``)."""
        return {f"lines.0.{field.name}": field.label_in(locale) for field in self.fields}


def _new_order_page(values: Mapping[str, str], errors: dict[str, list[str]] | None = None) -> tuple[str, int]:
    """The order form: step one picks the account, payer, plan and quantity; step two, once a plan is
    chosen, shows its price and asks for its parameters and the payment method."""
    buyer = acting_account()
    errors = dict(errors or {})
    account_id = whole_number(values.get("account_id"), "account_id", errors)
    owner = get_account(db.session, buyer, account_id) if account_id is not None else buyer
    plans = purchasable_plans(db.session, buyer)
    plan_id = whole_number(values.get("plan_id"), "lines.0.plan_id", errors)
    plan = next((plan for plan in plans if plan.id == plan_id), None)
    if plan_id is not None and plan is None:
        errors.setdefault("lines.0.plan_id", [gettext("Choose one of the plans on sale.")])
    quantity = whole_number(values.get("quantity") or "1", "lines.0.quantity", errors, at_most=MAX_QUANTITY)
    payer = buyer if values.get("payer") == Payer.BUYER else owner
    quote = None
    if plan is not None and quantity:
        blockers = purchase_blockers(db.session, owner, [plan])[plan.id]
        price = resolve_prices(db.session, payer, [plan], quantity).get(plan.id)
        fields = [] if blockers else declared_type(plan.product).asked_params(db.session, owner, plan.code)
        quote = Quote(plan, payer, quantity, price, blockers, fields)
    return render_template(
        "backoffice/order_new.html",
        buyer=buyer,
        owner=owner,
        accounts=account_choices(),
        plans=plans,
        quote=quote,
        payment_methods=sorted(current_actor().payment_methods),
        values=values,
        errors=errors,
    ), 422 if errors else 200


@bp.get("/orders/new")
@login_required
def new_order() -> tuple[str, int]:
    return _new_order_page(request.args)


@bp.post("/orders/new")
@login_required
def place_order_view() -> Response | tuple[str, int]:
    form = request.form
    errors: dict[str, list[str]] = {}
    line = LineRequest(
        plan_id=whole_number(form.get("plan_id"), "lines.0.plan_id", errors, required=gettext("Choose a plan.")) or 0,
        quantity=whole_number(form.get("quantity"), "lines.0.quantity", errors, at_most=MAX_QUANTITY) or 0,
        params=_params(form),
    )
    owner_id = whole_number(form.get("account_id"), "account_id", errors)
    try:
        if errors:
            raise ValidationError(errors)
        placed = place_order(db.session, actor=current_actor(), lines=[line], owner_id=owner_id,
                             payer=form.get("payer", Payer.OWNER), payment_method=form.get("payment_method", ""))
    except ValidationError as error:
        db.session.rollback()
        return _new_order_page(form, error.fields)
    db.session.commit()
    if placed.status is OrderStatus.AWAITING_PAYMENT:
        flash(gettext("Order %(id)s is placed. It is set up once %(seller)s confirms the payment of %(amount)s.",
                      id=placed.id, seller=placed.seller.name, amount=money(placed.amount_due)), "info")
    else:
        flash(gettext("Order %(id)s is placed: its subscription is being set up.", id=placed.id), "info")
    return redirect(url_for("backoffice.order", order_id=placed.id))

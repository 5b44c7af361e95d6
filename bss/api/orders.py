"""``/orders``: placing orders, confirming their payment as their seller, and following them.

An order is seen by its payer and the sellers above it, so whoever sees one may see its prices.
"""

from __future__ import annotations

from flask import Response, url_for

from bss.api import bp
from bss.api.order_schemas import (
    OrderCancellationSchema,
    OrderCreateSchema,
    OrderPageSchema,
    OrderQuerySchema,
    OrderSchema,
    PaymentConfirmationSchema,
)
from core.permissions import Permission
from core.services.orders import (
    LineRequest,
    cancel_order,
    confirm_payment,
    get_order,
    list_orders,
    place_order,
)
from web.api.auth import current_actor, current_caller
from web.api.idempotency import commit_and_respond
from web.api.operations import operation, request_args, request_body, respond
from web.api.paging import page_of
from web.database import db


@bp.get("/orders")
@operation(summary="List the orders you or the accounts below you pay, newest first.",
           response=OrderPageSchema, query=OrderQuerySchema)
def orders() -> Response:
    args = request_args()
    rows = list_orders(
        db.session,
        current_caller().account,
        account_id=args.get("account_id"),
        status=args.get("status"),
        seller_id=args.get("seller_id"),
        after_id=args.get("cursor"),
        limit=args["limit"] + 1,
    )
    return respond(page_of(rows, args["limit"]))


@bp.post("/orders")
@operation(
    summary="Order plans for your account or one you sell to.",
    response=OrderSchema,
    status=201,
    body=OrderCreateSchema,
    permission=Permission.PURCHASE,
    idempotent=True,
    description="Prices are the payer's, from its seller, fixed when the order is placed. An order paid by a "
    "method its seller confirms first waits in `awaiting_payment`; any other is accepted at once: its "
    "subscriptions are created and provisioned. An `account_id` outside your tree answers 404.",
)
def create_order() -> Response:
    body = request_body()
    order = place_order(
        db.session,
        actor=current_actor(),
        owner_id=body["account_id"],
        payer=body["payer"],
        payment_method=body["payment_method"],
        lines=[LineRequest(line["plan_id"], line["quantity"], line["params"]) for line in body["lines"]],
    )
    return commit_and_respond(order, headers={"Location": url_for("api.order", order_id=order.id, _external=True)})


@bp.get("/orders/<int:order_id>")
@operation(summary="Read an order you or an account below you pays.", response=OrderSchema)
def order(order_id: int) -> Response:
    return respond(get_order(db.session, current_caller().account, order_id))


@bp.post("/orders/<int:order_id>/confirm-payment")
@operation(
    summary="Record the payment of an order waiting for it, as its seller; the order then goes ahead.",
    response=OrderSchema,
    body=PaymentConfirmationSchema,
    permission=Permission.PAY,
    conflicts=True,
    idempotent=True,
    description="Only the order's seller confirms its payment: for anyone else the order is not found.",
)
def confirm_order_payment(order_id: int) -> Response:
    order = confirm_payment(db.session, actor=current_actor(), order_id=order_id, **request_body())
    return commit_and_respond(order)


@bp.post("/orders/<int:order_id>/cancel")
@operation(
    summary="Withdraw an order that still waits for its payment.",
    response=OrderSchema,
    body=OrderCancellationSchema,
    forbids=True,
    conflicts=True,
    idempotent=True,
    description="Its buyer's side needs the `purchase` permission, its seller the `pay` permission.",
)
def cancel_unpaid_order(order_id: int) -> Response:
    order = cancel_order(db.session, actor=current_actor(), order_id=order_id, **request_body())
    return commit_and_respond(order)

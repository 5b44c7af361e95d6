"""TMF622 (v4) over Cascade's orders: ``productOrder`` (create, list, read, patch, delete) and
``cancelProductOrder`` (create, read).

A ``ProductOrder`` is placed by ``place_order`` with the same checks as ``POST /api/v1/orders``
and the same ``Idempotency-Key`` (``web.api.idempotency``), and read by ``get_order`` and
``list_orders``: the caller sees the orders its account or an account below it pays. What each
field means is in ``bss.tmf.ordering_mapping``.

What was ordered is never edited nor erased: an order is a record of a sale. So the one change
a ``PATCH`` makes is withdrawing an order that still waits for its payment (``state``
``cancelled``, with an optional ``cancellationReason``), as ``cancelProductOrder`` does, and a
``DELETE`` withdraws it the same way: the order stays readable, ``cancelled``.
"""

from __future__ import annotations

from flask import Response, request

from bss.tmf.common import filters, json_body, list_response, one_response, page_args, paged_rows, path_id, tmf_blueprint
from bss.tmf.hubs import serve_hub
from bss.tmf.ordering_mapping import (
    cancellation,
    cancellation_request,
    order_change,
    order_href,
    order_request,
    order_state,
    product_order,
    service_fields,
)
from core.errors import NotFoundError, ValidationError
from core.models.orders import Order, OrderStatus
from core.services.orders import cancel_order, get_order, place_order, visible_orders
from web.api.auth import current_actor, current_caller
from web.api.idempotency import commit_answer, replay_keyed_write
from web.database import db

bp = tmf_blueprint("tmf_ordering", "productOrderingManagement")
serve_hub(bp, "productOrderingManagement")

@bp.get("/productOrder")
def product_orders() -> Response:
    """List the orders the caller's account or the accounts below it pay, newest first."""
    offset, limit = page_args()
    wanted = filters({"state": order_state})
    viewer = current_caller().account
    if "state" in wanted and wanted["state"] is None:
        return list_response([], 0)
    query = visible_orders(viewer).order_by(Order.id.desc())
    if "state" in wanted:
        query = query.where(Order.status == wanted["state"])
    page, total = paged_rows(query, offset, limit)
    return list_response([product_order(order, viewer) for order in page], total)


@bp.get("/productOrder/<order_id>")
def product_order_view(order_id: str) -> Response:
    """Read an order the caller's account or an account below it pays."""
    viewer = current_caller().account
    return one_response(product_order(get_order(db.session, viewer, path_id(order_id, "order")), viewer))


@bp.post("/productOrder")
def create_product_order() -> Response:
    """Order plans for the caller's account or one it sells to: a ``ProductOrder_Create``."""
    if (replayed := replay_keyed_write()) is not None:
        return replayed
    actor = current_actor()
    asked = order_request(json_body(), actor.account.id, actor.payment_methods)
    try:
        order = place_order(db.session, actor=actor, owner_id=asked.owner_id, payer=asked.payer,
                            payment_method=asked.payment_method, lines=asked.lines)
    except ValidationError as error:
        raise service_fields(error) from None
    asked.check_seller(order)  # raising, the whole order is rolled back with the request
    db.session.flush()
    return commit_answer(one_response(product_order(order, actor.account), 201,
                                      location=request.host_url.rstrip("/") + order_href(order.id)))


@bp.patch("/productOrder/<order_id>")
def patch_product_order(order_id: str) -> Response:
    """Withdraw an order that still waits for its payment: a ``ProductOrder_Update`` of its ``state`` to ``cancelled``."""
    if (replayed := replay_keyed_write()) is not None:
        return replayed
    actor = current_actor()
    reason = order_change(json_body())
    order = cancel_order(db.session, actor=actor, order_id=path_id(order_id, "order"), reason=reason)
    db.session.flush()
    return commit_answer(one_response(product_order(order, actor.account) | {"cancellationReason": reason}))


@bp.delete("/productOrder/<order_id>")
def delete_product_order(order_id: str) -> Response:
    """Withdraw an order that still waits for its payment; it stays readable, ``cancelled``. Done twice, it is done once."""
    actor = current_actor()
    order = get_order(db.session, actor.account, path_id(order_id, "order"))
    if order.status is not OrderStatus.CANCELLED:
        cancel_order(db.session, actor=actor, order_id=order.id)
        db.session.commit()
    return Response(status=204)


@bp.post("/cancelProductOrder")
def cancel_product_order() -> Response:
    """Withdraw an order that still waits for its payment; any other answers 409."""
    if (replayed := replay_keyed_write()) is not None:
        return replayed
    order_id, reason = cancellation_request(json_body())
    order = cancel_order(db.session, actor=current_actor(), order_id=order_id, reason=reason)
    db.session.flush()
    return commit_answer(one_response(cancellation(order, reason), 201))


@bp.get("/cancelProductOrder/<order_id>")
def cancel_product_order_view(order_id: str) -> Response:
    """Read the cancellation of a cancelled order the caller sees; its id is the order's."""
    viewer = current_caller().account
    order = get_order(db.session, viewer, path_id(order_id, "order"))
    if order.status is not OrderStatus.CANCELLED:
        raise NotFoundError(f"Order {order.id} was not cancelled.")
    return one_response(cancellation(order))


"""TMF637 (v4) over Cascade's subscriptions: ``product`` (create, list, read, patch its quantity, delete).

The caller sees the subscriptions of its account and of the accounts below it, as
``/api/v1/subscriptions`` does; what each field means is in ``bss.tmf.inventory_mapping``.
``POST`` orders the product: a one-line order placed as TMF622's ``productOrder`` places it,
answered with the subscription it starts. ``PATCH`` changes the quantity through the
subscription's ``change`` action, ``DELETE`` cancels it at the end of its term through
``cancel``: all as ``/api/v1`` does, with its permissions (and ``POST`` and ``PATCH`` with its
``Idempotency-Key``); a change the vendor carries out reaches the product once it is done.
"""

from __future__ import annotations

from flask import Response, request

from bss.tmf.common import filters, json_body, list_response, one_response, page_args, paged_rows, path_id, tmf_blueprint
from bss.tmf.hubs import serve_hub
from bss.tmf.inventory_mapping import (
    product,
    product_fields,
    product_href,
    product_request,
    quantity_change,
    service_fields,
    status_condition,
    status_filter,
)
from bss.tmf.ordering_mapping import service_fields as order_fields
from core.errors import ConflictError, ValidationError
from core.models.orders import OrderLineKind
from core.models.subscriptions import Subscription
from core.products import Timing
from core.services.orders import place_order
from core.services.subscriptions import act_on_subscription, get_subscription, visible_subscriptions
from web.api.auth import current_actor, current_caller
from web.api.idempotency import commit_answer, replay_keyed_write
from web.database import db

bp = tmf_blueprint("tmf_inventory", "productInventoryManagement")
serve_hub(bp, "productInventoryManagement")

@bp.get("/product")
def products() -> Response:
    """List the subscriptions of the caller's account and of the accounts below it, by id."""
    offset, limit = page_args()
    wanted = filters({"status": status_filter})
    viewer = current_caller().account
    query = visible_subscriptions(viewer).order_by(Subscription.id)
    if "status" in wanted:
        query = query.where(status_condition(wanted["status"]))
    page, total = paged_rows(query, offset, limit)
    return list_response([product(row, viewer) for row in page], total)


@bp.get("/product/<subscription_id>")
def product_view(subscription_id: str) -> Response:
    """Read a subscription of the caller's account or of one below it."""
    viewer = current_caller().account
    return one_response(product(get_subscription(db.session, viewer, path_id(subscription_id, "product")), viewer))


@bp.post("/product")
def create_product() -> Response:
    """Order a product for the caller's account or one it sells to: a ``Product_Create``, answered with the new product.

    Only an order that goes ahead at once starts a product; one that must wait for its payment
    (the seller confirms bank transfers first, say) is refused and nothing is ordered: place it
    as a TMF622 ``productOrder``, whose answer is the order to pay.
    """
    if (replayed := replay_keyed_write()) is not None:
        return replayed
    actor = current_actor()
    asked = product_request(json_body(), actor.account.id, actor.payment_methods)
    try:
        order = place_order(db.session, actor=actor, owner_id=asked.owner_id, payer=asked.payer,
                            payment_method=asked.payment_method, lines=asked.lines)
        asked.check_seller(order)  # raising, the whole order is rolled back with the request
    except ValidationError as error:
        raise product_fields(order_fields(error)) from None
    [line] = order.lines
    if line.kind is not OrderLineKind.NEW:
        raise ValidationError({"productOffering.id": [f"{order.owner.name} has {line.plan.product.name} already: "
                                                      "change its plan with a productOrder item of action modify."]})
    if line.subscription is None:
        raise ConflictError(f"The order waits for a payment by {order.payment_method.replace('_', ' ')} first: place "
                            "it as a productOrder (TMF622), whose answer is the order to pay.")
    db.session.flush()
    return commit_answer(one_response(product(line.subscription, actor.account), 201,
                                      location=request.host_url.rstrip("/") + product_href(line.subscription.id)))


@bp.patch("/product/<subscription_id>")
def patch_product(subscription_id: str) -> Response:
    """Change a subscription's quantity, its ``quantity`` characteristic: now, or at the end of the term."""
    if (replayed := replay_keyed_write()) is not None:
        return replayed
    actor = current_actor()
    quantity = quantity_change(json_body())
    try:
        changed = act_on_subscription(db.session, actor=actor, subscription_id=path_id(subscription_id, "product"),
                                      action="change", quantity=quantity)
    except ValidationError as error:
        raise service_fields(error) from None
    db.session.flush()
    return commit_answer(one_response(product(changed, actor.account)))


@bp.delete("/product/<subscription_id>")
def delete_product(subscription_id: str) -> Response:
    """Cancel a subscription at the end of its term; until then it is ``pendingTerminate``."""
    act_on_subscription(db.session, actor=current_actor(), subscription_id=path_id(subscription_id, "product"), action="cancel",
                        when=Timing.END_OF_TERM)
    db.session.commit()
    return Response(status=204)


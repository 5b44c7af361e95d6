"""TMF637 (v4) over Cascade's subscriptions: ``product`` (list, read, patch its quantity, delete).

The caller sees the subscriptions of its account and of the accounts below it, as
``/api/v1/subscriptions`` does; what each field means is in ``bss.tmf.inventory_mapping``.
``PATCH`` changes the quantity through the subscription's ``change`` action, ``DELETE`` cancels
it at the end of its term through ``cancel``: both as ``/api/v1`` does, with its permissions (and
``PATCH`` with its ``Idempotency-Key``); a change the vendor carries out reaches the product once
it is done. Products are created by ordering them (TMF622), so ``POST /product`` is not served.
"""

from __future__ import annotations

from flask import Response

from bss.tmf.common import EVERY, filters, json_body, list_response, one_response, page_args, paged, path_id, tmf_blueprint
from bss.tmf.hubs import serve_hub
from bss.tmf.inventory_mapping import product, product_status, quantity_change, service_fields, status_filter
from core.errors import ValidationError
from core.products import Timing
from core.services.subscriptions import act_on_subscription, get_subscription, list_subscriptions
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
    rows = list_subscriptions(db.session, viewer, limit=EVERY)
    if "status" in wanted:
        rows = [row for row in rows if product_status(row) == wanted["status"]]
    page, total = paged(rows, offset, limit)
    return list_response([product(row, viewer) for row in page], total)


@bp.get("/product/<subscription_id>")
def product_view(subscription_id: str) -> Response:
    """Read a subscription of the caller's account or of one below it."""
    viewer = current_caller().account
    return one_response(product(get_subscription(db.session, viewer, path_id(subscription_id, "product")), viewer))


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


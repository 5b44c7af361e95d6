"""An accepted order's status, followed from the provisioning of its lines."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from core.clock import utcnow
from core.models.orders import ORDER_STATES, Order, OrderLine, OrderStatus
from core.models.provisioning import OPEN_REQUEST_STATUSES, ProvisioningRequest, RequestStatus
from core.services.event_hubs import ORDERING, account_ids, publish


def refresh_order_status(session: Session, order: Order) -> None:
    """Complete or fail an accepted order once none of its lines is still being provisioned.

    A line's latest request decides for it: a failed one that was retried and then done counts
    as done.
    """
    if order.status not in (OrderStatus.IN_PROGRESS, OrderStatus.FAILED):
        return
    session.flush()
    latest: dict[int, RequestStatus] = {}
    for line_id, status in session.execute(
        select(ProvisioningRequest.order_line_id, ProvisioningRequest.status)
        .join(OrderLine, OrderLine.id == ProvisioningRequest.order_line_id)
        .where(OrderLine.order_id == order.id)
        .order_by(ProvisioningRequest.id)
    ):
        latest[line_id] = status
    statuses = set(latest.values())
    if statuses & OPEN_REQUEST_STATUSES:
        target = OrderStatus.IN_PROGRESS
    elif RequestStatus.FAILED in statuses:
        target = OrderStatus.FAILED
    else:
        target = OrderStatus.COMPLETED
    if target is not order.status:
        order.completed_at = utcnow() if target is OrderStatus.COMPLETED else None
        move_order(session, order, target)


def move_order(session: Session, order: Order, target: OrderStatus) -> None:
    """Move ``order`` to ``target`` (checked), and tell the hubs of its payer and the sellers above it."""
    order.status = ORDER_STATES.check(order.status, target)
    publish(session, account_ids(order.payer.path), ORDERING, "ProductOrderStateChangeEvent",
            lambda: {"order_id": order.id, "status": str(target)})

"""Starting a subscription and changing its plan or quantity: now, or at the end of the term."""

from __future__ import annotations

from sqlalchemy.orm import Session

from core.models.catalog import Plan
from core.models.orders import OrderLine
from core.models.people import User
from core.models.provisioning import ProvisioningRequest
from core.models.subscriptions import Subscription, SubscriptionStatus
from core.money import Money
from core.products import PlanChange, Timing
from core.provisioning import LifecycleAction
from core.services.catalog import declared_type
from core.services.lifecycle import record_change
from core.services.provisioning import request_provisioning


def start_subscription(session: Session, line: OrderLine, *, actor: User | None) -> Subscription:
    """Create the subscription an accepted order line buys, and ask for its activation."""
    order = line.order
    product_type = declared_type(line.plan.product)
    subscription = Subscription(
        owner=order.owner,
        seller=order.seller,
        payer=order.payer,
        product=line.plan.product,
        plan=line.plan,
        quantity=line.quantity,
        params=dict(line.params),
        status=SubscriptionStatus.PENDING,
        unit_amount=line.unit_amount,
        currency=order.currency,
        auto_renew=not product_type.manual_renewal,
        provisioning_data={},
    )
    session.add(subscription)
    record_change(session, subscription, action="created", actor=actor,
                  reason=f"order {order.id}" if order.id else "")
    request_provisioning(session, subscription, LifecycleAction.ACTIVATE, actor=actor, order_line=line)
    return subscription


def change_plan(
    session: Session,
    subscription: Subscription,
    *,
    plan: Plan,
    quantity: int,
    unit_price: Money,
    actor: User | None,
    order_line: OrderLine | None = None,
    timing: Timing | None = None,
    reason: str = "",
    scheduled: bool = False,
) -> ProvisioningRequest | None:
    """Move the subscription to ``plan`` and ``quantity``: at ``timing``, or when its product says.

    Returns the provisioning request of a change made now, or ``None`` for a change scheduled
    for the end of the term (applied by the renewals then, with ``scheduled``). ``reason`` goes
    into the history.
    """
    if timing is None:
        product_type = declared_type(subscription.product)
        timing = product_type.change_timing(PlanChange(
            plan=product_type.plan(subscription.plan.code), quantity=subscription.quantity,
            new_plan=product_type.plan(plan.code), new_quantity=quantity,
        ))
    if timing is Timing.END_OF_TERM:
        subscription.scheduled_plan = plan
        subscription.scheduled_quantity = quantity
        changes = {"plan": [subscription.plan.name, plan.name], "quantity": [subscription.quantity, quantity]}
        when = subscription.term_end or subscription.current_period_end
        record_change(session, subscription, action="change_scheduled", actor=actor, changes=changes,
                      reason=(reason or "takes effect") + f" at the end of the term{f', on {when:%Y-%m-%d}' if when else ''}")
        return None
    payload = {"plan_id": plan.id, "quantity": quantity, "unit_amount": format(unit_price.amount, "f"),
               "reason": reason, "scheduled": scheduled}
    return request_provisioning(session, subscription, LifecycleAction.CHANGE, payload=payload, actor=actor,
                                order_line=order_line)

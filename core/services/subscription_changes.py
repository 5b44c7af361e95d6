"""Starting a subscription and changing its plan or quantity: now, or at the end of the term."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from core.clock import add_months
from core.languages import _
from core.models.accounts import Account
from core.models.catalog import Plan
from core.models.orders import OrderLine
from core.models.people import User
from core.models.provisioning import ProvisioningRequest
from core.models.subscriptions import Subscription, SubscriptionStatus
from core.money import Money
from core.product_lifecycle import LifecycleAction
from core.products import PlanChange, Timing
from core.services.catalog import declared_type
from core.services.lifecycle import record_change
from core.services.provisioning import request_provisioning
from core.wording import Wording, stored_said


def start_subscription(session: Session, line: OrderLine, *, by: User | None) -> Subscription:
    """Create the subscription an accepted order line buys, and ask for its activation."""
    order = line.order
    subscription = _new_subscription(session, owner=order.owner, seller=order.seller, payer=order.payer, plan=line.plan,
                                     quantity=line.quantity, params=line.params, unit_price=line.unit_price,
                                     by=by, reason=Wording(_("order %(order)s"), {"order": str(order.id)}) if order.id else "")
    request_provisioning(session, subscription, LifecycleAction.ACTIVATE, by=by, order_line=line)
    return subscription


def start_trial_subscription(
    session: Session, *, owner: Account, plan: Plan, params: dict[str, Any], unit_price: Money, days: int,
    by: User | None,
) -> Subscription:
    """Create a free trial of ``plan`` for ``owner``, who pays ``unit_price`` once it is paid, and ask for its activation."""
    assert owner.parent is not None
    subscription = _new_subscription(session, owner=owner, seller=owner.parent, payer=owner, plan=plan, quantity=1,
                                     params=params, unit_price=unit_price, by=by,
                                     reason=Wording(_("free trial of %(days)s days"), {"days": days}))
    request_provisioning(session, subscription, LifecycleAction.ACTIVATE, by=by, payload={"free_trial_days": days})
    return subscription


def _new_subscription(
    session: Session, *, owner: Account, seller: Account, payer: Account, plan: Plan, quantity: int,
    params: dict[str, Any], unit_price: Money, by: User | None, reason: str | Wording,
) -> Subscription:
    subscription = Subscription(
        owner=owner,
        seller=seller,
        payer=payer,
        product=plan.product,
        plan=plan,
        quantity=quantity,
        params=dict(params),
        status=SubscriptionStatus.PENDING,
        unit_amount=unit_price.amount,
        currency=unit_price.currency,
        auto_renew=not declared_type(plan.product).manual_renewal,
        provisioning_data={},
    )
    session.add(subscription)
    record_change(session, subscription, action="created", by=by, reason=reason)
    return subscription


def term_started_at(subscription: Subscription) -> datetime | None:
    """When the subscription's current term began: its purchase, or the renewal that began a new
    commitment (``None``: it has not started)."""
    if subscription.started_at is None:
        return None
    months = subscription.plan.term_months
    if subscription.term_end is None or not months:
        return subscription.current_period_start
    # The term ends ``months`` after it began; a term that began on the 31st ends on a shorter month's last day.
    return max(add_months(subscription.term_end, -months), subscription.started_at)


def change_timing(subscription: Subscription, plan: Plan, quantity: int) -> Timing:
    """When moving the subscription to ``plan`` and ``quantity`` takes effect, as its product decides."""
    product_type = declared_type(subscription.product)
    return product_type.change_timing(PlanChange(
        plan=product_type.plan(subscription.plan.code), quantity=subscription.quantity,
        new_plan=product_type.plan(plan.code), new_quantity=quantity,
        term_started_at=term_started_at(subscription),
    ))


def change_plan(
    session: Session,
    subscription: Subscription,
    *,
    plan: Plan,
    quantity: int,
    unit_price: Money,
    by: User | None,
    order_line: OrderLine | None = None,
    timing: Timing | None = None,
    reason: str | Wording = "",
    scheduled: bool = False,
) -> ProvisioningRequest | None:
    """Move the subscription to ``plan`` and ``quantity``: at ``timing``, or when its product says.

    Returns the provisioning request of a change made now, or ``None`` for a change scheduled
    for the end of the term (applied by the renewals then, with ``scheduled``). ``reason`` goes
    into the history.
    """
    if timing is None:
        timing = change_timing(subscription, plan, quantity)
    if timing is Timing.END_OF_TERM:
        subscription.scheduled_plan = plan
        subscription.scheduled_quantity = quantity
        changes = {"plan": [subscription.plan.name, plan.name], "quantity": [subscription.quantity, quantity]}
        when = subscription.term_end or subscription.current_period_end
        record_change(session, subscription, action="change_scheduled", by=by, changes=changes,
                      reason=_at_end_of_term(reason or Wording(_("takes effect")), when))
        return None
    payload = {"plan_id": plan.id, "quantity": quantity, "unit_amount": format(unit_price.amount, "f"),
               "reason": stored_said(reason), "scheduled": scheduled}
    return request_provisioning(session, subscription, LifecycleAction.CHANGE, payload=payload, by=by,
                                order_line=order_line)


def _at_end_of_term(reason: str | Wording, when: datetime | None) -> Wording:
    if when is None:
        return Wording(_("%(reason)s at the end of the term"), {"reason": reason})
    return Wording(_("%(reason)s at the end of the term, on %(day)s"), {"reason": reason, "day": when})

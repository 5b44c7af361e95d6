"""Applying what provisioning answered to the subscription: its status, dates and history.

A lifecycle change reaches the subscription only once its product has answered ``done``: a
subscription is never shown suspended, changed or renewed before the vendor has made it so.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

from sqlalchemy.orm import Session

from core.clock import add_months, utcnow
from core.languages import _
from core.models.catalog import BillingPeriod, Plan
from core.models.people import User
from core.models.provisioning import ProvisioningRequest
from core.models.subscriptions import SUBSCRIPTION_STATES, Subscription, SubscriptionEvent, SubscriptionStatus, SuspendReason
from core.product_lifecycle import LifecycleAction
from core.services.catalog import declared_type
from core.services.charges import PlanTerms, charge_change, charge_period, charge_setup, refund_rest_of_period
from core.services.entitlements import OWN_STOREFRONT
from core.services.event_hubs import INVENTORY, account_ids, publish
from core.services.notifications import (
    notify_cancellation_confirmed,
    notify_provisioning_failed,
    notify_subscription_active,
)
from core.services.order_status import refresh_order_status
from core.services.storefronts import sync_storefront
from core.wording import Wording, said_columns, said_from_stored

S = SubscriptionStatus
#: The actions that change what TMF637 shows of a product without changing its status: its plan, quantity or price,
#: its seller and payer (the account moved to another seller).
ATTRIBUTE_CHANGES = frozenset({"changed", "moved"})
#: Why a subscription was suspended, in its history when no one said more.
SUSPEND_REASONS = {SuspendReason.BY_SELLER: _("by seller"), SuspendReason.OVERDUE: _("overdue"),
                   SuspendReason.EXPIRED: _("expired"), SuspendReason.BY_VENDOR: _("by vendor")}


def record_change(
    session: Session,
    subscription: Subscription,
    *,
    action: str,
    by: User | None,
    to_status: SubscriptionStatus | None = None,
    changes: dict[str, Any] | None = None,
    reason: str | Wording = "",
) -> SubscriptionEvent:
    """Move the subscription to ``to_status`` (checked) and record who did what, from what, and why; TMF637's
    listeners hear of a new subscription, a new status, or a change of what it is (``ATTRIBUTE_CHANGES``)."""
    before = subscription.status
    if to_status is not None and to_status is not before:
        subscription.status = SUBSCRIPTION_STATES.check(before, to_status)
    event = SubscriptionEvent(
        subscription=subscription,
        actor=by,
        action=action,
        from_status=before,
        to_status=subscription.status,
        changes=changes or {},
        **said_columns(reason, "reason", size=None),
    )
    session.add(event)
    if action == "created":
        event_type = "ProductCreateEvent"
    elif subscription.status is not before:
        event_type = "ProductStateChangeEvent"
    elif action in ATTRIBUTE_CHANGES:
        event_type = "ProductAttributeValueChangeEvent"
    else:
        return event
    publish(session, account_ids(subscription.owner.path), INVENTORY, event_type,
            lambda: {"subscription_id": subscription.id, "status": str(subscription.status)})
    return event


def period_end_after(plan: Plan, start: datetime) -> datetime | None:
    """The end of a billing period of ``plan`` starting at ``start`` (``None``: one-off, no renewal)."""
    months = {BillingPeriod.MONTHLY: 1, BillingPeriod.YEARLY: 12}.get(plan.billing_period)
    return add_months(start, months) if months else None


def _term_end_after(plan: Plan, start: datetime, period_end: datetime | None) -> datetime | None:
    return add_months(start, plan.term_months) if plan.term_months else period_end


def next_reminder(subscription: Subscription, after: datetime) -> datetime | None:
    """When the next renewal reminder of the current period is due, after ``after``.

    A reminder is sent so many days before the period's end as its product says, but never
    more than half a period ahead: "renews in 30 days" on a monthly plan would be noise.
    """
    start, end = subscription.current_period_start, subscription.current_period_end
    if start is None or end is None:
        return None
    days = declared_type(subscription.product).renewal_reminder_days
    moments = sorted(end - timedelta(days=d) for d in days if timedelta(days=2 * d) <= end - start)
    return next((moment for moment in moments if moment > after), None)


def apply_done(session: Session, request: ProvisioningRequest) -> None:
    """The product did what ``request`` asked: change the subscription to match."""
    subscription = request.subscription
    payload = request.payload
    by = request.requested_by
    now = utcnow()
    # The status, its reason and the dates change in several steps that only hold together:
    # nothing may be flushed half-way (a suspended subscription always has its reason).
    with session.no_autoflush:
        match request.action:
            case LifecycleAction.ACTIVATE:
                _activate(session, subscription, payload, now, by)
                if request.order_line is not None and request.order_line.setup_fee is not None:
                    charge_setup(session, subscription, request.order_line.setup_fee)
            case LifecycleAction.CHANGE:
                _change(session, subscription, payload, now, by, event=str(request.id))
            case LifecycleAction.SUSPEND:
                subscription.suspend_reason = SuspendReason(payload["reason"])
                record_change(session, subscription, action="suspended", by=by, to_status=S.SUSPENDED,
                              reason=payload.get("note") or Wording(SUSPEND_REASONS[SuspendReason(payload["reason"])]))
            case LifecycleAction.RESUME:
                subscription.suspend_reason = None
                in_trial = subscription.trial_end is not None and subscription.trial_end > now
                record_change(session, subscription, action="resumed", by=by, to_status=S.TRIAL if in_trial else S.ACTIVE,
                              reason=payload.get("note", ""))
            case LifecycleAction.CANCEL:
                if declared_type(subscription.product).refunds_unused_time and subscription.status is not S.TRIAL:
                    refund_rest_of_period(session, subscription, at=now, event=str(request.id))
                _cancel(session, subscription, payload, now, by)
            case LifecycleAction.RENEW:
                _renew(session, subscription, payload, now, by)
            case LifecycleAction.TRANSFER:
                record_change(session, subscription, action="transferred", by=by,
                              reason=Wording(_("The vendor now knows %(seller)s sells it."),
                                             {"seller": subscription.seller.name}))
    if OWN_STOREFRONT in subscription.plan.features:
        sync_storefront(session, subscription.owner)
    if request.order_line is not None:
        refresh_order_status(session, request.order_line.order)


def apply_failed(session: Session, request: ProvisioningRequest) -> None:
    """The product could not do what ``request`` asked: record it, and fail a first activation."""
    subscription = request.subscription
    to_status = S.FAILED if request.action is LifecycleAction.ACTIVATE else None
    record_change(session, subscription, action=f"{request.action}_failed", by=None, to_status=to_status,
                  reason=request.detail)
    if request.order_line is not None:
        refresh_order_status(session, request.order_line.order)
    notify_provisioning_failed(session, request)


def _activate(session: Session, subscription: Subscription, payload: dict[str, Any], now: datetime,
              by: User | None) -> None:
    plan = subscription.plan
    subscription.started_at = now
    subscription.current_period_start = now
    if free_trial_days := payload.get("free_trial_days"):
        # A free trial has no period to renew: it becomes paid when someone ends it, and the
        # product that offered it decides what becomes of one that nobody ends.
        subscription.trial_end = subscription.term_end = now + timedelta(days=free_trial_days)
        subscription.current_period_end = None
        status = S.TRIAL
    elif plan.trial_days:
        subscription.trial_end = now + timedelta(days=plan.trial_days)
        subscription.current_period_end = subscription.term_end = subscription.trial_end
        status = S.TRIAL
    else:
        subscription.current_period_end = period_end_after(plan, now)
        subscription.term_end = _term_end_after(plan, now, subscription.current_period_end)
        status = S.ACTIVE
    subscription.next_reminder_at = next_reminder(subscription, now)
    record_change(session, subscription, action="activated", by=by, to_status=status)
    if status is S.ACTIVE:  # a trial is charged when it ends
        charge_period(session, subscription, now, subscription.current_period_end)
    notify_subscription_active(session, subscription)


def _change(session: Session, subscription: Subscription, payload: dict[str, Any], now: datetime, by: User | None,
            *, event: str) -> None:
    plan = session.get(Plan, payload["plan_id"])
    assert plan is not None
    before = PlanTerms.of(subscription)
    changes: dict[str, Any] = {}
    if plan.id != subscription.plan_id:
        changes["plan"] = [subscription.plan.name, plan.name]
        subscription.plan = plan
    if payload["quantity"] != subscription.quantity:
        changes["quantity"] = [subscription.quantity, payload["quantity"]]
        subscription.quantity = payload["quantity"]
    unit_amount = Decimal(payload["unit_amount"])
    if unit_amount != subscription.unit_amount:
        changes["unit_price"] = [format(subscription.unit_price.rounded().amount, "f"), payload["unit_amount"]]
        subscription.unit_amount = unit_amount
    if payload.get("scheduled"):
        subscription.scheduled_plan, subscription.scheduled_quantity = None, None
    reason = (said_from_stored(payload.get("reason"))
              or (Wording(_("the change scheduled for the end of the term")) if payload.get("scheduled") else ""))
    record_change(session, subscription, action="changed", by=by, changes=changes, reason=reason)
    charge_change(session, subscription, before=before, at=now, event=event)


def _cancel(session: Session, subscription: Subscription, payload: dict[str, Any], now: datetime, by: User | None) -> None:
    terminated = bool(payload.get("terminate"))
    subscription.ended_at = now
    subscription.cancel_at = None
    subscription.scheduled_plan, subscription.scheduled_quantity = None, None
    subscription.suspend_reason = None
    record_change(session, subscription, action="terminated" if terminated else "cancelled", by=by,
                  to_status=S.TERMINATED if terminated else S.CANCELLED, reason=payload.get("note", ""))
    notify_cancellation_confirmed(session, subscription)


def _renew(session: Session, subscription: Subscription, payload: dict[str, Any], now: datetime, by: User | None) -> None:
    previous_end = subscription.current_period_end or now
    if subscription.status is S.SUSPENDED:
        start = now  # the service lapsed: the new period starts when it is renewed
    elif payload.get("from_trial"):
        start = min(now, previous_end)
    else:
        start = previous_end
    end = period_end_after(subscription.plan, start)
    changes = {"current_period_end": [_iso(subscription.current_period_end), _iso(end)]}
    subscription.current_period_start, subscription.current_period_end = start, end
    if subscription.term_end is None or end is None or subscription.term_end < end:
        subscription.term_end = _term_end_after(subscription.plan, start, end)  # a new commitment begins
    subscription.suspend_reason = None
    subscription.next_reminder_at = next_reminder(subscription, now)
    to_status = S.ACTIVE if subscription.status in (S.TRIAL, S.SUSPENDED) else None
    action = "trial_ended" if payload.get("from_trial") else "renewed"
    record_change(session, subscription, action=action, by=by, to_status=to_status, changes=changes)
    charge_period(session, subscription, start, end)


def _iso(moment: datetime | None) -> str | None:
    return moment.isoformat() if moment else None

"""What happens at a period's end, run by the scheduler every minute.

A subscription whose period has ended gets, in this order of precedence: its cancellation
(asked for at the end of the term), its scheduled change (a downgrade waiting for the end of
the term), its renewal (automatic unless its product renews by hand), or, when it renews by
hand and nobody did, a suspension as expired. Each is a provisioning request; a subscription
busy with one is left for the next run. Renewal reminders go out ahead of the period's end, at
the times ``next_reminder`` sets.
"""

from __future__ import annotations

import math
from datetime import datetime, timedelta

from sqlalchemy import exists, select
from sqlalchemy.orm import Session, joinedload

from core.clock import utcnow
from core.models.provisioning import OPEN_REQUEST_STATUSES, ProvisioningRequest
from core.models.subscriptions import Subscription, SubscriptionStatus, SuspendReason
from core.product_lifecycle import LifecycleAction
from core.products import Timing
from core.services.lifecycle import next_reminder
from core.services.notifications import notify_renewal_due
from core.services.pricing import resolve_prices
from core.services.provisioning import request_provisioning
from core.services.subscription_changes import change_plan

S = SubscriptionStatus

#: Subscriptions whose period end the scheduler acts on.
RENEWING = (S.TRIAL, S.ACTIVE, S.PENDING_CANCELLATION)


def _not_busy() -> object:
    return ~exists().where(
        ProvisioningRequest.subscription_id == Subscription.id,
        ProvisioningRequest.status.in_(OPEN_REQUEST_STATUSES),
    )


def run_period_ends(session: Session, limit: int = 500) -> int:
    """Ask for what each subscription whose period has ended needs; return how many were due."""
    now = utcnow()
    due = list(session.scalars(
        select(Subscription)
        .where(Subscription.status.in_(RENEWING), Subscription.current_period_end <= now, _not_busy())
        .options(joinedload(Subscription.plan), joinedload(Subscription.product))
        .order_by(Subscription.current_period_end)
        .limit(limit)
        .with_for_update(skip_locked=True, of=Subscription)
    ))
    for subscription in due:
        _act_on_period_end(session, subscription, now)
    session.flush()
    return len(due)


def _act_on_period_end(session: Session, subscription: Subscription, now: datetime) -> None:
    term_over = subscription.term_end is None or subscription.term_end <= now
    if subscription.status is S.PENDING_CANCELLATION and subscription.cancel_at and subscription.cancel_at <= now:
        request_provisioning(session, subscription, LifecycleAction.CANCEL,
                             payload={"note": "cancelled at the end of the term, as asked"})
    elif subscription.has_scheduled_change and term_over:
        plan = subscription.scheduled_plan or subscription.plan
        quantity = subscription.scheduled_quantity or subscription.quantity
        price = resolve_prices(session, subscription.payer, [plan], quantity).get(plan.id)
        change_plan(session, subscription, plan=plan, quantity=quantity,
                    unit_price=price.unit_price if price else subscription.unit_price,
                    by=None, timing=Timing.NOW, scheduled=True)
    elif subscription.status is S.TRIAL:
        request_provisioning(session, subscription, LifecycleAction.RENEW, payload={"from_trial": True})
    elif subscription.auto_renew:
        request_provisioning(session, subscription, LifecycleAction.RENEW, payload={})
    else:
        request_provisioning(session, subscription, LifecycleAction.SUSPEND,
                             payload={"reason": SuspendReason.EXPIRED, "note": "not renewed by the end of its period"})


def send_renewal_reminders(session: Session, limit: int = 1000) -> int:
    """Send the renewal reminders that are due; return how many went out.

    Each subscription keeps when its next reminder is due, so a run reads only what is due.
    When several came due at once (the scheduler was down), one goes out, with the real number
    of days left.
    """
    now = utcnow()
    due = session.scalars(
        select(Subscription)
        .where(Subscription.status.in_((S.TRIAL, S.ACTIVE)), Subscription.next_reminder_at <= now)
        .options(joinedload(Subscription.product), joinedload(Subscription.plan))
        .order_by(Subscription.next_reminder_at)
        .limit(limit)
        .with_for_update(skip_locked=True, of=Subscription)
    ).all()
    sent = 0
    for subscription in due:
        end = subscription.current_period_end
        if end is not None and end > now:
            notify_renewal_due(session, subscription, math.ceil((end - now) / timedelta(days=1)))
            sent += 1
        subscription.next_reminder_at = next_reminder(subscription, now)
    session.flush()
    return sent

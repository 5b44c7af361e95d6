"""What needs a seller's attention today, for the back-office home.

The seed's promise: running a reseller business takes "5-10 minutes of your time each day".
Each item here is one click from being done: a manual task to complete, an order whose payment
to confirm, a failed provisioning to retry, a renewal to make, a support request to answer.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import and_, func, or_, select
from sqlalchemy.orm import Session, joinedload

from core.clock import utcnow
from core.models.orders import Order, OrderStatus
from core.models.provisioning import ManualTask, ProvisioningRequest, RequestStatus, TaskStatus
from core.models.subscriptions import Subscription, SubscriptionStatus, SuspendReason
from core.services.actors import Actor
from core.services.manual_tasks import list_tasks
from core.services.tickets import TicketView, awaiting_answer, fast_tracked

#: How far ahead renewals are shown.
RENEWAL_HORIZON = timedelta(days=30)
#: Items per list; the lists link to the whole.
LIMIT = 20


@dataclass(frozen=True)
class Attention:
    tasks: list[ManualTask]
    awaiting_payment: list[Order]
    failed: list[ProvisioningRequest]
    renewals_due: list[Subscription]
    #: Fast-tracked escalations first, then the longest waiting.
    tickets: list[TicketView]
    #: The ids of the tickets among them that are fast-tracked escalations.
    fast_tracked: frozenset[int]

    @property
    def count(self) -> int:
        return (len(self.tasks) + len(self.awaiting_payment) + len(self.failed) + len(self.renewals_due)
                + len(self.tickets))


def needs_attention(session: Session, actor: Actor) -> Attention:
    """What the actor's account has to act on, oldest or soonest first."""
    account = actor.account
    latest = (
        select(func.max(ProvisioningRequest.id))
        .group_by(ProvisioningRequest.subscription_id)
        .scalar_subquery()
    )
    failed = list(session.scalars(
        select(ProvisioningRequest)
        .join(Subscription, Subscription.id == ProvisioningRequest.subscription_id)
        .where(Subscription.seller_id == account.id, ProvisioningRequest.status == RequestStatus.FAILED,
               ProvisioningRequest.id.in_(latest),
               Subscription.status.not_in((SubscriptionStatus.CANCELLED, SubscriptionStatus.TERMINATED)))
        .options(joinedload(ProvisioningRequest.subscription).joinedload(Subscription.owner))
        .order_by(ProvisioningRequest.id).limit(LIMIT)
    ))
    awaiting = list(session.scalars(
        select(Order).where(Order.seller_id == account.id, Order.status == OrderStatus.AWAITING_PAYMENT)
        .options(joinedload(Order.payer)).order_by(Order.id).limit(LIMIT)
    ))
    now = utcnow()
    renewals = list(session.scalars(
        select(Subscription)
        .where(
            or_(Subscription.seller_id == account.id, Subscription.payer_id == account.id),
            Subscription.auto_renew.is_(False),
            or_(
                and_(Subscription.status == SubscriptionStatus.ACTIVE,
                     Subscription.current_period_end <= now + RENEWAL_HORIZON),
                and_(Subscription.status == SubscriptionStatus.SUSPENDED,
                     Subscription.suspend_reason == SuspendReason.EXPIRED),
            ),
        )
        .options(joinedload(Subscription.owner), joinedload(Subscription.product), joinedload(Subscription.plan))
        .order_by(Subscription.current_period_end).limit(LIMIT)
    ))
    tickets = awaiting_answer(session, actor, limit=LIMIT)
    return Attention(list_tasks(session, actor, status=TaskStatus.OPEN, limit=LIMIT), awaiting, failed, renewals,
                     tickets, fast_tracked(session, tickets))


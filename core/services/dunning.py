"""Dunning: what happens to an invoice left unpaid past its due date.

An open invoice is overdue the day after its due date. Its recipient is then reminded on the days
past due that its issuer's schedule names (``BillingProfile.reminder_days``: 3, 10 and 17 by
default), and on ``suspend_after_days`` past due (after the last reminder; 24 by default, or
never) the subscriptions the recipient pays that issuer for are suspended, with reason
``overdue``. Only those: a reseller behind with its distributor loses what it buys for itself,
never its own customers' services, which they pay the reseller for.

Once nothing overdue is left that suspended them (the invoice paid, or credited in full), those
subscriptions resume: at once when the payment is recorded, and by the next run for any that
was busy with another change then.

Each step happens once. An invoice counts the reminders it has had (``reminders_sent``: the days
of the schedule passed), so a run that finds several due together (the scheduler was down)
sends one, the latest; and it keeps when it suspended (``suspended_at``). The scheduler runs all
of it every hour, after the billing run (``bss.tasks.run_billing_daily``).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import ColumnElement, exists, select, update
from sqlalchemy.orm import Session, joinedload

from core.clock import utcnow
from core.models.invoices import BillingProfile, Invoice, InvoiceStatus
from core.models.provisioning import OPEN_REQUEST_STATUSES, ProvisioningRequest
from core.models.subscriptions import Subscription, SubscriptionStatus, SuspendReason
from core.product_lifecycle import LifecycleAction
from core.services.notifications import notify_invoice_overdue, notify_suspended_for_invoice
from core.services.provisioning import request_provisioning

S = SubscriptionStatus

#: What dunning suspends: subscriptions whose service runs.
SUSPENDABLE = (S.TRIAL, S.ACTIVE, S.PENDING_CANCELLATION)


@dataclass(frozen=True)
class DunningResult:
    overdue: int
    reminded: int
    suspended: int
    resumed: int


def run_dunning(session: Session, today: date | None = None) -> DunningResult:
    """Mark overdue what fell due, send the reminders due, suspend and resume; for the caller to commit."""
    today = today or utcnow().date()
    overdue = mark_overdue(session, today)
    reminded = suspended = 0
    invoices = session.execute(
        select(Invoice, BillingProfile).join(BillingProfile, BillingProfile.account_id == Invoice.issuer_id)
        .where(Invoice.status == InvoiceStatus.OVERDUE)
        .options(joinedload(Invoice.issuer), joinedload(Invoice.recipient))
        .order_by(Invoice.id).with_for_update(skip_locked=True, of=Invoice)
    ).all()
    for invoice, profile in invoices:
        days_late = (today - invoice.due_on).days
        due_reminders = sum(1 for day in profile.reminder_days if day <= days_late)
        suspend_on = _suspension_day(invoice, profile)
        if due_reminders > invoice.reminders_sent:
            invoice.reminders_sent = due_reminders
            notify_invoice_overdue(session, invoice, suspend_on=suspend_on if suspend_on and suspend_on > today else None)
            reminded += 1
        if suspend_on is not None and suspend_on <= today:
            suspended += _suspend_for(session, invoice)
    resumed = resume_settled(session)
    return DunningResult(overdue, reminded, suspended, resumed)


def mark_overdue(session: Session, today: date | None = None) -> int:
    """Mark overdue every open invoice whose due date has passed; answer how many (one statement)."""
    result = session.execute(update(Invoice).where(Invoice.status == InvoiceStatus.OPEN,
                                                   Invoice.due_on < (today or utcnow().date()))
                             .values(status=InvoiceStatus.OVERDUE).execution_options(synchronize_session=False))
    return result.rowcount


def resume_settled(session: Session, invoice: Invoice | None = None) -> int:
    """Resume what dunning suspended where nothing overdue is left to suspend it (for ``invoice``'s
    issuer and recipient only, when given); answer how many resume."""
    still_overdue = exists().where(Invoice.issuer_id == Subscription.seller_id,
                                   Invoice.recipient_id == Subscription.payer_id,
                                   Invoice.status == InvoiceStatus.OVERDUE, Invoice.suspended_at.is_not(None))
    query = (select(Subscription)
             .where(Subscription.status == S.SUSPENDED, Subscription.suspend_reason == SuspendReason.OVERDUE,
                    ~still_overdue, ~_busy())
             .options(joinedload(Subscription.product), joinedload(Subscription.plan))
             .order_by(Subscription.id).with_for_update(skip_locked=True, of=Subscription))
    if invoice is not None:
        query = query.where(Subscription.seller_id == invoice.issuer_id, Subscription.payer_id == invoice.recipient_id)
    subscriptions = session.scalars(query).all()
    for subscription in subscriptions:
        request_provisioning(session, subscription, LifecycleAction.RESUME,
                             payload={"note": "resumed: no invoice is overdue any more"})
    return len(subscriptions)


def _suspension_day(invoice: Invoice, profile: BillingProfile) -> date | None:
    if profile.suspend_after_days is None:
        return None
    return invoice.due_on + timedelta(days=profile.suspend_after_days)


def _suspend_for(session: Session, invoice: Invoice) -> int:
    """Suspend the running subscriptions that ``invoice``'s recipient pays its issuer for; answer how many."""
    subscriptions = session.scalars(
        select(Subscription)
        .where(Subscription.seller_id == invoice.issuer_id, Subscription.payer_id == invoice.recipient_id,
               Subscription.status.in_(SUSPENDABLE), ~_busy())
        .options(joinedload(Subscription.product), joinedload(Subscription.plan))
        .order_by(Subscription.id).with_for_update(skip_locked=True, of=Subscription)
    ).all()
    for subscription in subscriptions:
        request_provisioning(session, subscription, LifecycleAction.SUSPEND,
                             payload={"reason": SuspendReason.OVERDUE, "note": f"invoice {invoice.number} is overdue"})
    if invoice.suspended_at is None:
        invoice.suspended_at = utcnow()
        if subscriptions:
            notify_suspended_for_invoice(session, invoice, subscriptions)
    return len(subscriptions)


def _busy() -> ColumnElement[bool]:
    return exists().where(ProvisioningRequest.subscription_id == Subscription.id,
                          ProvisioningRequest.status.in_(OPEN_REQUEST_STATUSES))

"""Telling each invoice's recipient that it is issued, once, in the issuer's name.

Like the billing run, ``announce_all`` commits as it goes: each batch is a transaction.

The billing run writes invoices in bulk and emails nobody; this step, run after it, emails each
invoice not announced yet (``Invoice.notified_at``), a batch per transaction, so that a run of
many thousands of invoices is announced without one long transaction or a second email.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from core.clock import utcnow
from core.models.invoices import Invoice
from core.services.notifications import notify_invoice_issued

BATCH = 200


def announce_invoices(session: Session, *, batch: int = BATCH) -> int:
    """Email up to ``batch`` invoices not announced yet, and mark them; answer how many."""
    invoices = session.scalars(
        select(Invoice).where(Invoice.notified_at.is_(None)).order_by(Invoice.id).limit(batch)
        .with_for_update(skip_locked=True).options(selectinload(Invoice.recipient), selectinload(Invoice.issuer))
    ).all()
    now = utcnow()
    for invoice in invoices:
        notify_invoice_issued(session, invoice)
        invoice.notified_at = now
    return len(invoices)


def announce_all(session: Session) -> int:
    """Email every invoice not announced yet, committing after each batch; answer how many."""
    announced = 0
    while found := announce_invoices(session):
        session.commit()
        announced += found
    return announced

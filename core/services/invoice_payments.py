"""Recording what an invoice's recipient paid (in full, in part, or beyond it).

Only the issuer records a payment (it is the one the money reached), with the ``pay``
permission. An invoice is paid once its payments reach its total; what is paid beyond the total
becomes a credit that the recipient's next invoice from the same issuer deducts. Paid, it no
longer holds suspended what dunning suspended for it (``core.services.dunning``).
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session

from core.clock import utcnow
from core.errors import ConflictError, NotFoundError, ValidationError
from core.languages import _, say
from core.models.invoices import Invoice, InvoicePayment, InvoiceStatus
from core.money import minor_units
from core.permissions import Permission
from core.services.actors import Actor
from core.services.audit import record_event
from core.services.charges import credit
from core.services.dunning import resume_settled
from core.services.payment_details import checked_payment
from core.wording import Wording


def record_invoice_payment(session: Session, *, actor: Actor, invoice_id: int, method: str, reference: str,
                           amount: Decimal | str, paid_on: date | None = None) -> InvoicePayment:
    """Record a payment of the invoice ``invoice_id`` the actor's account issued; refused by field when wrong."""
    actor.require(Permission.PAY)
    invoice = session.scalar(select(Invoice).where(Invoice.id == invoice_id, Invoice.issuer_id == actor.account.id)
                             .with_for_update())
    if invoice is None:
        raise NotFoundError(say("No invoice %(id)s of %(account)s's.", id=invoice_id, account=actor.account.name))
    errors: dict[str, list[str]] = {}
    details = checked_payment(method, reference, amount, invoice.currency, errors)
    if details.amount is not None and (details.amount.amount <= 0 or details.amount.rounded() != details.amount):
        errors["amount"] = [say("Give an amount above zero, in %(currency)s with at most %(decimals)s decimals.",
                                currency=invoice.currency, decimals=minor_units(invoice.currency))]
    today = utcnow().date()
    on = paid_on or today
    if on > today:
        errors["paid_on"] = [say("A payment recorded here has been made: give today or a day before.")]
    if errors:
        raise ValidationError(errors)
    assert details.method is not None and details.amount is not None
    if invoice.status is InvoiceStatus.VOID:
        raise ConflictError(say("Invoice %(number)s is void: nothing is due on it.", number=invoice.number))
    if invoice.status is InvoiceStatus.PAID:
        raise ConflictError(say("Invoice %(number)s is paid already.", number=invoice.number))
    due, paid = invoice.balance_due, details.amount
    payment = InvoicePayment(invoice=invoice, method=details.method, reference=details.reference, amount=paid.amount,
                             paid_on=on, recorded_by=actor.user)
    session.add(payment)
    session.flush()  # the payment has its id, which names its credit
    if paid >= due:
        invoice.status = InvoiceStatus.PAID
        resume_settled(session, invoice)
    record_event(session, account=actor.account, by=actor.user, action="invoice.payment_recorded", target=invoice,
                 changes={"method": str(details.method), "reference": details.reference, "amount": str(paid.amount),
                          "paid_on": on.isoformat(), "status": str(invoice.status)})
    if paid > due:
        credit(session, issuer=invoice.issuer, recipient=invoice.recipient, amount=paid - due,
               key=f"invoice-payment:{payment.id}:beyond",
               said=Wording(_("Paid beyond invoice %(invoice)s"), {"invoice": invoice.number}))
    return payment

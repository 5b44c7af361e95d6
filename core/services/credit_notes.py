"""Credit notes: how an issued invoice is corrected, since an invoice never changes.

A credit note is a document of its own, numbered in the issuer's series, whose totals are
negative and which names the invoice it corrects. Without an amount it credits all that is left
of the invoice, line by line; with one (before tax), a single line for that much. Its tax is the
invoice's rate on it, rounded half-up as the invoice's own. What it credits first reduces what
is still due; an invoice credited in full before anything was paid is void. What it credits
beyond what was due (the invoice was paid) is a credit the recipient's next invoice deducts.
"""

from __future__ import annotations

from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session

from core.clock import utcnow
from core.errors import ConflictError, NotFoundError, ValidationError
from core.i18n import money_text
from core.languages import _, answering, say
from core.models.charges import ChargeKind
from core.models.invoices import Invoice, InvoiceLine, InvoiceStatus
from core.money import Money, minor_units, to_decimal
from core.permissions import Permission
from core.services.actors import Actor
from core.services.audit import record_event
from core.services.billing_profiles import locked_billing_profile, take_numbers, tax_on
from core.services.charges import credit
from core.services.dunning import resume_settled
from core.wording import Wording, said_columns

MAX_REASON = 300


def issue_credit_note(session: Session, *, actor: Actor, invoice_id: int, reason: str,
                      amount: Decimal | str | None = None) -> Invoice:
    """Correct the invoice ``invoice_id`` the actor's account issued; refused by field when wrong."""
    actor.require(Permission.PAY)
    invoice = session.scalar(select(Invoice).where(Invoice.id == invoice_id, Invoice.issuer_id == actor.account.id)
                             .with_for_update())
    if invoice is None:
        raise NotFoundError(say("No invoice %(id)s of %(account)s's.", id=invoice_id, account=actor.account.name))
    if invoice.is_credit_note:
        raise ConflictError(say("%(number)s is a credit note: correct the invoice it credits instead.", number=invoice.number))
    if invoice.status is InvoiceStatus.VOID:
        raise ConflictError(say("Invoice %(number)s is void: there is nothing left to credit.", number=invoice.number))
    credited_before = -sum((note.subtotal_amount for note in invoice.credit_notes), Decimal(0))
    creditable = Money(invoice.subtotal_amount - credited_before, invoice.currency)
    errors: dict[str, list[str]] = {}
    reason = reason.strip()
    if not 1 <= len(reason) <= MAX_REASON:
        errors["reason"] = [say("Say why, in 1 to %(most)s characters: the recipient reads it.", most=MAX_REASON)]
    net = creditable
    if amount is not None and str(amount).strip():
        try:
            net = Money(to_decimal(amount, "amount"), invoice.currency)
        except ValidationError as error:
            errors.update(error.fields)
        else:
            if not 0 < net.amount <= creditable.amount or net.rounded() != net:
                errors["amount"] = [say("Give an amount above zero and at most %(most)s (what is left to credit, before tax), "
                                        "with at most %(decimals)s decimals.", most=money_text(creditable, answering()),
                                        decimals=minor_units(invoice.currency))]
    elif creditable.amount <= 0:
        errors["amount"] = [say("Invoice %(number)s is credited in full already.", number=invoice.number)]
    if errors:
        raise ValidationError(errors)
    due_before = invoice.balance_due
    note = _write_note(session, invoice, net.amount, reason, line_by_line=net == creditable and not credited_before)
    session.refresh(invoice, ["credit_notes"])
    if invoice.balance_due.amount == 0 and invoice.status in (InvoiceStatus.OPEN, InvoiceStatus.OVERDUE):
        invoice.status = InvoiceStatus.VOID if not invoice.payments else InvoiceStatus.PAID
        resume_settled(session, invoice)
    beyond = Money(-note.total_amount, invoice.currency) - due_before
    if beyond.amount > 0:
        credit(session, issuer=invoice.issuer, recipient=invoice.recipient, amount=beyond,
               key=f"credit-note:{note.id}",
               said=Wording(_("Credit note %(note)s for invoice %(invoice)s"), {"note": note.number, "invoice": invoice.number}))
    record_event(session, account=actor.account, by=actor.user, action="invoice.credited", target=invoice,
                 changes={"credit_note": note.number, "amount": str(net.amount), "reason": reason,
                          "status": str(invoice.status)})
    return note


def _write_note(session: Session, invoice: Invoice, net: Decimal, reason: str, *, line_by_line: bool) -> Invoice:
    """Write the credit note of ``net`` (before tax), numbered next in the issuer's series."""
    (number,) = take_numbers(locked_billing_profile(session, invoice.issuer), 1)
    tax = tax_on(Money(net, invoice.currency), invoice.tax_rate).amount
    today = utcnow().date()
    note = Invoice(
        issuer_id=invoice.issuer_id, recipient_id=invoice.recipient_id, currency=invoice.currency,
        number=number,
        period_start=invoice.period_start, period_end=invoice.period_end, issued_on=today, due_on=today,
        status=InvoiceStatus.PAID, tax_name=invoice.tax_name, tax_rate=invoice.tax_rate,
        issuer_tax_id=invoice.issuer_tax_id, recipient_tax_id=invoice.recipient_tax_id,
        reverse_charge=invoice.reverse_charge,
        subtotal_amount=-net, tax_amount=-tax, total_amount=-(net + tax), credited_invoice_id=invoice.id,
    )
    if line_by_line:
        note.lines = [InvoiceLine(kind=line.kind, description=line.description, wording=line.wording,
                                  subscription_id=line.subscription_id,
                                  quantity=line.quantity, unit_amount=-line.unit_amount, amount=-line.amount,
                                  period_start=line.period_start, period_end=line.period_end)
                      for line in invoice.lines]
    else:
        said = Wording(_("Credit on invoice %(invoice)s: %(reason)s"), {"invoice": invoice.number, "reason": reason})
        note.lines = [InvoiceLine(kind=ChargeKind.CREDIT, **said_columns(said), quantity=1, unit_amount=-net, amount=-net)]
    session.add(note)
    session.flush()
    return note

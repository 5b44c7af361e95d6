"""Correcting an issued invoice with a credit note, which never changes the invoice itself
(``core.services.credit_notes``)."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest
from sqlalchemy import select

from core.errors import ConflictError, NotFoundError, ValidationError
from core.models.charges import Charge, ChargeKind
from core.models.invoices import Invoice, InvoiceStatus
from core.services.billing_profiles import billing_profile
from core.services.billing_run import run_billing
from core.services.credit_notes import issue_credit_note
from core.services.invoice_payments import record_invoice_payment


@pytest.fixture
def invoice(frozen_clock, db, demo, subscribe):
    """Harbour Dental's March invoice from Bright IT: 3 x 14.38 = 43.14, plus 20 % VAT = 51.77."""
    profile = billing_profile(db, demo["bright"])
    profile.tax_name, profile.tax_rate = "VAT", Decimal("20")
    subscribe("harbour", quantity=3)
    run_billing(db, date(2026, 4, 1))
    frozen_clock.advance(timedelta(days=31))  # 2 April
    return db.scalars(select(Invoice).where(Invoice.recipient_id == demo["harbour"].id)).one()


def test_an_unpaid_invoice_credited_in_full_is_void_and_its_note_mirrors_it(db, actor_for, invoice):
    note = issue_credit_note(db, actor=actor_for("bright"), invoice_id=invoice.id, reason="Ordered by mistake")
    assert (note.number, note.credited_invoice_id, note.is_credit_note) == ("BRIGHT-000002", invoice.id, True)
    assert (str(note.subtotal), str(note.tax), str(note.total)) == ("-43.14 EUR", "-8.63 EUR", "-51.77 EUR")
    assert [(line.description, str(line.money)) for line in note.lines] == [("3 x Fake product Small", "-43.14 EUR")]
    assert (invoice.status, str(invoice.balance_due), str(invoice.total)) == (InvoiceStatus.VOID, "0.00 EUR", "51.77 EUR")
    with pytest.raises(ConflictError, match="void"):
        issue_credit_note(db, actor=actor_for("bright"), invoice_id=invoice.id, reason="Again")


def test_a_partial_credit_lowers_what_is_due_and_a_paid_invoices_credit_goes_on_the_next(db, actor_for, invoice):
    bright = actor_for("bright")
    note = issue_credit_note(db, actor=bright, invoice_id=invoice.id, reason="One seat was never used",
                             amount="14.38")
    assert [(line.kind, line.description, str(line.money)) for line in note.lines] == [
        (ChargeKind.CREDIT, f"Credit on invoice {invoice.number}: One seat was never used", "-14.38 EUR")]
    assert (str(note.total), invoice.status, str(invoice.balance_due)) == ("-17.26 EUR", InvoiceStatus.OPEN,
                                                                          "34.51 EUR")
    record_invoice_payment(db, actor=bright, invoice_id=invoice.id, method="bank_transfer", reference="TR-9",
                           amount="34.51")
    assert invoice.status is InvoiceStatus.PAID
    issue_credit_note(db, actor=bright, invoice_id=invoice.id, reason="A second seat", amount="14.38")
    carried = db.scalars(select(Charge).where(Charge.kind == ChargeKind.CREDIT)).one()
    assert (carried.recipient_id, str(carried.money)) == (invoice.recipient_id, "-17.26 EUR")


def test_a_credit_note_is_refused_by_field_and_only_its_issuer_writes_one(db, actor_for, invoice):
    with pytest.raises(ValidationError) as refused:
        issue_credit_note(db, actor=actor_for("bright"), invoice_id=invoice.id, reason=" ", amount="43.15")
    assert set(refused.value.fields) == {"reason", "amount"}
    with pytest.raises(NotFoundError):
        issue_credit_note(db, actor=actor_for("harbour"), invoice_id=invoice.id, reason="I want my money back")
    assert invoice.credit_notes == [] and invoice.status is InvoiceStatus.OPEN

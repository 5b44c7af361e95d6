"""Paying invoices: in part, in full, beyond; and money paid with an order deducted from its invoice
(``core.services.invoice_payments``, ``core.services.charges.credit``)."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import select

from core.errors import NotFoundError, ValidationError
from core.models.charges import Charge, ChargeKind
from core.models.invoices import Invoice, InvoiceStatus
from core.services.billing_run import run_billing
from core.services.invoice_payments import record_invoice_payment
from core.services.orders import LineRequest, confirm_payment, place_order, set_payment_confirmation
from core.services.renewals import run_period_ends
from plugin_kit.testing import provision_due


def _harbours_invoice(db, demo, period=date(2026, 3, 1)):
    return db.scalars(select(Invoice).where(Invoice.recipient_id == demo["harbour"].id,
                                            Invoice.period_start == period)).one()


def _pay(db, actor_for, invoice, amount, slug="bright", **extra):
    return record_invoice_payment(db, actor=actor_for(slug), invoice_id=invoice.id, method="bank_transfer",
                                  reference="TR-1", amount=amount, **extra)


def test_an_invoice_paid_in_parts_is_paid_once_they_reach_its_total(frozen_clock, db, demo, actor_for, subscribe):
    subscribe("harbour", quantity=3)
    run_billing(db, date(2026, 4, 1))
    invoice = _harbours_invoice(db, demo)
    frozen_clock.advance(timedelta(days=31))  # 2 April
    _pay(db, actor_for, invoice, "40.00")
    assert (invoice.status, str(invoice.balance_due)) == (InvoiceStatus.OPEN, "3.14 EUR")
    _pay(db, actor_for, invoice, "3.14", paid_on=date(2026, 4, 1))
    assert (invoice.status, str(invoice.balance_due), str(invoice.paid)) == (InvoiceStatus.PAID, "0.00 EUR", "43.14 EUR")
    with pytest.raises(Exception, match="paid already"):
        _pay(db, actor_for, invoice, "1")


def test_what_is_paid_beyond_an_invoice_is_deducted_from_the_next(frozen_clock, db, demo, actor_for, subscribe):
    subscription = subscribe("harbour")
    run_billing(db, date(2026, 4, 1))
    _pay(db, actor_for, _harbours_invoice(db, demo), "20.00")  # 14.38 due
    frozen_clock.advance(subscription.current_period_end - frozen_clock.now() + timedelta(minutes=1))
    run_period_ends(db)
    db.commit()
    provision_due(db)
    run_billing(db, date(2026, 5, 1))
    april = _harbours_invoice(db, demo, date(2026, 4, 1))
    assert [(line.kind, str(line.money)) for line in april.lines] == [
        (ChargeKind.CREDIT, "-5.62 EUR"), (ChargeKind.RECURRING, "14.38 EUR")]
    assert str(april.total) == "8.76 EUR"


def test_an_order_paid_when_placed_is_not_asked_for_again(frozen_clock, db, demo, actor_for, fake_catalog):
    set_payment_confirmation(db, actor=actor_for("bright"), methods=["bank_transfer"])
    order = place_order(db, actor=actor_for("harbour"), payment_method="bank_transfer",
                        lines=[LineRequest(fake_catalog["small"].id, 2)])
    confirm_payment(db, actor=actor_for("bright"), order_id=order.id, method="bank_transfer", reference="TR-7",
                    amount="28.76")
    db.commit()
    provision_due(db)
    run_billing(db, date(2026, 4, 1))
    invoice = _harbours_invoice(db, demo)
    assert sorted(str(line.money) for line in invoice.lines) == ["-28.76 EUR", "28.76 EUR"]
    assert (str(invoice.total), invoice.status) == ("0.00 EUR", InvoiceStatus.PAID)
    assert db.scalar(select(Charge.description).where(Charge.kind == ChargeKind.CREDIT)) == (
        f"Paid with order {order.id} (TR-7)")


def test_a_payment_is_recorded_by_the_issuer_alone_and_bad_input_is_refused_by_field(frozen_clock, db, demo, actor_for,
                                                                                      subscribe):
    subscribe("harbour")
    run_billing(db, date(2026, 4, 1))
    invoice = _harbours_invoice(db, demo)
    with pytest.raises(NotFoundError):
        _pay(db, actor_for, invoice, "14.38", slug="harbour")  # the recipient does not record its own payments
    with pytest.raises(ValidationError) as refused:
        record_invoice_payment(db, actor=actor_for("bright"), invoice_id=invoice.id, method="cheque", reference=" ",
                               amount="1.234", paid_on=date(2026, 4, 2))
    assert set(refused.value.fields) == {"method", "reference", "amount", "paid_on"}
    assert (invoice.payments, invoice.status) == ([], InvoiceStatus.OPEN)


def test_credit_beyond_a_months_charges_is_carried_on_not_lost(frozen_clock, db, demo, actor_for, subscribe):
    subscription = subscribe("harbour")
    run_billing(db, date(2026, 4, 1))
    _pay(db, actor_for, _harbours_invoice(db, demo), "50.00")  # 14.38 due: 35.62 paid ahead
    frozen_clock.advance(subscription.current_period_end - frozen_clock.now() + timedelta(minutes=1))
    run_period_ends(db)
    db.commit()
    provision_due(db)
    run_billing(db, date(2026, 5, 1))
    april = _harbours_invoice(db, demo, date(2026, 4, 1))
    assert sorted(str(line.money) for line in april.lines) == ["-35.62 EUR", "14.38 EUR", "21.24 EUR"]
    assert (str(april.total), april.status) == ("0.00 EUR", InvoiceStatus.PAID)  # never below zero
    run_billing(db, date(2026, 6, 1))  # no charge in May: the 21.24 still owed back comes on the next invoice
    may = _harbours_invoice(db, demo, date(2026, 5, 1))
    assert [(line.description, str(line.money)) for line in may.lines if line.kind is ChargeKind.CREDIT] == [
        (f"Credit carried from invoice {april.number}", "-21.24 EUR"), ("Credit carried to the next invoice", "21.24 EUR")]

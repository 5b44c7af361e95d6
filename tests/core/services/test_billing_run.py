"""The billing run: a month's charges closed into numbered invoices, once (``core.services.billing_run``)."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from sqlalchemy import func, select

from core.models.invoices import Invoice, InvoiceLine, InvoiceStatus
from core.services.billing_profiles import billing_profile
from core.services.billing_run import run_billing
from core.services.renewals import run_period_ends
from plugin_kit.testing import provision_due


def _invoices(db, *slugs):
    """The invoices to the demo accounts ``slugs``: ``(number, issuer, recipient, total)``, by number."""
    found = db.scalars(select(Invoice).order_by(Invoice.number))
    return [(invoice.number, invoice.issuer.slug, invoice.recipient.slug, str(invoice.total))
            for invoice in found if invoice.recipient.slug in slugs]


def test_a_month_is_invoiced_once_it_is_over_by_each_seller_to_each_account(frozen_clock, db, subscribe):
    subscribe("harbour", quantity=3)  # 2 Mar 2026
    assert run_billing(db, date(2026, 3, 31)).invoices == 0  # March is not over
    run_billing(db, date(2026, 4, 1))
    assert _invoices(db, "harbour", "bright") == [("BRIGHT-000001", "bright", "harbour", "43.14 EUR"),
                                                   ("NORTHWIND-000001", "northwind", "bright", "34.50 EUR")]
    invoice = db.scalars(select(Invoice).where(Invoice.number == "BRIGHT-000001")).one()
    assert (invoice.period_start, invoice.period_end) == (date(2026, 3, 1), date(2026, 3, 31))
    assert (invoice.issued_on, invoice.due_on, invoice.status) == (date(2026, 4, 1), date(2026, 4, 15), InvoiceStatus.OPEN)
    assert [(line.description, str(line.money)) for line in invoice.lines] == [("3 x Fake product Small", "43.14 EUR")]


def test_running_again_invoices_nothing_twice_and_numbers_run_on_without_a_gap(frozen_clock, db, subscribe):
    subscription = subscribe("harbour")
    run_billing(db, date(2026, 4, 1))
    again = run_billing(db, date(2026, 4, 1))
    assert (again.invoices, again.lines) == (0, 0)
    frozen_clock.advance(subscription.current_period_end - frozen_clock.now() + timedelta(minutes=1))  # renewed 2 Apr
    run_period_ends(db)
    db.commit()
    provision_due(db)
    run_billing(db, date(2026, 5, 3))
    assert [number for number, *_ in _invoices(db, "harbour")] == ["BRIGHT-000001", "BRIGHT-000002"]
    assert db.scalar(select(func.count()).select_from(InvoiceLine)) == db.scalar(
        select(func.count(InvoiceLine.charge_id.distinct())))


def test_the_sellers_tax_is_added_to_the_sum_of_the_lines(frozen_clock, db, demo, subscribe):
    profile = billing_profile(db, demo["bright"])
    profile.tax_name, profile.tax_rate, profile.invoice_prefix = "VAT", Decimal("20"), "BIT-"
    subscribe("harbour")
    subscribe("harbour", plan="large")  # a trial: nothing is charged yet
    run_billing(db, date(2026, 4, 1))
    invoice = db.scalars(select(Invoice).where(Invoice.recipient_id == demo["harbour"].id)).one()
    assert invoice.number == "BIT-000001"
    assert (str(invoice.subtotal), invoice.tax_name, str(invoice.tax), str(invoice.total)) == (
        "14.38 EUR", "VAT", "2.88 EUR", "17.26 EUR")  # 20 % of 14.38 is 2.876
    assert invoice.subtotal.amount == sum(line.amount for line in invoice.lines)


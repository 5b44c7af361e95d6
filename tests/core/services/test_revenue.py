"""Revenue, cost and margin month by month, off the ledger and the credit notes (``core.services.revenue``).

The fake product's prices: Northwind sells a Small to its resellers for 11.50 EUR, and Bright IT
to its customers for 14.38 (the demo's 25 % markup on 11.50 is 14.375, rounded half-up).
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

from sqlalchemy import select

from core.models.accounts import AccountKind
from core.models.invoices import Invoice
from core.services.billing_profiles import billing_profile
from core.services.billing_run import run_billing
from core.services.credit_notes import issue_credit_note
from core.services.invoice_payments import record_invoice_payment
from core.services.orders import LineRequest, confirm_payment, place_order, set_payment_confirmation
from core.services.revenue import margin_by_month, wholesale_by_reseller
from plugin_kit.testing import provision_due

NOTHING = ("0.00 EUR", "0.00 EUR", "0.00 EUR")


def _months(db, account):
    """The account's one series (EUR): ``(month, billed, cost, margin)`` for each of its 12 months."""
    (series,) = margin_by_month(db, account)
    assert series.currency == "EUR"
    return [(month.month, str(month.billed), str(month.cost), str(month.margin)) for month in series.months]


def _year(first: date, *figures: tuple[str, str, str]) -> list[tuple[date, str, str, str]]:
    """12 months from ``first``: zeros, then ``figures`` for the last months."""
    months = [date(first.year + (first.month - 1 + n) // 12, (first.month - 1 + n) % 12 + 1, 1) for n in range(12)]
    shown = [NOTHING] * (12 - len(figures)) + list(figures)
    return [(month, *row) for month, row in zip(months, shown, strict=True)]


def test_a_resellers_month_shows_what_it_billed_what_it_was_billed_and_the_margin(frozen_clock, db, demo, subscribe,
                                                                                  selects):
    subscribe("harbour", quantity=3)
    subscribe("maple")
    # Billed: 4 x 14.38 = 57.52 to its customers; cost: 4 x 11.50 = 46.00 from Northwind; margin 11.52.
    db.refresh(demo["bright"])
    selects.clear()
    assert _months(db, demo["bright"]) == _year(date(2025, 4, 1), ("57.52 EUR", "46.00 EUR", "11.52 EUR"))
    assert len(selects) == 1  # one grouped query, however many charges
    assert _months(db, demo["northwind"]) == _year(date(2025, 4, 1), ("46.00 EUR", "0.00 EUR", "46.00 EUR"))
    assert _months(db, demo["harbour"]) == _year(date(2025, 4, 1), ("0.00 EUR", "43.14 EUR", "-43.14 EUR"))


def test_a_charge_counts_in_its_month_and_leaves_the_window_a_year_later(frozen_clock, db, demo, subscribe):
    frozen_clock.advance(datetime(2026, 3, 31, 23, 59, tzinfo=UTC) - frozen_clock.now())
    subscribe("harbour")
    frozen_clock.advance(timedelta(minutes=2))  # 1 April, 00:01
    subscribe("maple", quantity=2)
    assert _months(db, demo["bright"]) == _year(date(2025, 5, 1), ("14.38 EUR", "11.50 EUR", "2.88 EUR"),
                                                ("28.76 EUR", "23.00 EUR", "5.76 EUR"))
    frozen_clock.advance(datetime(2027, 3, 1, tzinfo=UTC) - frozen_clock.now())
    assert _months(db, demo["bright"]) == _year(date(2026, 4, 1), ("28.76 EUR", "23.00 EUR", "5.76 EUR"),
                                                *[NOTHING] * 11)


def test_a_credit_note_lowers_both_sides_in_the_month_it_is_issued_net_of_tax(frozen_clock, db, demo, actor_for,
                                                                               subscribe):
    profile = billing_profile(db, demo["bright"])
    profile.tax_name, profile.tax_rate = "VAT", Decimal(20)
    subscribe("harbour", quantity=3)  # 43.14, invoiced 51.77 with VAT
    run_billing(db, date(2026, 4, 1))
    frozen_clock.advance(timedelta(days=31))  # 2 April
    invoice = db.scalars(select(Invoice).where(Invoice.recipient_id == demo["harbour"].id)).one()
    note = issue_credit_note(db, actor=actor_for("bright"), invoice_id=invoice.id, reason="A seat was never used",
                             amount="14.38")
    assert str(note.total) == "-17.26 EUR"  # with its VAT; the dashboards count what was sold, before tax
    assert _months(db, demo["bright"]) == _year(date(2025, 5, 1), ("43.14 EUR", "34.50 EUR", "8.64 EUR"),
                                                ("-14.38 EUR", "0.00 EUR", "-14.38 EUR"))
    assert _months(db, demo["harbour"]) == _year(date(2025, 5, 1), ("0.00 EUR", "43.14 EUR", "-43.14 EUR"),
                                                 ("0.00 EUR", "-14.38 EUR", "14.38 EUR"))
    (series,) = margin_by_month(db, demo["bright"])
    assert (str(series.billed), str(series.cost), str(series.margin)) == ("28.76 EUR", "34.50 EUR", "-5.74 EUR")


def test_money_received_ahead_is_not_revenue(frozen_clock, db, demo, actor_for, fake_catalog, subscribe):
    bright = actor_for("bright")
    set_payment_confirmation(db, actor=bright, methods=["bank_transfer"])
    order = place_order(db, actor=actor_for("harbour"), lines=[LineRequest(fake_catalog["small"].id, 2)],
                        payment_method="bank_transfer")
    confirm_payment(db, actor=bright, order_id=order.id, method="bank_transfer", reference="TRF-1", amount="28.76")
    db.commit()
    provision_due(db)  # Harbour paid 28.76 when it ordered: a credit, then the charge of 28.76
    subscribe("maple")
    run_billing(db, date(2026, 4, 1))
    invoice = db.scalars(select(Invoice).where(Invoice.recipient_id == demo["maple"].id)).one()
    record_invoice_payment(db, actor=bright, invoice_id=invoice.id, method="bank_transfer", reference="TRF-2",
                           amount="20.00")  # 5.62 beyond its 14.38: a credit on its next invoice
    assert _months(db, demo["bright"]) == _year(date(2025, 4, 1), ("43.14 EUR", "34.50 EUR", "8.64 EUR"))


def test_the_distributor_sees_what_it_billed_each_reseller_largest_first(frozen_clock, db, demo, actor_for,
                                                                         subscribe):
    subscribe("corner")  # Corner Computers buys for itself: 11.50
    subscribe("harbour", quantity=3)  # Bright IT pays 3 x 11.50 for its customer's seats
    subscribe("solo", quantity=9)  # a direct customer: retail, not wholesale
    report = wholesale_by_reseller(db, demo["northwind"])
    assert [(row.reseller.slug, row.currency, str(row.total)) for row in report] == [
        ("bright", "EUR", "34.50 EUR"), ("corner", "EUR", "11.50 EUR")]
    assert [str(amount) for amount in report[0].months] == ["0.00 EUR"] * 11 + ["34.50 EUR"]

    run_billing(db, date(2026, 4, 1))
    frozen_clock.advance(timedelta(days=31))  # 2 April
    invoice = db.scalars(select(Invoice).where(Invoice.recipient_id == demo["bright"].id)).one()
    issue_credit_note(db, actor=actor_for("northwind"), invoice_id=invoice.id, reason="Goodwill", amount="30.00")
    report = wholesale_by_reseller(db, demo["northwind"])
    assert [(row.reseller.slug, str(row.total)) for row in report] == [("corner", "11.50 EUR"), ("bright", "4.50 EUR")]
    assert [str(amount) for amount in report[1].months[-2:]] == ["34.50 EUR", "-30.00 EUR"]


def test_another_tenants_charges_never_appear(frozen_clock, db, demo, make_account, subscribe):
    subscribe("harbour", quantity=3)
    subscribe("corner")
    assert _months(db, demo["corner"]) == _year(date(2025, 4, 1), ("0.00 EUR", "11.50 EUR", "-11.50 EUR"))
    assert _months(db, demo["bright"]) == _year(date(2025, 4, 1), ("43.14 EUR", "34.50 EUR", "8.64 EUR"))
    assert wholesale_by_reseller(db, demo["bright"]) == []  # its customers buy retail
    assert margin_by_month(db, make_account(kind=AccountKind.DISTRIBUTOR)) == []  # another platform tenant

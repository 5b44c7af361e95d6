"""The billing run: a month's charges closed into numbered invoices, once (``core.services.billing_run``)."""

from __future__ import annotations

import threading
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from core.db import insert_new
from core.models.accounts import Account
from core.models.charges import Charge, ChargeKind
from core.models.invoices import BillingCycle, Invoice, InvoiceLine, InvoiceStatus
from core.services import billing_profiles
from core.services.billing_profiles import billing_profile
from core.services.billing_run import run_billing
from core.services.renewals import run_period_ends
from plugin_kit.testing import provision_due
from tests.processes import rows_removed_afterwards


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


def test_a_seller_on_anniversaries_invoices_each_customer_on_the_day_it_started(frozen_clock, db, demo, subscribe):
    billing_profile(db, demo["bright"]).customer_cycle = BillingCycle.ANNIVERSARY
    frozen_clock.advance(timedelta(days=13))  # 15 March
    subscription = subscribe("harbour")
    assert run_billing(db, date(2026, 4, 1)).invoices == 1  # Bright IT's own, from Northwind, on the 1st
    assert run_billing(db, date(2026, 4, 14)).invoices == 0
    frozen_clock.advance(subscription.current_period_end - frozen_clock.now() + timedelta(minutes=1))  # renewed 15 Apr
    run_period_ends(db)
    db.commit()
    provision_due(db)
    assert run_billing(db, date(2026, 4, 15)).invoices == 1
    invoice = db.scalars(select(Invoice).where(Invoice.recipient_id == demo["harbour"].id)).one()
    assert (invoice.period_start, invoice.period_end, invoice.issued_on) == (
        date(2026, 3, 15), date(2026, 4, 14), date(2026, 4, 15))
    assert [line.period_start.date() for line in invoice.lines] == [date(2026, 3, 15)]  # April's period comes next
    run_billing(db, date(2026, 5, 15))  # Harbour's second, and Bright IT's for April from Northwind
    assert [invoice.period_start for invoice in db.scalars(
        select(Invoice).where(Invoice.recipient_id == demo["harbour"].id).order_by(Invoice.id))] == [
        date(2026, 3, 15), date(2026, 4, 15)]


def test_a_seller_that_reverse_charges_invoices_recipients_with_a_tax_number_without_tax(frozen_clock, db, demo,
                                                                                      subscribe):
    profile = billing_profile(db, demo["bright"])
    profile.tax_name, profile.tax_rate, profile.reverse_charge = "VAT", Decimal("20"), True
    demo["harbour"].tax_id = "IE6388047V"
    subscribe("harbour")
    subscribe("maple")
    run_billing(db, date(2026, 4, 1))
    by_recipient = {invoice.recipient.slug: invoice for invoice in db.scalars(select(Invoice))}
    harbour, maple = by_recipient["harbour"], by_recipient["maple"]
    assert (harbour.reverse_charge, harbour.recipient_tax_id, str(harbour.tax), str(harbour.total)) == (
        True, "IE6388047V", "0.00 EUR", "14.38 EUR")
    assert (maple.reverse_charge, maple.recipient_tax_id, str(maple.tax)) == (False, None, "2.88 EUR")  # no tax number



def test_two_runs_at_once_invoice_each_charge_once_and_number_without_a_gap(demo_database, monkeypatch):
    """Two workers' runs, each in its own session and transactions, on charges committed for real
    (the test holds no transaction of its own: it takes no ``db``). On PostgreSQL both runs are
    brought to the same point, their first issuer's profile read, before either takes its lock;
    SQLite lets one writer in at a time whatever the code does."""
    engine = demo_database.engine
    with Session(engine) as session:
        accounts = dict(session.execute(select(Account.slug, Account.id)).all())
    pairs = [("bright", "harbour"), ("bright", "maple"), ("northwind", "bright"), ("northwind", "corner"),
             ("northwind", "solo"), ("corner", "atlas")]
    with rows_removed_afterwards(engine):
        with Session(engine) as session, session.begin():
            for slug in ("bright", "northwind", "corner"):
                billing_profile(session, session.get(Account, accounts[slug]))
            insert_new(session, Charge.__table__, [{
                "key": f"race:{n}", "issuer_id": accounts[issuer], "recipient_id": accounts[recipient],
                "subscription_id": None, "kind": ChargeKind.MANUAL, "description": f"Race {n}", "quantity": 1,
                "unit_amount": Decimal("1.00"), "amount": Decimal("1.00"), "currency": "EUR", "period_start": None,
                "period_end": None, "created_at": datetime(2030, 5, 10, tzinfo=UTC),
            } for n, (issuer, recipient) in enumerate(pairs * 5)], key="key")
        together, failures, first_issuer = threading.Barrier(2), [], threading.local()

        def profile_then_meet(session, account):
            profile = billing_profile(session, account)
            if engine.dialect.name == "postgresql" and not getattr(first_issuer, "met", False):
                first_issuer.met = True
                together.wait()
            return profile

        monkeypatch.setattr(billing_profiles, "billing_profile", profile_then_meet)

        def run() -> None:
            with Session(engine) as session:
                try:
                    run_billing(session, date(2030, 6, 1))
                except Exception as error:  # noqa: BLE001  (reported below, from the test's thread)
                    failures.append(error)

        runners = [threading.Thread(target=run) for _ in range(2)]
        for runner in runners:
            runner.start()
        for runner in runners:
            runner.join()
        assert failures == []
        with Session(engine) as session:
            raced = select(Charge.id).where(Charge.key.like("race:%"))
            assert session.scalar(select(func.count()).select_from(InvoiceLine).where(
                InvoiceLine.charge_id.in_(raced))) == len(pairs) * 5
            invoices = session.execute(select(Invoice.issuer_id, Invoice.number, Invoice.total_amount)
                                       .where(Invoice.period_start == date(2030, 5, 1))).all()
            assert sorted(total for *_, total in invoices) == [Decimal(5)] * len(pairs)
            for issuer in ("bright", "northwind", "corner"):
                numbers = sorted(int(number[-6:]) for issuer_id, number, _ in invoices if issuer_id == accounts[issuer])
                assert numbers == list(range(numbers[0], numbers[0] + len(numbers)))

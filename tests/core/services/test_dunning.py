"""Dunning: an unpaid invoice is overdue after its due date, reminded on its issuer's schedule, and
suspends what its recipient pays that issuer for until it is settled (``core.services.dunning``)."""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import select

from core.models.invoices import Invoice, InvoiceStatus
from core.models.outbox import OutboxEmail
from core.models.subscriptions import SubscriptionStatus, SuspendReason
from core.services.billing_profiles import update_billing_profile
from core.services.billing_run import run_billing
from core.services.credit_notes import issue_credit_note
from core.services.dunning import mark_overdue, run_dunning
from core.services.invoice_payments import record_invoice_payment
from plugin_kit.testing import provision_due

S = SubscriptionStatus
#: Bright IT invoices Harbour for March on 1 April, due on the 15th: with the default schedule it
#: reminds on 18 April, 25 April and 2 May, and suspends on 9 May.
DUE = date(2026, 4, 15)


def _harbours_invoice(db, demo):
    return db.scalars(select(Invoice).where(Invoice.recipient_id == demo["harbour"].id)).one()


def _reminders(db, number):
    return db.scalars(select(OutboxEmail).where(OutboxEmail.subject.startswith(f"Reminder: invoice {number}"),
                                                OutboxEmail.to_address == "owner@harbour.example")
                      .order_by(OutboxEmail.id)).all()


def _dun(db, day):
    result = run_dunning(db, day)
    db.commit()
    provision_due(db)
    return result


def test_an_open_invoice_is_overdue_the_day_after_its_due_date_until_it_is_paid(frozen_clock, db, demo, actor_for,
                                                                                 subscribe):
    subscribe("harbour")
    run_billing(db, date(2026, 4, 1))
    invoice = _harbours_invoice(db, demo)
    assert mark_overdue(db, DUE) == 0
    assert mark_overdue(db, DUE + timedelta(days=1)) == 2  # Harbour's, and Bright IT's own from Northwind
    db.refresh(invoice)
    assert invoice.status is InvoiceStatus.OVERDUE
    frozen_clock.advance(timedelta(days=45))
    record_invoice_payment(db, actor=actor_for("bright"), invoice_id=invoice.id, method="bank_transfer",
                           reference="TR-1", amount="14.38")
    assert invoice.status is InvoiceStatus.PAID
    assert mark_overdue(db, date(2026, 5, 1)) == 0


def test_reminders_go_out_once_each_on_the_issuers_schedule(frozen_clock, db, demo, subscribe):
    subscribe("harbour")
    run_billing(db, date(2026, 4, 1))
    invoice = _harbours_invoice(db, demo)
    assert _dun(db, date(2026, 4, 17)).reminded == 0  # overdue since the 16th; the first reminder is on the 18th
    _dun(db, date(2026, 4, 18))
    _dun(db, date(2026, 4, 18))
    (first,) = _reminders(db, invoice.number)
    assert first.sender_name == "Bright IT" and first.attachments == [f"invoice:{invoice.id}"]
    assert "was due on 15 Apr 2026 and €14.38 of it is still unpaid" in first.text_body
    assert "If it is still unpaid on 9 May 2026, the services Harbour Dental buys from Bright IT will be suspended" in (
        first.text_body)
    _dun(db, date(2026, 5, 3))  # the scheduler was away on 25 April and 2 May: one reminder, not two
    assert len(_reminders(db, invoice.number)) == 2
    db.refresh(invoice)
    assert invoice.reminders_sent == 3


def test_after_the_last_reminder_what_the_recipient_pays_for_is_suspended_until_it_pays(frozen_clock, db, demo,
                                                                                         actor_for, subscribe):
    subscription = subscribe("harbour")
    run_billing(db, date(2026, 4, 1))
    invoice = _harbours_invoice(db, demo)
    assert _dun(db, date(2026, 5, 8)).suspended == 0
    assert _dun(db, date(2026, 5, 9)).suspended == 1
    db.refresh(subscription)
    assert (subscription.status, subscription.suspend_reason) == (S.SUSPENDED, SuspendReason.OVERDUE)
    suspended = db.scalars(select(OutboxEmail).where(OutboxEmail.subject.startswith("Services suspended"),
                                                     OutboxEmail.to_address == "owner@harbour.example")).one()
    assert f"Invoice {invoice.number} from Bright IT is still unpaid (€14.38)" in suspended.text_body
    assert _dun(db, date(2026, 5, 10)).suspended == 0  # once

    frozen_clock.advance(timedelta(days=70))
    record_invoice_payment(db, actor=actor_for("bright"), invoice_id=invoice.id, method="bank_transfer",
                           reference="TR-9", amount="14.38")
    db.commit()
    provision_due(db)
    db.refresh(subscription)
    assert (subscription.status, subscription.suspend_reason) == (S.ACTIVE, None)


def test_an_invoice_credited_in_full_resumes_what_it_suspended(frozen_clock, db, demo, actor_for, subscribe):
    subscription = subscribe("harbour")
    run_billing(db, date(2026, 4, 1))
    invoice = _harbours_invoice(db, demo)
    _dun(db, date(2026, 5, 9))
    frozen_clock.advance(timedelta(days=70))
    issue_credit_note(db, actor=actor_for("bright"), invoice_id=invoice.id, reason="goodwill")
    db.commit()
    provision_due(db)
    db.refresh(subscription)
    assert (invoice.status, subscription.status) == (InvoiceStatus.VOID, S.ACTIVE)


def test_a_seller_that_never_suspends_only_reminds(frozen_clock, db, demo, actor_for, subscribe):
    update_billing_profile(db, actor=actor_for("bright"), invoice_prefix="BRIGHT-", tax_name="VAT", tax_rate="0",
                           payment_terms_days="14", reminder_days="7", suspend_after_days="", reverse_charge=False)
    subscription = subscribe("harbour")
    run_billing(db, date(2026, 4, 1))
    invoice = _harbours_invoice(db, demo)
    result = _dun(db, date(2026, 9, 1))
    db.refresh(subscription)
    assert (result.suspended, subscription.status) == (0, S.ACTIVE)
    (reminder,) = _reminders(db, invoice.number)
    assert "will be suspended" not in reminder.text_body


def test_a_reseller_behind_with_its_distributor_never_cuts_its_customers_off(frozen_clock, db, demo, actor_for,
                                                                              subscribe):
    subscription = subscribe("harbour")
    run_billing(db, date(2026, 4, 1))
    record_invoice_payment(db, actor=actor_for("bright"), invoice_id=_harbours_invoice(db, demo).id,
                           method="bank_transfer", reference="TR-2", amount="14.38", paid_on=date(2026, 3, 2))
    wholesale = db.scalars(select(Invoice).where(Invoice.recipient_id == demo["bright"].id)).one()
    _dun(db, date(2026, 5, 9))
    db.refresh(wholesale)
    db.refresh(subscription)
    assert wholesale.status is InvoiceStatus.OVERDUE and wholesale.suspended_at is not None
    assert subscription.status is S.ACTIVE


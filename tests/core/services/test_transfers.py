"""Transfers (``core.services.transfers``): each kind end to end, with a clock stopped mid-period."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import select

from core.errors import ConflictError, NotFoundError, PermissionDeniedError, UnknownReferenceError
from core.models.charges import Charge, ChargeKind
from core.models.invoices import Invoice
from core.models.subscriptions import SubscriptionStatus, SuspendReason
from core.models.support import TicketMessage
from core.models.transfers import TransferKind, TransferStatus
from core.money import Money
from core.services.accounts import get_account
from core.services.billing_run import run_billing
from core.services.pricing import prospect_prices, resolve_prices
from core.services.transfers import (
    accept_transfer,
    cancel_transfer,
    consent_to_transfer,
    expire_transfers,
    get_transfer,
    list_transfers,
    reject_transfer,
    start_transfer,
)


@pytest.fixture
def mid_period(frozen_clock, subscribe, shops):
    """Solo Consulting (Northwind's direct customer) and Harbour Dental (Bright IT's) each hold a monthly
    subscription that began on 2 March; the clock then stands on 17 March, 16 of the period's 31 days left."""
    held = {slug: subscribe(slug) for slug in ("solo", "harbour")}
    frozen_clock.advance(timedelta(days=15))
    return held


def charges_of(db, subscription, event):
    return {(charge.issuer.slug, charge.recipient.slug, charge.kind): str(charge.money)
            for charge in db.scalars(select(Charge).where(Charge.subscription_id == subscription.id,
                                                          Charge.key.contains(event)))}


def test_a_direct_customer_moves_to_a_reseller_it_names_by_its_storefront(db, demo, actor_for, mid_period):
    subscription = mid_period["solo"]
    northwinds_price = subscription.unit_price
    started = start_transfer(db, actor=actor_for("solo"), to_storefront="http://bright.shop.localhost:5000/")
    assert (started.transfer.kind, started.transfer.status) == (TransferKind.TO_RESELLER,
                                                                TransferStatus.AWAITING_ACCEPTANCE)
    consent = db.scalar(select(TicketMessage).where(TicketMessage.ticket_id == started.transfer.customer_ticket_id))
    assert consent.body == "We, solo-consulting.example, authorize the transfer of our account to Bright IT."

    done = accept_transfer(db, actor=actor_for("bright"), transfer_id=started.transfer.id)

    assert done.transfer.status is TransferStatus.COMPLETED
    assert (demo["solo"].parent.slug, subscription.seller.slug, subscription.payer.slug) == ("bright", "bright", "solo")
    assert demo["solo"].path == f"{demo['bright'].path}{demo['solo'].id}/"
    assert get_account(db, demo["bright"], demo["solo"].id) is demo["solo"], "its new seller sees it"
    with pytest.raises(NotFoundError):
        get_account(db, demo["corner"], demo["solo"].id)
    brights_price = subscription.unit_price
    wholesale = resolve_prices(db, demo["bright"], [subscription.plan])[subscription.plan_id].unit_price
    assert brights_price == prospect_prices(db, demo["bright"], [subscription.plan])[subscription.plan_id].unit_price
    # 16 of the period's 31 days are left: Northwind credits Solo for them; Bright IT charges its own price for them,
    # and Northwind charges Bright IT its wholesale price.
    assert charges_of(db, subscription, f"transfer-{done.transfer.id}") == {
        ("northwind", "solo", ChargeKind.PRORATION): str(-days_of(northwinds_price)),
        ("bright", "solo", ChargeKind.PRORATION): str(days_of(brights_price)),
        ("northwind", "bright", ChargeKind.PRORATION): str(days_of(wholesale)),
    }
    [moved] = [event for event in subscription.events if event.action == "moved"]  # in its history, for its people
    assert moved.changes == {"seller": ["Northwind Distribution", "Bright IT"],
                             "unit_price": [str(northwinds_price.rounded().amount), str(brights_price.rounded().amount)]}
    fee = db.scalar(select(Charge).where(Charge.key == done.transfer.fee_charge_key))
    assert (fee.issuer.slug, fee.recipient.slug, fee.kind, str(fee.money)) == ("northwind", "bright", ChargeKind.FEE,
                                                                               "25.00 EUR")
    run_billing(db, date(2026, 4, 1))
    invoice = db.scalar(select(Invoice).where(Invoice.issuer_id == demo["northwind"].id,
                                              Invoice.recipient_id == demo["bright"].id))
    assert ("fee", "Transfer of Solo Consulting to your account", "25.00 EUR") in {
        (line.kind, line.description, str(line.money)) for line in invoice.lines}


def days_of(price):
    """16 of 31 days of a period at ``price``, by the one rounding rule."""
    return Money(price.amount * 16 / 31, price.currency).rounded()


def test_a_reseller_names_a_customers_domain_and_learns_nothing_more_until_it_consents(db, demo, actor_for, mid_period):
    started = start_transfer(db, actor=actor_for("bright"), domain="Solo-Consulting.example")
    assert started.transfer.status is TransferStatus.AWAITING_CONSENT and not started.reveals_account
    assert get_transfer(db, actor_for("solo"), started.transfer.id).may_consent

    done = consent_to_transfer(db, actor=actor_for("solo"), transfer_id=started.transfer.id)

    assert done.transfer.status is TransferStatus.COMPLETED
    assert get_transfer(db, actor_for("bright"), started.transfer.id).reveals_account
    assert demo["solo"].parent.slug == "bright"


def test_a_reseller_releases_a_client_that_then_pays_the_distributor_itself(db, demo, actor_for, mid_period):
    subscription = mid_period["harbour"]
    started = start_transfer(db, actor=actor_for("bright"), account_id=demo["harbour"].id, release=True)
    assert (started.transfer.kind, started.transfer.status) == (TransferKind.RELEASE, TransferStatus.AWAITING_CONSENT)

    done = consent_to_transfer(db, actor=actor_for("harbour"), transfer_id=started.transfer.id)

    assert done.transfer.status is TransferStatus.COMPLETED and done.transfer.fee_charge_key is None
    assert (subscription.seller.slug, subscription.payer.slug, demo["harbour"].parent.slug) == (
        "northwind", "harbour", "northwind")


def test_between_resellers_the_giving_one_is_told_but_cannot_refuse(db, demo, actor_for, mid_period, reseller_plan):
    reseller_plan("corner", "free")
    started = start_transfer(db, actor=actor_for("corner"), domain="harbour-dental.example")
    assert started.transfer.kind is TransferKind.BETWEEN_RESELLERS
    with pytest.raises(PermissionDeniedError):
        reject_transfer(db, actor=actor_for("bright"), transfer_id=started.transfer.id, reason="Mine!")
    refused = reject_transfer(db, actor=actor_for("harbour"), transfer_id=started.transfer.id, reason="Not now.")
    assert (refused.transfer.status, refused.transfer.reason) == (TransferStatus.REJECTED, "Not now.")
    assert demo["harbour"].parent.slug == "bright"


def test_one_transfer_at_a_time_and_only_for_the_parties(db, demo, actor_for, mid_period, reseller_plan):
    started = start_transfer(db, actor=actor_for("bright"), domain="solo-consulting.example")
    with pytest.raises(ConflictError):
        start_transfer(db, actor=actor_for("solo"), to_storefront="bright.shop.localhost")
    for stranger in ("corner", "maple", "harbour"):
        with pytest.raises(NotFoundError):
            get_transfer(db, actor_for(stranger), started.transfer.id)
    assert [view.transfer.id for view in list_transfers(db, actor_for("northwind"))] == [started.transfer.id]
    cancelled = cancel_transfer(db, actor=actor_for("northwind"), transfer_id=started.transfer.id)
    assert cancelled.transfer.status is TransferStatus.CANCELLED


def test_a_transfer_nobody_answers_expires_after_14_days(db, actor_for, mid_period, frozen_clock):
    started = start_transfer(db, actor=actor_for("bright"), domain="solo-consulting.example")
    frozen_clock.advance(timedelta(days=13))
    assert expire_transfers(db) == 0
    frozen_clock.advance(timedelta(days=1))
    assert expire_transfers(db) == 1
    assert started.transfer.status is TransferStatus.EXPIRED
    with pytest.raises(ConflictError):
        consent_to_transfer(db, actor=actor_for("solo"), transfer_id=started.transfer.id)


def test_an_unknown_domain_or_storefront_is_refused_by_field(db, actor_for, mid_period):
    with pytest.raises(UnknownReferenceError) as unknown:
        start_transfer(db, actor=actor_for("bright"), domain="nobody.example")
    assert "domain" in unknown.value.fields
    with pytest.raises(UnknownReferenceError) as unknown:
        start_transfer(db, actor=actor_for("solo"), to_storefront="nowhere.shop.localhost")
    assert "to_storefront" in unknown.value.fields


def test_a_completion_cut_short_leaves_the_old_state_whole(db, demo, actor_for, mid_period, monkeypatch):
    """Completing is one transaction: a process dying halfway (here, after the old chain's credits and the
    move are written) leaves nothing of it once the database rolls the transaction back."""
    subscription = mid_period["solo"]
    started = start_transfer(db, actor=actor_for("solo"), to_storefront="bright.shop.localhost")
    db.commit()

    def dies(*args, **kwargs):
        db.flush()
        raise KeyboardInterrupt("the worker is killed")

    monkeypatch.setattr("core.services.transfers.charge_rest_of_period", dies)
    with pytest.raises(KeyboardInterrupt):
        accept_transfer(db, actor=actor_for("bright"), transfer_id=started.transfer.id)
    db.rollback()
    db.expire_all()

    assert (demo["solo"].parent.slug, subscription.seller.slug) == ("northwind", "northwind")
    assert charges_of(db, subscription, f"transfer-{started.transfer.id}") == {}
    assert get_transfer(db, actor_for("solo"), started.transfer.id).transfer.status is TransferStatus.AWAITING_ACCEPTANCE


def test_only_the_customers_owners_answer_for_it(db, demo, actor_for, mid_period, make_team):
    started = start_transfer(db, actor=actor_for("solo"), to_storefront="bright.shop.localhost")
    clerks = make_team("solo", "Clerks", ["view_billing"])
    for answer in (cancel_transfer, reject_transfer):
        with pytest.raises(PermissionDeniedError):
            answer(db, actor=actor_for("solo", team=clerks), transfer_id=started.transfer.id)
    assert get_transfer(db, actor_for("solo"), started.transfer.id).may_cancel


def test_an_account_with_services_suspended_for_an_unpaid_invoice_moves_once_it_is_paid(db, demo, actor_for,
                                                                                       mid_period):
    mid_period["solo"].status, mid_period["solo"].suspend_reason = SubscriptionStatus.SUSPENDED, SuspendReason.OVERDUE
    started = start_transfer(db, actor=actor_for("solo"), to_storefront="bright.shop.localhost")
    with pytest.raises(ConflictError) as refused:
        accept_transfer(db, actor=actor_for("bright"), transfer_id=started.id)
    assert "overdue invoice" in refused.value.detail

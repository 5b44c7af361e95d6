"""Paying an order by card on the spot: charged once, outside any transaction, recorded as a seller's
confirmation is, and a declined card leaves the order waiting for another."""

import json
from decimal import Decimal

import pytest
from sqlalchemy import select

from core.errors import ConflictError, NotFoundError
from core.models.audit import AuditEvent
from core.models.charges import Charge, ChargeKind
from core.models.orders import OrderStatus, Payment
from core.models.outbox import OutboxEmail
from core.models.subscriptions import SubscriptionStatus
from core.payments import CardDetails, Decline, card_provider
from core.services.card_payments import CardPaymentStatus, pay_order_by_card
from core.services.orders import LineRequest, place_order, set_payment_confirmation
from plugin_kit.simulators import Fault
from plugin_kit.testing import provision_due

VISA = "4242424242424242"


def card(number=VISA, year=2030):
    return CardDetails(number=number, expiry_month=12, expiry_year=year, cvc="123", holder="Sam Carter")


@pytest.fixture
def processor(simulators):
    return simulators["test-card"]


def charges_at(processor):
    return list(processor.app.state()["charges"].values())


@pytest.fixture
def card_order(db, demo, fake_catalog, actor_for):
    """Harbour Dental's order of two Small (28.76 EUR), by card, from Bright IT, which has card orders paid first."""
    set_payment_confirmation(db, actor=actor_for("bright"), methods=["card"])
    order = place_order(db, actor=actor_for("harbour"), lines=[LineRequest(fake_catalog["small"].id, 2)],
                        payment_method="card")
    db.commit()
    assert order.status is OrderStatus.AWAITING_PAYMENT
    return order


def credits_to(db, account):
    return db.scalars(select(Charge).where(Charge.recipient_id == account.id, Charge.kind == ChargeKind.CREDIT)).all()


def test_an_approved_card_pays_the_order_which_is_then_provisioned(db, demo, card_order, actor_for, processor):
    paid = pay_order_by_card(db, actor=actor_for("harbour"), order_id=card_order.id, card=card())
    db.commit()
    assert paid.status is CardPaymentStatus.PAID and card_order.status is OrderStatus.IN_PROGRESS
    (charge,) = charges_at(processor)
    # White label: the cardholder's statement names the shop and the order, never the platform or the distributor.
    assert (charge["amount"], charge["currency"], charge["description"]) == (2876, "eur", f"Bright IT order {card_order.id}")
    (payment,) = card_order.payments
    assert (payment.method, payment.reference, payment.amount) == ("card", charge["id"], Decimal("28.76"))
    assert [(credit.issuer_id, credit.amount) for credit in credits_to(db, demo["harbour"])] == [
        (demo["bright"].id, Decimal("-28.76"))]
    event = db.scalars(select(AuditEvent).where(AuditEvent.action == "order.paid_by_card")).one()
    assert event.changes["card"] == "visa ending 4242"

    provision_due(db)
    assert card_order.status is OrderStatus.COMPLETED
    assert card_order.lines[0].subscription.status is SubscriptionStatus.ACTIVE


def test_a_declined_card_records_nothing_and_the_order_waits_for_another(db, demo, card_order, actor_for, processor):
    declined = pay_order_by_card(db, actor=actor_for("harbour"), order_id=card_order.id, card=card("4000000000009995"))
    db.commit()
    assert (declined.status, declined.decline, declined.message) == (
        CardPaymentStatus.DECLINED, Decline.INSUFFICIENT_FUNDS, "Your card has insufficient funds.")
    assert card_order.status is OrderStatus.AWAITING_PAYMENT and card_order.lines[0].subscription is None
    assert card_order.payments == [] and credits_to(db, demo["harbour"]) == []
    assert card_order.declined_payments == 1  # the next card is a new charge

    expired = pay_order_by_card(db, actor=actor_for("harbour"), order_id=card_order.id, card=card(year=2020))
    assert (expired.status, expired.field) == (CardPaymentStatus.DECLINED, "expiry")

    paid = pay_order_by_card(db, actor=actor_for("harbour"), order_id=card_order.id, card=card())
    db.commit()
    assert paid.status is CardPaymentStatus.PAID
    assert [charge["status"] for charge in charges_at(processor)] == ["failed", "succeeded"]
    assert len(card_order.payments) == 1
    # Of the cards tried, the audit log keeps the last four digits, never the number.
    logged = json.dumps([event.changes for event in db.scalars(select(AuditEvent).where(AuditEvent.target_id == card_order.id))])
    assert "ending 9995" in logged and "4000000000009995" not in logged and VISA not in logged


def test_a_card_order_asks_the_seller_to_confirm_nothing(db, card_order):
    subjects = {email.subject: email for email in db.scalars(select(OutboxEmail))}
    assert not any("waits for your payment confirmation" in subject for subject in subjects)
    received = subjects[f"Order {card_order.id} received"]
    assert "It is set up as soon as your card payment of €28.76 goes through." in received.text_body


def test_paying_twice_charges_once(db, demo, card_order, actor_for, processor):
    first = pay_order_by_card(db, actor=actor_for("harbour"), order_id=card_order.id, card=card())
    db.rollback()  # the request died once the card was charged, before it could record it
    assert db.scalars(select(Payment)).all() == []
    retried = pay_order_by_card(db, actor=actor_for("harbour"), order_id=card_order.id, card=card())
    db.commit()
    clicked_again = pay_order_by_card(db, actor=actor_for("harbour"), order_id=card_order.id, card=card())
    db.commit()
    assert first.status is retried.status is clicked_again.status is CardPaymentStatus.PAID
    assert len(charges_at(processor)) == 1 and len(card_order.payments) == 1


def test_a_processor_that_does_not_answer_changes_nothing_and_the_same_card_later_pays_once(db, demo, card_order,
                                                                                             actor_for, processor):
    processor.app.faults.append(Fault(path="/v1/charges", status=503, times=3))  # every try of the charge fails
    unavailable = pay_order_by_card(db, actor=actor_for("harbour"), order_id=card_order.id, card=card())
    db.commit()
    assert unavailable.status is CardPaymentStatus.UNAVAILABLE and card_order.status is OrderStatus.AWAITING_PAYMENT
    assert pay_order_by_card(db, actor=actor_for("harbour"), order_id=card_order.id, card=card()).status is CardPaymentStatus.PAID
    assert len(charges_at(processor)) == 1


def test_only_the_payer_pays_an_order_that_waits_for_a_card_payment(db, demo, card_order, fake_catalog, actor_for,
                                                                    processor):
    with pytest.raises(NotFoundError):  # another customer of the same shop
        pay_order_by_card(db, actor=actor_for("maple"), order_id=card_order.id, card=card())
    with pytest.raises(NotFoundError):  # its seller sees the order, but does not pay it
        pay_order_by_card(db, actor=actor_for("bright"), order_id=card_order.id, card=card())
    transfer = place_order(db, actor=actor_for("harbour"), lines=[LineRequest(fake_catalog["small"].id)],
                           payment_method="bank_transfer")
    with pytest.raises(ConflictError):
        pay_order_by_card(db, actor=actor_for("harbour"), order_id=transfer.id, card=card())
    assert charges_at(processor) == []


def test_a_seller_that_confirms_card_payments_itself_has_no_card_provider(db, demo, actor_for):
    assert card_provider(demo["bright"]) is None  # the demo's Bright IT confirms bank transfers only
    set_payment_confirmation(db, actor=actor_for("bright"), methods=["bank_transfer", "card"])
    assert card_provider(demo["bright"]).key == "test_card"

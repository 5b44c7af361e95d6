"""Paying an order by card on the spot, through the payment provider that takes cards.

A seller chooses which payment methods' orders wait for their payment (``set_payment_confirmation``).
Where card is one of them and a provider takes cards (``core.payments``), the customer pays a
card order at once instead of the seller confirming it by hand: the order is placed as any
other, waiting for its payment, then ``pay_order_by_card`` charges the card and, approved,
records the payment and releases the order as a seller's confirmation does
(``core.services.orders.record_order_payment``). Declined, the order keeps waiting and the
customer may try another card. Where no provider takes cards, nothing of this applies.

The charge is made with no transaction open (``core.db.end_before_outside_call``). Its
idempotency key is the order's and the attempt's, ``order-<id>-payment-<n>``, ``n`` counting
the declined attempts (``Order.declined_payments``): a double click or a retried request sends the same key and the provider
charges once; another card after a decline is a new attempt. Card details are never stored:
the audit log keeps the card's brand and last four digits.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from sqlalchemy import select
from sqlalchemy.orm import Session

from core.db import end_before_outside_call
from core.errors import ConflictError, NotFoundError, PermissionDeniedError
from core.languages import say
from core.models.orders import Order, OrderStatus, Payment
from core.payments import DECLINE_FIELDS, CardDetails, Decline, PaymentProvider, card_provider
from core.permissions import PaymentMethod, Permission
from core.product_lifecycle import RetryableError
from core.services.actors import Actor
from core.services.audit import record_event
from core.services.notifications import sender_name_for
from core.services.orders import get_order, order_for_update, record_order_payment

DECLINE_EVENT = "order.card_declined"


class CardPaymentStatus(StrEnum):
    PAID = "paid"
    DECLINED = "declined"
    #: The provider did not answer: trying again (with the same card) may work, and never charges twice.
    UNAVAILABLE = "unavailable"


@dataclass(frozen=True)
class CardPayment:
    """How paying an order by card went."""

    order: Order
    status: CardPaymentStatus
    #: When declined: why, and the provider's words for the customer.
    decline: Decline | None = None
    message: str = ""

    @property
    def field(self) -> str | None:
        """The card detail a decline is about (``number``, ``expiry``, ``cvc``), if any."""
        return DECLINE_FIELDS.get(self.decline) if self.decline else None


def order_card_provider(order: Order) -> PaymentProvider | None:
    """The provider ``order``'s payer pays it through now: where it waits for a card payment that
    its seller takes on the spot; otherwise ``None``."""
    if order.status is not OrderStatus.AWAITING_PAYMENT or order.payment_method is not PaymentMethod.CARD:
        return None
    return card_provider(order.seller)


def pay_order_by_card(session: Session, *, actor: Actor, order_id: int, card: CardDetails) -> CardPayment:
    """Charge the amount due on an order of the actor's account to ``card``; approved, record the
    payment and release the order to provisioning.

    An order paid already answers ``paid`` without charging again (a second click). Commits the
    caller's transaction before the charge (see the module's docstring); the outcome is written
    in the next one, which the caller commits.
    """
    actor.require(Permission.PURCHASE)
    order = get_order(session, actor.account, order_id)
    if order.payer_id != actor.account.id:
        raise NotFoundError(say("No order %(id)s waits for %(account)s's payment.", id=order_id, account=actor.account.name))
    if PaymentMethod.CARD not in actor.payment_methods:
        raise PermissionDeniedError(say("Your teams in %(account)s may not pay by card.", account=actor.account.name))
    if order.status is not OrderStatus.AWAITING_PAYMENT and order.payments:
        return CardPayment(order, CardPaymentStatus.PAID)
    provider = order_card_provider(order)
    if provider is None:
        raise ConflictError(say("Order %(id)s does not wait for a card payment.", id=order.id))
    key = f"order-{order.id}-payment-{order.declined_payments + 1}"
    amount = order.amount_due.rounded()
    description = f"{sender_name_for(session, order.seller)} order {order.id}"
    end_before_outside_call(session)
    try:
        result = provider.charge(amount, description=description, idempotency_key=key, card=card)
    except RetryableError:
        return CardPayment(order, CardPaymentStatus.UNAVAILABLE)
    order = order_for_update(session, order_id)
    assert order is not None
    card_seen = f"{result.brand or 'card'} ending {card.last4}"
    if not result.approved:
        if key == f"order-{order.id}-payment-{order.declined_payments + 1}":  # not counted by a twin request
            order.declined_payments += 1
        record_event(session, account=actor.account, by=actor.user, action=DECLINE_EVENT, target=order,
                     changes={"key": key, "decline": str(result.decline), "message": result.message, "card": card_seen})
        return CardPayment(order, CardPaymentStatus.DECLINED, result.decline, result.message)
    recorded = session.scalar(select(Payment.id).where(Payment.order_id == order.id, Payment.reference == result.reference))
    if recorded is None:  # else the same attempt, sent twice, was recorded by the first
        # Recorded even if the order stopped waiting meanwhile (cancelled, confirmed by hand): the money came in.
        record_order_payment(session, order, actor=actor, method=PaymentMethod.CARD, reference=result.reference,
                             paid=amount, action="order.paid_by_card", changes={"card": card_seen})
    return CardPayment(order, CardPaymentStatus.PAID)


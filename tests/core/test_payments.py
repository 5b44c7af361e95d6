"""Payment providers come from the plugins; card details never show themselves."""

import pytest

from core.payments import CardDetails, DuplicatePaymentProviderError, payment_providers, provider_for
from core.permissions import PaymentMethod
from core.plugins import hookimpl, pm


def test_the_provider_that_takes_a_method_is_found_among_the_plugins(app):
    card = provider_for(PaymentMethod.CARD)
    assert (card.key, card.label, card.methods) == ("test_card", "Test card", {PaymentMethod.CARD})
    assert provider_for(PaymentMethod.BANK_TRANSFER) is None


def test_two_plugins_cannot_supply_providers_of_the_same_key(app):
    shipped = provider_for(PaymentMethod.CARD)

    class Copycat:
        @hookimpl
        def register_payment_providers(self):
            return [shipped]

    pm.register(Copycat(), name="copycat")
    try:
        with pytest.raises(DuplicatePaymentProviderError, match="test_card"):
            payment_providers()
    finally:
        pm.unregister(name="copycat")


def test_card_details_show_only_their_last_four_digits():
    card = CardDetails(number="4242424242424242", expiry_month=4, expiry_year=2029, cvc="321", holder="Sam Carter")
    shown = f"{card} {card!r} {[card]}"
    assert "4242424242424242" not in shown and "321" not in shown and "2029" not in shown
    assert repr(card) == "CardDetails(ending 4242)" and card.last4 == "4242"

"""The test card processor over HTTP: its simulator, the client, and the provider that maps its answers."""

import json
from urllib.error import HTTPError
from urllib.request import Request, urlopen

import pytest

from core.money import Money
from core.payments import CardDetails, Decline, provider_for
from core.permissions import PaymentMethod
from core.product_lifecycle import RetryableError
from plugin_kit.vendor_http import VendorError
from plugins.test_card.client import card_processor, in_minor_units

VISA = "4242424242424242"


def card(number=VISA, month=12, year=2030, cvc="123"):
    return CardDetails(number=number, expiry_month=month, expiry_year=year, cvc=cvc, holder="Sam Carter")


@pytest.fixture
def processor(simulators):
    return simulators["test-card"]


def send(served, method, path, body=None):
    """Call the simulator as any HTTP client would: ``(status, JSON answer)``."""
    request = Request(f"{served.url}{path}", data=json.dumps(body).encode() if body is not None else None, method=method,
                      headers={"Content-Type": "application/json"})
    try:
        with urlopen(request, timeout=5) as response:
            return response.status, json.loads(response.read() or b"null")
    except HTTPError as error:
        return error.code, json.loads(error.read())


def charges(served):
    return served.app.state()["charges"]


def test_an_approved_charge_keeps_the_cards_brand_and_last_digits_and_nothing_more(processor):
    charge = card_processor().create_charge(Money("14.38", "EUR"), description="Bright IT order 7", card=card(),
                                            key="order-7-payment-1")
    assert (charge.status, charge.amount, charge.brand, charge.last4) == ("succeeded", Money("14.38", "EUR"), "visa", "4242")
    assert charge.description == "Bright IT order 7"
    assert card_processor().get_charge(charge.id) == charge
    (kept,) = charges(processor).values()
    assert (kept["amount"], kept["currency"]) == (1438, "eur")
    assert VISA not in json.dumps(processor.app.state()) and "cvc" not in kept


def test_a_charge_sent_again_with_its_key_is_charged_once_and_the_key_is_its_alone(processor):
    first = card_processor().create_charge(Money("10", "EUR"), description="Shop order 1", card=card(), key="order-1-payment-1")
    again = card_processor().create_charge(Money("10", "EUR"), description="Shop order 1", card=card(), key="order-1-payment-1")
    assert again == first and len(charges(processor)) == 1
    with pytest.raises(VendorError) as reused:  # the same key with another card
        card_processor().create_charge(Money("10", "EUR"), description="Shop order 1", card=card("5555555555554444"),
                                       key="order-1-payment-1")
    assert (reused.value.status, reused.value.code, reused.value.retryable) == (422, "idempotency_key_reused", False)
    assert len(charges(processor)) == 1


@pytest.mark.parametrize(("typed", "decline", "field", "words"), [
    (card("4000000000000002"), Decline.CARD_DECLINED, None, "Your card was declined."),
    (card("4000000000009995"), Decline.INSUFFICIENT_FUNDS, None, "Your card has insufficient funds."),
    (card("4242424242424241"), Decline.INCORRECT_NUMBER, "number", "Your card number is incorrect."),
    (card(year=2020), Decline.EXPIRED_CARD, "expiry", "Your card has expired."),
    (card(cvc="12"), Decline.INCORRECT_CVC, "cvc", "Your card's security code is incorrect."),
])
def test_the_documented_test_cards_are_declined_with_their_reason_and_the_detail_at_fault(processor, typed, decline, field,
                                                                                         words):
    result = provider_for(PaymentMethod.CARD).charge(Money("10.00", "EUR"), description="Shop order 2",
                                                     idempotency_key="order-2-payment-1", card=typed)
    assert not result.approved and result.reference == ""
    assert (result.decline, result.field, result.message) == (decline, field, words)


def test_the_processor_names_the_card_detail_it_refuses(processor):
    status, answer = send(processor, "POST", "/v1/charges", {
        "amount": 1000, "currency": "eur", "description": "Shop order 3",
        "card": {"number": "4242424242424241", "exp_month": 12, "exp_year": 2030, "cvc": "123"}})
    assert status == 402
    assert answer["error"] | {"message": ""} == {"type": "card_error", "code": "incorrect_number", "param": "number",
                                                "message": ""}
    assert send(processor, "POST", "/v1/charges", {"amount": 10.5, "currency": "eur", "description": "x", "card": {}})[0] == 400
    assert charges(processor) == {}


def test_a_processor_that_fails_is_retried_then_reported_retryable_and_the_same_key_later_charges_once(processor,
                                                                                                     vendor_waits):
    send(processor, "POST", "/_simulator/faults", {"path": "/v1/charges", "status": 503, "times": 3})
    provider = provider_for(PaymentMethod.CARD)
    with pytest.raises(RetryableError):
        provider.charge(Money("10.00", "EUR"), description="Shop order 4", idempotency_key="order-4-payment-1", card=card())
    assert len(vendor_waits) == 2  # three tries in all, none waited for in the test
    result = provider.charge(Money("10.00", "EUR"), description="Shop order 4", idempotency_key="order-4-payment-1",
                             card=card())
    assert result.approved and result.brand == "visa" and list(charges(processor)) == [result.reference]


def test_amounts_travel_in_the_currencys_minor_unit_rounded_once_half_up():
    assert in_minor_units(Money("14.375", "EUR")) == 1438
    assert in_minor_units(Money("1500", "JPY")) == 1500
    assert in_minor_units(Money("1.2345", "KWD")) == 1235

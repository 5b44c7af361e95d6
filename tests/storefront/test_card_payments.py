"""Paying by card at the checkout, where the shop takes card payments on the spot: the card asked
for, the order placed and paid in one step, a declined card tried again from the order's page."""

import json
import re

import pytest
from sqlalchemy import func, select

from core.models.audit import AuditEvent
from core.models.idempotency import IdempotencyKey
from core.models.orders import Order, OrderStatus
from core.models.outbox import OutboxEmail
from core.services.orders import set_payment_confirmation
from plugin_kit.simulators import Fault
from plugin_kit.testing import text_of
from tests.storefront.conftest import BRIGHT

VISA = "4242424242424242"


def typed(number=VISA, expiry="12/30", cvc="123", holder="Sam Carter"):
    """The card form as a customer fills it in."""
    return {"card.number": number, "card.expiry": expiry, "card.cvc": cvc, "card.holder": holder}


@pytest.fixture
def processor(simulators):
    return simulators["test-card"]


@pytest.fixture
def card_shop(db, shops, fake_catalog, actor_for, shop_sign_in, add_to_cart):
    """Bright IT has card orders paid first; Harbour Dental, signed in on its shop, has two Small in its cart (€28.76)."""
    set_payment_confirmation(db, actor=actor_for("bright"), methods=["card"])
    db.commit()
    shop_sign_in()
    add_to_cart(fake_catalog["small"], 2)
    return shops


def orders_of(db, account):
    return db.scalars(select(Order).where(Order.owner_id == account.id)).all()


def charges_at(processor):
    return list(processor.app.state()["charges"].values())


def test_choosing_card_asks_for_the_card_with_the_names_browsers_fill_in(client, card_shop):
    response = client.get("/checkout", base_url=BRIGHT)
    page = response.get_data(as_text=True)
    for name, autocomplete in (("number", "cc-number"), ("expiry", "cc-exp"), ("cvc", "cc-csc"), ("holder", "cc-name")):
        assert re.search(rf'<input id="f-card.{name}" name="card.{name}" type="text" value="" autocomplete="{autocomplete}"', page)
    assert "Card Pay €28.76 by card now: it is set up as soon as your card is charged." in text_of(response)
    french = text_of(client.get("/checkout", base_url=BRIGHT, headers={"Accept-Language": "fr"}))
    assert "Numéro de carte" in french and "Nom sur la carte" in french


def test_a_shop_that_does_not_take_cards_on_the_spot_checks_out_as_before(db, client, shops, fake_catalog, shop_sign_in,
                                                                          add_to_cart, check_out, processor):
    shop_sign_in()
    add_to_cart(fake_catalog["small"])
    assert 'name="card.number"' not in client.get("/checkout", base_url=BRIGHT).get_data(as_text=True)
    assert check_out("card").status_code == 303
    (order,) = orders_of(db, shops["harbour"])
    assert order.status is OrderStatus.IN_PROGRESS and order.payments == [] and charges_at(processor) == []


def test_an_approved_card_places_and_pays_the_order_in_one_step(db, client, card_shop, check_out, processor):
    placed = check_out("card", typed(number="4242 4242 4242 4242"))
    (order,) = orders_of(db, card_shop["harbour"])
    assert placed.status_code == 303 and placed.location == f"/orders/{order.id}"
    page = client.get(placed.location, base_url=BRIGHT)
    assert f"Thank you: order {order.id} is paid, and we are setting it up." in text_of(page)
    assert "Paid by card on" in text_of(page) and "Pay by card" not in text_of(page)
    assert order.status is OrderStatus.IN_PROGRESS
    (charge,) = charges_at(processor)
    assert order.payments[0].reference == charge["id"] and charge["description"] == f"Bright IT order {order.id}"
    # The card is kept nowhere: not with the checkout's token, not in the audit log, not in an email.
    kept = json.dumps([key.response_body for key in db.scalars(select(IdempotencyKey))]
                      + [event.changes for event in db.scalars(select(AuditEvent))]
                      + [email.text_body for email in db.scalars(select(OutboxEmail))])
    assert VISA not in kept and "4242 4242" not in kept and "Sam Carter" not in kept


def test_a_declined_card_leads_to_the_orders_page_to_try_another(db, client, card_shop, check_out, shop_post, processor):
    declined = check_out("card", typed(number="4000000000000002"))
    assert declined.status_code == 422
    (order,) = orders_of(db, card_shop["harbour"])
    text = text_of(declined)
    assert f"Order {order.id}" in text and "Your card was declined. Try another card." in text
    assert order.status is OrderStatus.AWAITING_PAYMENT and order.payments == []
    assert 'value="4000000000000002"' not in declined.get_data(as_text=True)  # never shown again
    assert "Your cart is empty." in text_of(client.get("/cart", base_url=BRIGHT))

    wrong = shop_post(f"/orders/{order.id}/pay", typed(number="4242424242424241"))
    assert wrong.status_code == 422
    assert ('<p class="error" id="f-card.number-error">This card number is not valid: check it, or try another card.</p>'
            in wrong.get_data(as_text=True))

    paid = shop_post(f"/orders/{order.id}/pay", typed())
    assert paid.status_code == 303 and paid.location == f"/orders/{order.id}"
    db.refresh(order)
    assert order.status is OrderStatus.IN_PROGRESS and len(order.payments) == 1
    assert [charge["status"] for charge in charges_at(processor)] == ["failed", "succeeded"]


def test_the_card_is_checked_before_anything_is_ordered(db, client, card_shop, check_out, processor):
    refused = check_out("card", typed(number="", expiry="13/30", cvc="1234x", holder=" "))
    assert refused.status_code == 422
    text = text_of(refused)
    assert "Nothing was ordered" in text
    assert "Your card : Enter the card number: 12 to 19 digits, as on the card." in text
    assert "Your card : Enter the expiry date as on the card: MM/YY, such as 04/29." in text
    assert "Your card : Enter the security code" in text and "Your card : Enter the name on the card" in text
    assert '<a href="#f-card.cvc">' in refused.get_data(as_text=True)
    assert orders_of(db, card_shop["harbour"]) == [] and charges_at(processor) == []


def test_sending_the_checkout_twice_charges_once(db, client, card_shop, processor):
    page = client.get("/checkout", base_url=BRIGHT).get_data(as_text=True)
    form = {**dict(re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)">', page)), "payment_method": "card",
            **typed()}
    first = client.post("/checkout", data=form, base_url=BRIGHT)
    second = client.post("/checkout", data=form, base_url=BRIGHT)  # a double click
    again = client.post(first.location + "/pay", data={**form}, base_url=BRIGHT)  # and once more, from the order
    assert first.status_code == second.status_code == again.status_code == 303
    assert first.location == second.location == again.location
    assert len(orders_of(db, card_shop["harbour"])) == 1 and len(charges_at(processor)) == 1


def test_another_customers_order_is_not_found(db, client, card_shop, check_out, shop_post, shop_sign_in):
    check_out("card", typed(number="4000000000000002"))
    (order,) = orders_of(db, card_shop["harbour"])
    shop_post("/sign-out")
    shop_sign_in("owner@maple.example")
    assert shop_post(f"/orders/{order.id}/pay", typed()).status_code == 404
    assert db.scalar(select(func.count()).select_from(Order).where(Order.id == order.id, Order.status == OrderStatus.AWAITING_PAYMENT)) == 1


def test_a_payment_service_that_does_not_answer_asks_for_the_same_card_again(db, client, card_shop, check_out, shop_post,
                                                                             processor):
    processor.app.faults.append(Fault(path="/v1/charges", status=503, times=3))
    unanswered = check_out("card", typed())
    assert unanswered.status_code == 503
    assert "The payment service did not answer. Try again in a minute with the same card" in text_of(unanswered)
    (order,) = orders_of(db, card_shop["harbour"])
    assert order.status is OrderStatus.AWAITING_PAYMENT and charges_at(processor) == []
    assert shop_post(f"/orders/{order.id}/pay", typed()).status_code == 303
    assert len(charges_at(processor)) == 1

"""A customer's orders on the shop: progress until ready, the seller's confirmation, cancelling, isolation."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from core.models.accounts import AccountKind
from core.models.orders import Order, OrderStatus
from core.models.outbox import OutboxEmail
from core.models.people import User
from core.services.actors import acting_as
from core.services.orders import LineRequest, place_order, set_payment_confirmation
from core.services.people import add_member, create_user, owner_team
from plugin_kit.testing import post_form, provision_due, text_of
from tests.storefront.conftest import BRIGHT, CORNER


@pytest.fixture
def order_on_shop(db, shops, fake_catalog, add_to_cart, shop_sign_in, check_out):
    """Sign in as Harbour Dental's owner and order two Small widgets on Bright IT's shop; return the order."""

    def place(payment_method: str = "card") -> Order:
        shop_sign_in()
        add_to_cart(fake_catalog["small"], 2)
        placed = check_out(payment_method)
        assert placed.status_code == 303, placed.get_data(as_text=True)
        return db.get(Order, int(placed.location.rsplit("/", 1)[1]))

    return place


def test_an_order_shows_its_progress_and_refreshes_itself_until_ready(db, client, order_on_shop):
    order = order_on_shop("card")
    page = client.get(f"/orders/{order.id}", base_url=BRIGHT)
    assert page.headers["Refresh"] == "5" and page.headers["Cache-Control"] == "no-store"
    html, text = page.get_data(as_text=True), text_of(page)
    assert '<li class="current" aria-current="step">Setting up' in html
    assert "✓ Received (done) ✓ Accepted (done) Setting up Ready" in text
    assert "We are setting it up now." in text and "This page updates by itself. Refresh now" in text
    assert "Fake product Small" in text and "€28.76" in text

    provision_due(db)
    ready = client.get(f"/orders/{order.id}", base_url=BRIGHT)
    assert "Refresh" not in ready.headers
    text = text_of(ready)
    assert "Ready: everything in this order is set up." in text and "✓ Ready (done)" in text
    subscription = db.get(Order, order.id).lines[0].subscription
    assert f"Subscription {subscription.id} Active" in text
    assert f'href="/subscriptions/{subscription.id}"' in ready.get_data(as_text=True)
    email = db.scalars(select(OutboxEmail).where(OutboxEmail.to_address == "owner@harbour.example")
                       .order_by(OutboxEmail.id.desc())).first()
    assert email.subject == "Fake product is ready"
    assert f"http://bright.shop.localhost:5000/subscriptions/{subscription.id}" in email.text_body


def test_an_order_awaiting_the_sellers_confirmation_becomes_active_once_the_reseller_confirms(
        db, client, shops, actor_for, order_on_shop, login_as):
    set_payment_confirmation(db, actor=actor_for("bright"), methods=["bank_transfer"])
    db.commit()
    order = order_on_shop("bank_transfer")
    assert order.status is OrderStatus.AWAITING_PAYMENT
    page = client.get(f"/orders/{order.id}", base_url=BRIGHT)
    assert page.headers["Refresh"] == "60"
    text = text_of(page)
    assert "Awaiting payment" in text and "✓ Received (done) Payment confirmed Setting up Ready" in text
    assert ("Bright IT sets your order up once it has confirmed your payment of €28.76 (bank transfer). "
            "Nothing is set up before.") in text
    assert "Once your payment is confirmed" in text
    assert "Awaiting payment" in text_of(client.get("/orders", base_url=BRIGHT))

    login_as("owner@bright.example")  # the reseller, in its back office
    confirmed = post_form(client, f"/bss/orders/{order.id}/confirm-payment", {
        "method": "bank_transfer", "reference": "TRF-2026-0042", "amount": "28.76"})
    assert confirmed.status_code == 302
    provision_due(db)

    text = text_of(client.get(f"/orders/{order.id}", base_url=BRIGHT))
    assert "✓ Received (done) ✓ Payment confirmed (done) ✓ Setting up (done) ✓ Ready (done)" in text
    assert "Active" in text and "Ready: everything in this order is set up." in text


def test_a_customer_cancels_an_order_awaiting_its_payment(db, client, shops, actor_for, order_on_shop, shop_post):
    set_payment_confirmation(db, actor=actor_for("bright"), methods=["bank_transfer"])
    db.commit()
    order = order_on_shop("bank_transfer")
    assert "Cancel this order" in text_of(client.get(f"/orders/{order.id}", base_url=BRIGHT))
    response = shop_post(f"/orders/{order.id}/cancel", {"reason": "Ordered twice"})
    assert response.status_code == 303
    text = text_of(client.get(f"/orders/{order.id}", base_url=BRIGHT))
    assert f"Order {order.id} is cancelled: nothing of it will be set up." in text
    assert "Cancelled before it was paid: nothing was set up." in text and "Cancel this order" not in text
    db.expire_all()
    assert db.get(Order, order.id).status is OrderStatus.CANCELLED


def test_an_order_being_set_up_cannot_be_cancelled(db, client, order_on_shop, shop_post):
    order = order_on_shop("card")
    assert "Cancel this order" not in text_of(client.get(f"/orders/{order.id}", base_url=BRIGHT))
    shop_post(f"/orders/{order.id}/cancel")
    text = text_of(client.get(f"/orders/{order.id}", base_url=BRIGHT))
    assert f"Order {order.id} can no longer be cancelled" in text
    db.expire_all()
    assert db.get(Order, order.id).status is OrderStatus.IN_PROGRESS


def test_the_orders_page_lists_the_customers_own_orders(db, client, shops, fake_catalog, order_on_shop):
    maple_owner = db.scalar(select(User).where(User.email == "owner@maple.example"))
    maples = place_order(db, actor=acting_as(db, maple_owner, shops["maple"]), payment_method="card",
                         lines=[LineRequest(fake_catalog["large"].id)])
    db.commit()
    order = order_on_shop()
    page = client.get("/orders", base_url=BRIGHT)
    assert f'href="/orders/{order.id}"' in page.get_data(as_text=True)
    assert f"/orders/{maples.id}" not in page.get_data(as_text=True)
    assert "2 × Fake product Small" in text_of(page)


def test_another_customers_order_answers_404(db, client, shops, fake_catalog, shop_sign_in, shop_post):
    maple_owner = db.scalar(select(User).where(User.email == "owner@maple.example"))
    maples = place_order(db, actor=acting_as(db, maple_owner, shops["maple"]), payment_method="card",
                         lines=[LineRequest(fake_catalog["large"].id)])
    db.commit()
    # Sam works for both Harbour Dental and Maple Bakery: acting for Harbour, Maple's order is not there.
    shop_sign_in("sam@books.example")
    assert client.get(f"/orders/{maples.id}", base_url=BRIGHT).status_code == 404
    assert shop_post(f"/orders/{maples.id}/cancel").status_code == 404
    assert client.get("/orders/999999", base_url=BRIGHT).status_code == 404


def test_orders_are_for_signed_in_customers(client, shops):
    response = client.get("/orders", base_url=BRIGHT)
    assert response.status_code == 302 and response.location.startswith("/sign-in?next=/orders")


def test_a_customer_of_corner_cannot_sign_in_on_brights_shop(db, client, shops, reseller_plan, shop_post, make_account):
    reseller_plan("corner", "free")  # Corner Computers opens a shop of its own
    customer = make_account(AccountKind.CUSTOMER, parent=shops["corner"], name="Corner's customer")
    add_member(db, owner_team(db, customer), create_user(db, email="someone@corner-customer.example", name="Someone",
                                                         password="a long enough password"))
    db.commit()
    credentials = {"email": "someone@corner-customer.example", "password": "a long enough password"}
    refused = shop_post("/sign-in", credentials)
    assert refused.status_code == 401 and "That email and password do not match an account here." in text_of(refused)
    assert shop_post("/sign-in", credentials, base=CORNER).status_code == 302


def test_an_order_of_monthly_and_yearly_plans_totals_each_period_apart(db, client, shops, fake_catalog, add_to_cart,
                                                                       shop_sign_in, check_out):
    shop_sign_in()
    add_to_cart(fake_catalog["small"], 2)
    add_to_cart(fake_catalog["large"], 1)
    cart = text_of(client.get("/cart", base_url=BRIGHT))
    assert "Every month €28.76 Every year €143.75 Due with the order €172.51" in cart
    placed = check_out("card")
    order_id = int(placed.location.rsplit("/", 1)[1])

    page = text_of(client.get(f"/orders/{order_id}", base_url=BRIGHT))
    assert "Every month €28.76 Every year €143.75 Due with the order €172.51" in page
    assert "Every billing period" not in page
    listed = text_of(client.get("/orders", base_url=BRIGHT))
    assert "€28.76 a month + €143.75 a year" in listed and "€172.51" not in listed

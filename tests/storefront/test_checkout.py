"""Checkout: each plan's parameters asked from its schema, the team's payment methods, one order per checkout."""

from __future__ import annotations

import re
from dataclasses import replace

import marshmallow
import pytest
from marshmallow import fields, validate
from sqlalchemy import func, select

from core.models.orders import Order, OrderStatus
from core.models.outbox import OutboxEmail
from core.models.people import Team
from core.models.subscriptions import Subscription, SubscriptionStatus
from core.services.orders import set_payment_confirmation
from core.services.people import add_member, create_user
from plugin_kit.testing import post_form, provision_due, text_of
from tests.fakes import FakeProduct
from tests.storefront.conftest import BRIGHT, NORTHWIND

CORNER = "http://corner.shop.localhost"


class SiteParams(marshmallow.Schema):
    """What a plugin might ask for a site: the core renders these fields without a template of the plugin's."""

    domain_name = fields.String(
        required=True, validate=validate.Regexp(r"^[a-z0-9-]+(\.[a-z0-9-]+)+$", error="Enter a domain name such as example.com."),
        metadata={"label": {"en": "Domain name", "fr": "Nom de domaine"},
                  "description": {"en": "The address of your site.", "fr": "L'adresse de votre site."}})
    tenant_prefix = fields.String(validate=validate.Length(max=12), metadata={"label": "Tenant prefix"})
    region = fields.String(validate=validate.OneOf(["eu", "us"]))
    backups = fields.Boolean()


class SiteProduct(FakeProduct):
    plans = (replace(FakeProduct.plans[0], params=SiteParams), FakeProduct.plans[1])


@pytest.fixture
def site_plan(request, shops, fake_plugin):
    """The fake product's Small plan, asking for a site's details; Bright IT's customers pay €14.38 for it."""
    fake_plugin.product_types = [SiteProduct(fake_plugin.vendor)]
    return request.getfixturevalue("fake_catalog")["small"]


def orders_of(db, account):
    return db.scalar(select(func.count(Order.id)).where(Order.owner_id == account.id))


def newest_email(db, to):
    return db.scalars(select(OutboxEmail).where(OutboxEmail.to_address == to).order_by(OutboxEmail.id.desc())).first()


def test_a_visitor_is_asked_to_sign_in_and_keeps_the_cart(client, shops, plans, add_to_cart, shop_sign_in):
    add_to_cart(plans["microsoft-365/business-basic"], 2)
    response = client.get("/checkout", base_url=BRIGHT)
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert 'href="/sign-in?next=/checkout"' in page and 'href="/sign-up"' in page
    assert "Due with the order €15.00" in text_of(response)
    # Placing the order needs a customer: the form's target sends a visitor to sign in.
    placed = post_form(client, "/checkout", base_url=BRIGHT)
    assert placed.status_code == 302 and placed.location.startswith("/sign-in?next=/checkout")

    shop_sign_in()
    page = text_of(client.get("/checkout", base_url=BRIGHT))
    assert "Your order for Harbour Dental" in page and "Microsoft 365 Business Basic 2 × €7.50 per seat = €15.00 a month" in page


def test_an_empty_cart_has_no_checkout(client, shops, shop_sign_in):
    shop_sign_in()
    response = client.get("/checkout", base_url=BRIGHT)
    assert response.status_code == 303 and response.location.endswith("/cart")


def test_the_checkout_asks_each_plans_parameters_from_its_schema(client, site_plan, add_to_cart, shop_sign_in):
    shop_sign_in()
    add_to_cart(site_plan)
    response = client.get("/checkout", base_url=BRIGHT)
    page, text = response.get_data(as_text=True), text_of(response)
    assert '<label for="f-lines.0.params.domain_name">Domain name</label>' in page
    assert 'name="lines.0.params.domain_name" required aria-describedby="f-lines.0.params.domain_name-hint"' in page
    assert "The address of your site." in text
    assert 'maxlength="12"' in page and "Tenant prefix (optional)" in text
    assert '<option value="eu">eu</option><option value="us">us</option>' in page
    assert 'type="checkbox" value="true" id="f-lines.0.params.backups" name="lines.0.params.backups"' in page
    assert "Fake product Small" in text and "€14.38" in text
    french = text_of(client.get("/checkout", base_url=BRIGHT, headers={"Accept-Language": "fr"}))
    assert "Nom de domaine" in french and "L'adresse de votre site." in french


def test_missing_or_invalid_parameters_are_named_and_nothing_is_ordered(db, client, shops, site_plan, add_to_cart,
                                                                         shop_sign_in, check_out):
    shop_sign_in()
    add_to_cart(site_plan)
    missing = check_out()
    assert missing.status_code == 422
    page = missing.get_data(as_text=True)
    assert 'id="f-lines.0.params.domain_name-error">This field is required.</p>' in page
    assert '<a href="#f-lines.0.params.domain_name">Domain name</a>: This field is required.' in page

    invalid = check_out(params={"lines.0.params.domain_name": "not a domain", "lines.0.params.region": "mars",
                                "lines.0.params.tenant_prefix": "much-too-long-prefix"})
    assert invalid.status_code == 422
    text = text_of(invalid)
    assert "Domain name : Enter a domain name such as example.com." in text  # the summary, linking to each field
    assert "Region : Must be one of: eu, us." in text and "Tenant prefix : Longer than maximum length 12." in text
    # What was typed is kept, to be corrected rather than typed again.
    assert 'value="much-too-long-prefix"' in invalid.get_data(as_text=True)
    assert orders_of(db, shops["harbour"]) == 0


def test_an_order_is_placed_with_its_parameters_and_followed_on_the_shop(db, client, shops, site_plan, add_to_cart,
                                                                          shop_sign_in, check_out):
    shop_sign_in()
    add_to_cart(site_plan, 2)
    placed = check_out("card", {"lines.0.params.domain_name": "harbour-dental.example", "lines.0.params.region": "eu",
                                "lines.0.params.backups": "true"})
    assert placed.status_code == 303
    order = db.scalars(select(Order).where(Order.owner_id == shops["harbour"].id)).one()
    assert placed.location == f"/orders/{order.id}"
    assert order.lines[0].params == {"domain_name": "harbour-dental.example", "region": "eu", "backups": True}
    assert order.lines[0].quantity == 2 and str(order.lines[0].unit_price) == "14.38 EUR"
    assert order.payer_id == shops["harbour"].id and order.seller_id == shops["bright"].id
    page = text_of(client.get(placed.location, base_url=BRIGHT))
    assert f"Thank you: order {order.id} is placed, and we are setting it up." in page
    assert "Domain name: harbour-dental.example" in page and "Region: eu" in page
    assert "Your cart is empty." in text_of(client.get("/cart", base_url=BRIGHT))
    # The email sends the customer to the order's page on the shop, never to the platform's back office.
    email = newest_email(db, "owner@harbour.example")
    assert email.subject == f"Order {order.id} received"
    assert f"http://bright.shop.localhost:5000/orders/{order.id}" in email.text_body and "/bss/" not in email.text_body


def test_the_payment_methods_offered_are_the_teams_own(db, client, shops, fake_catalog, add_to_cart, shop_sign_in,
                                                       check_out):
    team = Team(account=shops["harbour"], name="Buyers", permissions=["purchase"], payment_methods=["card"])
    db.add(team)
    add_member(db, team, create_user(db, email="buyer@harbour.example", name="Buyer", password="a long enough password"))
    db.commit()
    shop_sign_in("buyer@harbour.example", "a long enough password")
    add_to_cart(fake_catalog["small"])
    page = client.get("/checkout", base_url=BRIGHT).get_data(as_text=True)
    assert re.findall(r'name="payment_method" value="(\w+)"', page) == ["card"]
    refused = check_out("bank_transfer")
    assert refused.status_code == 422
    assert "Payment method : Your teams in Harbour Dental may not pay by bank_transfer (they may use: card)." in text_of(refused)
    assert orders_of(db, shops["harbour"]) == 0


def test_the_checkout_says_what_happens_next_for_each_payment_method(db, client, shops, fake_catalog, add_to_cart,
                                                                      shop_sign_in, actor_for):
    set_payment_confirmation(db, actor=actor_for("bright"), methods=["bank_transfer"])
    db.commit()
    shop_sign_in()
    add_to_cart(fake_catalog["small"], 2)
    page = text_of(client.get("/checkout", base_url=BRIGHT))
    assert "Bank transfer Bright IT sets it up once it has confirmed your payment of €28.76." in page
    assert "Card Set up as soon as you order." in page and "On account Invoiced later, and set up as soon as you order." in page


def test_sending_the_checkout_twice_places_one_order(db, client, shops, fake_catalog, add_to_cart, shop_sign_in):
    shop_sign_in()
    add_to_cart(fake_catalog["small"], 2)
    page = client.get("/checkout", base_url=BRIGHT).get_data(as_text=True)
    form = {**dict(re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)">', page)), "payment_method": "card"}
    first = client.post("/checkout", data=form, base_url=BRIGHT)
    second = client.post("/checkout", data=form, base_url=BRIGHT)  # a double click, or the back button and again
    assert first.status_code == second.status_code == 303 and first.location == second.location
    assert orders_of(db, shops["harbour"]) == 1


def test_a_cart_changed_while_checking_out_is_checked_again(db, client, shops, fake_catalog, add_to_cart, shop_sign_in):
    shop_sign_in()
    add_to_cart(fake_catalog["small"], 2)
    page = client.get("/checkout", base_url=BRIGHT).get_data(as_text=True)
    form = {**dict(re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)">', page)), "payment_method": "card"}
    add_to_cart(fake_catalog["small"], 1)  # in another tab: 3 seats now, not the 2 on the page
    response = client.post("/checkout", data=form, base_url=BRIGHT)
    assert response.status_code == 303 and response.location.endswith("/checkout")
    assert "Your cart changed while you were checking out" in text_of(client.get("/checkout", base_url=BRIGHT))
    assert orders_of(db, shops["harbour"]) == 0


def test_a_person_whose_teams_may_not_purchase_is_told_so(db, client, shops, plans, add_to_cart, shop_sign_in):
    team = Team(account=shops["harbour"], name="Readers", permissions=["view_billing"], payment_methods=[])
    db.add(team)
    add_member(db, team, create_user(db, email="reader@harbour.example", name="Reader", password="a long enough password"))
    db.commit()
    shop_sign_in("reader@harbour.example", "a long enough password")
    add_to_cart(plans["microsoft-365/business-basic"])
    page = client.get("/checkout", base_url=BRIGHT)
    assert "Your teams in Harbour Dental may not place orders." in text_of(page)
    assert "Place the order" not in text_of(page)


def test_a_reseller_buys_its_plan_on_the_distributors_storefront(db, client, shops, plans, add_to_cart, shop_sign_in,
                                                                  check_out):
    assert client.get("/", base_url=CORNER).status_code == 404  # on Basic: no shop of its own yet
    shop_sign_in("owner@corner.example", base=NORTHWIND)
    add_to_cart(plans["reseller-plan/free"], base=NORTHWIND)
    placed = check_out("on_account", base=NORTHWIND)
    assert placed.status_code == 303
    provision_due(db)

    plan = db.scalars(select(Subscription).where(Subscription.owner_id == shops["corner"].id,
                                                 Subscription.product_id == plans["reseller-plan/free"].product_id)).one()
    assert plan.plan_id == plans["reseller-plan/free"].id and plan.status is SubscriptionStatus.ACTIVE
    assert plan.provisioning_data["licence"]["plan"] == "free" and plan.provisioning_data["licence"]["key"].startswith("RSL-")
    order = db.get(Order, int(placed.location.rsplit("/", 1)[1]))
    assert order.status is OrderStatus.COMPLETED
    assert "Ready: everything in this order is set up." in text_of(client.get(placed.location, base_url=NORTHWIND))
    shop = client.get("/", base_url=CORNER)
    assert shop.status_code == 200 and '<h1 id="shop-name">Corner Computers</h1>' in shop.get_data(as_text=True)
    invitation = db.scalars(select(OutboxEmail).where(OutboxEmail.to_address == "owner@corner.example",
                                                      OutboxEmail.subject.contains("customer portal is live"))).one()
    assert "http://corner.shop.localhost:5000/" in invitation.text_body
    # A reseller works in its back office: its own order emails lead there.
    received = db.scalars(select(OutboxEmail).where(OutboxEmail.subject == f"Order {order.id} received")).one()
    assert f"http://127.0.0.1:5000/bss/orders/{order.id}" in received.text_body

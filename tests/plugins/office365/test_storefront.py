"""Customers manage their Microsoft 365 users on their reseller's storefront, and nobody else's."""

import re

import pytest
from sqlalchemy import select

from core.models.orders import Order, OrderLine
from plugin_kit.testing import provision_due, text_of
from tests.storefront.conftest import BRIGHT


@pytest.fixture
def tenants(shops, buy_seats):
    """Harbour Dental's 2 seats and Maple Bakery's 3, each in its own tenant (both are Bright IT's customers)."""
    return {"harbour": buy_seats("harbour", 2, tenant_prefix="harbourdental"),
            "maple": buy_seats("maple", 3, tenant_prefix="maplebakery")}


def _users_page(subscription):
    return f"/microsoft-365/{subscription.id}/users"


def _user_id(page, subscription, name):
    found = re.search(rf"/microsoft-365/{subscription.id}/users/([0-9a-f-]+)/disable\">.*?{name}", page, re.S)
    assert found, f"{name} is on the page"
    return found.group(1)


def test_a_customer_adds_users_within_its_seats_and_buys_more(client, db, tenants, shop_sign_in, shop_post):
    harbour = tenants["harbour"]
    shop_sign_in()
    subscription_page = client.get(f"/subscriptions/{harbour.id}", base_url=BRIGHT).get_data(as_text=True)
    assert f'href="{_users_page(harbour)}">Manage users</a>' in subscription_page
    page = client.get(_users_page(harbour), base_url=BRIGHT)
    assert page.status_code == 200
    assert "2 of 2 seats free" in text_of(page) and "Bright IT" in text_of(page)

    for name in ("alex", "bea"):
        added = shop_post(_users_page(harbour), {"display_name": name.title(),
                                                 "user_principal_name": f"{name}@harbourdental.onmicrosoft.com",
                                                 "licensed": "yes"})
        assert added.status_code == 200 and f"Temporary password for {name.title()}" in text_of(added)
    refused = shop_post(_users_page(harbour), {"display_name": "Cal", "licensed": "yes",
                                               "user_principal_name": "cal@harbourdental.onmicrosoft.com"})
    assert refused.status_code == 409
    shown = text_of(refused)
    assert "All 2 seats of Microsoft 365 Business Basic are in use" in shown and "0 of 2 seats free" in shown
    assert "Buy more seats" in shown

    bought = shop_post(f"/microsoft-365/{harbour.id}/seats", {"seats": "3"})
    assert bought.status_code == 302
    provision_due(db)
    assert harbour.quantity == 5
    assert "3 of 5 seats free" in text_of(client.get(_users_page(harbour), base_url=BRIGHT))


def test_a_customer_disables_takes_back_a_licence_and_deletes_a_user(client, tenants, shop_sign_in, shop_post):
    harbour = tenants["harbour"]
    shop_sign_in()
    page = shop_post(_users_page(harbour), {"display_name": "Alex", "licensed": "yes",
                                            "user_principal_name": "alex@harbourdental.onmicrosoft.com"})
    alex = _user_id(page.get_data(as_text=True), harbour, "Alex")
    for action, said in (("disable", "Alex can no longer sign in."), ("remove-licence", "Alex's seat is free again."),
                         ("delete", "Alex is deleted; their seat is free.")):
        done = shop_post(f"{_users_page(harbour)}/{alex}/{action}")
        assert done.status_code == 302
        assert said in text_of(client.get(done.location, base_url=BRIGHT))
    assert "Nobody is in your tenant yet." in text_of(client.get(_users_page(harbour), base_url=BRIGHT))


def test_a_customer_never_reaches_another_customers_tenant(client, tenants, shop_sign_in, shop_post):
    harbour, maple = tenants["harbour"], tenants["maple"]
    shop_sign_in("owner@maple.example")
    page = shop_post(_users_page(maple), {"display_name": "Mo", "licensed": "yes",
                                          "user_principal_name": "mo@maplebakery.onmicrosoft.com"})
    maple_user = _user_id(page.get_data(as_text=True), maple, "Mo")
    shop_post("/sign-out")

    shop_sign_in("owner@harbour.example")
    assert client.get(_users_page(maple), base_url=BRIGHT).status_code == 404  # by URL
    for path in ("", f"/{maple_user}/disable", f"/{maple_user}/delete", f"/{maple_user}/reset-password"):
        assert shop_post(_users_page(maple) + path, {"display_name": "X", "user_principal_name": "x@x.com"}
                         ).status_code == 404, path
    assert shop_post(f"/microsoft-365/{maple.id}/seats", {"seats": "5"}).status_code == 404
    for action in ("disable", "delete", "reset-password", "remove-licence"):  # by id, under its own subscription
        assert shop_post(f"{_users_page(harbour)}/{maple_user}/{action}").status_code == 404, action
    shop_post("/sign-out")

    shop_sign_in("owner@maple.example")
    still = text_of(client.get(_users_page(maple), base_url=BRIGHT))
    assert "Mo" in still and "Licensed" in still and "Disabled" not in still and "2 of 3 seats free" in still


def test_the_first_purchase_on_the_shop_asks_for_the_tenant_prefix(client, db, shops, m365, shop_sign_in, shop_post,
                                                                    check_out, microsoft):
    shop_sign_in()
    assert shop_post("/cart/add", {"plan_id": m365["business-basic"].id, "quantity": 4}).status_code == 303
    refused = check_out("card", {"lines.0.params.tenant_prefix": "harbour-dental"})
    assert refused.status_code == 422
    assert "Use only letters and digits" in text_of(refused)
    placed = check_out("card", {"lines.0.params.tenant_prefix": "harbourdental"})
    assert placed.status_code == 303
    provision_due(db)
    order = db.scalars(select(Order).where(Order.owner_id == shops["harbour"].id)).one()
    assert order.lines[0].subscription.provisioning_data["tenant_domain"] == "harbourdental.onmicrosoft.com"
    assert "harbourdental.onmicrosoft.com" in microsoft.customers()


def test_the_shop_counts_seats_in_its_customers_language(client, db, tenants, shop_sign_in):
    harbour, french = tenants["harbour"], {"Accept-Language": "fr"}
    shop_sign_in()
    assert "Quantity 2 seats" in text_of(client.get(f"/subscriptions/{harbour.id}", base_url=BRIGHT))
    assert "Quantité 2 sièges" in text_of(client.get(f"/subscriptions/{harbour.id}", base_url=BRIGHT, headers=french))
    product = text_of(client.get("/products/microsoft-365", base_url=BRIGHT, headers=french))
    assert "par siège · par mois" in product and "(siège)" in product
    line = db.scalar(select(OrderLine).where(OrderLine.subscription_id == harbour.id))
    assert "harbourdental 2 sièges 7,50 € par mois" in text_of(client.get(f"/orders/{line.order_id}", base_url=BRIGHT,
                                                                            headers=french))

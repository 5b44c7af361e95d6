"""A reseller manages its customers' Microsoft 365 users from the back office's subscription page."""

import re

import pytest

from plugin_kit.testing import text_of
from plugin_kit.testing.forms import BRIGHT
from tests.bss.backoffice.test_teams import _unlabelled


@pytest.fixture
def harbour_seats(db, demo, buy_seats):
    return buy_seats("harbour", 2, tenant_prefix="harbourdental")


def test_the_reseller_creates_licenses_and_manages_a_customers_users(client, login_as, post, harbour_seats):
    login_as("owner@bright.example")
    subscription_page = client.get(f"/bss/subscriptions/{harbour_seats.id}").get_data(as_text=True)
    users = f"/bss/subscriptions/{harbour_seats.id}/users"
    assert f'href="{users}"' in subscription_page
    page = client.get(users)
    assert page.status_code == 200 and "2 of 2 seats free" in text_of(page)
    assert _unlabelled(page.get_data(as_text=True)) == []

    created = post(users, {"display_name": "Alex Morgan", "user_principal_name": "alex@harbourdental.onmicrosoft.com",
                           "licensed": "yes"})
    assert created.status_code == 200
    shown = text_of(created)
    assert "Temporary password for Alex Morgan" in shown and "1 of 2 seats free" in shown
    password = re.search(r'<code class="secret">([^<]+)</code>', created.get_data(as_text=True)).group(1)
    assert password not in client.get(users).get_data(as_text=True)  # shown once

    user_id = re.search(rf"{users}/([0-9a-f-]+)/disable", created.get_data(as_text=True)).group(1)
    disabled = post(f"{users}/{user_id}/disable", follow_redirects=True)
    assert "Alex Morgan can no longer sign in." in text_of(disabled) and "Disabled" in text_of(disabled)
    renamed = post(f"{users}/{user_id}/rename", {"display_name": "Alexandra Morgan",
                                                 "user_principal_name": "alexandra@harbourdental.onmicrosoft.com"},
                   follow_redirects=True)
    assert "Saved: Alexandra Morgan, alexandra@harbourdental.onmicrosoft.com." in text_of(renamed)
    assert "Temporary password for Alexandra Morgan" in text_of(post(f"{users}/{user_id}/reset-password"))
    deleted = post(f"{users}/{user_id}/delete", follow_redirects=True)
    assert "Alexandra Morgan is deleted" in text_of(deleted) and "No users yet." in text_of(deleted)


def test_no_free_seat_says_so_and_offers_more(client, login_as, post, harbour_seats):
    login_as("owner@bright.example")
    users = f"/bss/subscriptions/{harbour_seats.id}/users"
    for local in ("alex", "bea"):
        post(users, {"display_name": local, "user_principal_name": f"{local}@harbourdental.onmicrosoft.com",
                     "licensed": "yes"})
    refused = post(users, {"display_name": "Cal", "user_principal_name": "cal@harbourdental.onmicrosoft.com",
                           "licensed": "yes"})
    assert refused.status_code == 409
    shown = text_of(refused)
    assert "All 2 seats of Microsoft 365 Business Basic are in use" in shown
    assert "0 of 2 seats free" in shown and "buy more seats" in shown
    assert "Cal" in refused.get_data(as_text=True)  # what was typed stays in the form


def test_a_bad_name_is_shown_on_its_field(client, login_as, post, harbour_seats):
    login_as("owner@bright.example")  # its seller, managing Harbour Dental's users
    refused = post(f"/bss/subscriptions/{harbour_seats.id}/users",
                   {"display_name": "Alex", "user_principal_name": "alex@example.com", "licensed": "yes"})
    assert refused.status_code == 422
    assert "Signs in as: example.com is not a domain of this tenant" in text_of(refused)


def test_another_reseller_finds_no_such_page(client, login_as, post, harbour_seats):
    login_as("owner@corner.example")
    users = f"/bss/subscriptions/{harbour_seats.id}/users"
    assert client.get(users).status_code == 404
    assert post(users, {"display_name": "X", "user_principal_name": "x@harbourdental.onmicrosoft.com"}).status_code == 404


def test_a_subscription_without_users_links_to_none(client, login_as, subscribe):
    subscription = subscribe("harbour")
    login_as("owner@bright.example")
    assert "/users" not in client.get(f"/bss/subscriptions/{subscription.id}").get_data(as_text=True)


def test_the_order_form_asks_for_a_tenant_prefix_only_of_a_customer_without_a_tenant(client, demo, plans, login_as,
                                                                                     harbour_seats):
    login_as("owner@bright.example")
    basic = plans["microsoft-365/business-basic"].id
    for customer, asked in (("harbour", False), ("maple", True)):
        form = client.get(f"/bss/orders/new?plan_id={basic}&account_id={demo[customer].id}").get_data(as_text=True)
        assert ('name="params.tenant_prefix"' in form) is asked, customer


def test_the_shop_s_checkout_asks_no_tenant_prefix_of_a_customer_with_a_tenant(client, shops, plans, shop_sign_in,
                                                                              add_to_cart, harbour_seats):
    shop_sign_in()  # Harbour Dental, whose seats are in harbourdental.onmicrosoft.com
    add_to_cart(plans["microsoft-365/business-standard"], 2)
    page = client.get("/checkout", base_url=BRIGHT).get_data(as_text=True)
    assert "Microsoft 365 Business Standard" in page and 'params.tenant_prefix"' not in page

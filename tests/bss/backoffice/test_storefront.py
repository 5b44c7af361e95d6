"""A reseller's storefront page: whether its shop is live, and its plans side by side."""

from tests.bss.backoffice.conftest import text_of


def test_a_reseller_on_standard_sees_its_live_shop_and_its_plan(client, reseller_plan, login_as):
    reseller_plan("bright", "standard")
    login_as("owner@bright.example")
    page = text_of(client.get("/bss/storefront"))
    assert "Live at http://bright.shop.localhost:5000/" in page
    assert "Your plan: Reseller plan Standard (active)" in page


def test_a_reseller_on_basic_compares_the_plans_and_can_choose_one(client, plans, reseller_plan, login_as):
    reseller_plan("corner", "basic")
    login_as("owner@corner.example")
    response = client.get("/bss/storefront")
    page = text_of(response)
    assert "You have no storefront of your own yet" in page
    assert "Own storefront No Yes Yes" in page and "Custom domain No No Yes" in page
    assert "Price 0.00 EUR monthly 0.00 EUR monthly 49.00 EUR monthly" in page
    body = response.get_data(as_text=True)
    assert f'href="/bss/orders/new?plan_id={plans["reseller-plan/standard"].id}"' in body


def test_a_closed_shop_says_so_and_how_to_open_it_again(client, close_bright, login_as):
    close_bright()
    login_as("owner@bright.example")
    page = text_of(client.get("/bss/storefront"))
    assert "Closed since" in page and "Choose a plan with a storefront below to open it again, as it was." in page


def test_only_resellers_have_the_page(client, demo, login_as):
    login_as("owner@harbour.example")
    assert client.get("/bss/storefront").status_code == 404

"""A reseller's storefront page: whether its shop is live, and its plans side by side."""

from sqlalchemy import select

from core.models.outbox import OutboxEmail
from tests.bss.backoffice.conftest import text_of
from tests.provisioning import provision_due


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


def test_a_distributor_activates_standard_from_the_back_office_and_the_shop_goes_live(
    client, db, demo, plans, login_as, post
):
    assert client.get("/", base_url="http://bright.shop.localhost").status_code == 404
    login_as("admin@northwind.example")
    placed = post("/bss/orders/new", {"account_id": demo["bright"].id, "payer": "owner",
                                      "plan_id": plans["reseller-plan/standard"].id, "quantity": 1,
                                      "payment_method": "on_account"})
    assert placed.status_code == 302, text_of(placed)
    provision_due(db)  # what the worker does: no person has to act
    shop = client.get("/", base_url="http://bright.shop.localhost")
    assert shop.status_code == 200 and "Bright IT" in text_of(shop)
    invitation = db.scalar(select(OutboxEmail).where(OutboxEmail.to_address == "owner@bright.example",
                                                     OutboxEmail.subject.like("Your customer portal is live%")))
    assert "http://127.0.0.1:5000/bss/storefront" in invitation.text_body


def test_a_reseller_buys_free_itself_from_its_storefront_page(client, db, plans, reseller_plan, login_as, post):
    reseller_plan("corner", "basic")
    login_as("owner@corner.example")
    chosen = client.get(f"/bss/orders/new?plan_id={plans['reseller-plan/free'].id}")
    assert "0.00 EUR" in text_of(chosen)
    placed = post("/bss/orders/new", {"plan_id": plans["reseller-plan/free"].id, "quantity": 1,
                                      "payment_method": "on_account"})
    assert placed.status_code == 302, text_of(placed)
    provision_due(db)
    assert client.get("/", base_url="http://corner.shop.localhost").status_code == 200
    assert "Live at http://corner.shop.localhost:5000/" in text_of(client.get("/bss/storefront"))

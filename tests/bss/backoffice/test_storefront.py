"""A reseller's storefront page: whether its shop is live, and its plans side by side."""

from core.services.orders import LineRequest, place_order
from tests.bss.backoffice.conftest import text_of
from tests.provisioning import provision_due


def _activate(db, demo, plans, actor_for, code, slug):
    place_order(db, actor=actor_for("northwind"), owner_id=demo[slug].id, payment_method="on_account",
                lines=[LineRequest(plans[f"reseller-plan/{code}"].id)])
    db.commit()
    provision_due(db)


def test_a_reseller_on_standard_sees_its_live_shop_and_its_plan(client, db, demo, plans, actor_for, login_as):
    _activate(db, demo, plans, actor_for, "standard", "bright")
    login_as("owner@bright.example")
    page = text_of(client.get("/bss/storefront"))
    assert "Live at http://bright.shop.localhost:5000/" in page
    assert "Your plan: Reseller plan Standard (active)" in page


def test_a_reseller_on_basic_compares_the_plans_and_can_choose_one(client, db, demo, plans, actor_for, login_as):
    _activate(db, demo, plans, actor_for, "basic", "corner")
    login_as("owner@corner.example")
    response = client.get("/bss/storefront")
    page = text_of(response)
    assert "You have no storefront of your own yet" in page
    assert "Own storefront No Yes Yes" in page and "Custom domain No No Yes" in page
    assert "Price 0.00 EUR monthly 0.00 EUR monthly 49.00 EUR monthly" in page
    body = response.get_data(as_text=True)
    assert f'href="/bss/orders/new?plan_id={plans["reseller-plan/standard"].id}"' in body


def test_only_resellers_have_the_page(client, demo, login_as):
    login_as("owner@harbour.example")
    assert client.get("/bss/storefront").status_code == 404

"""The cart: kept in the session, priced for whoever looks, quantities checked with the field named."""

from __future__ import annotations

from core.models.prices import PriceListKind
from core.services.price_lists import create_price_list, set_price
from plugin_kit.testing import text_of
from tests.storefront.conftest import BRIGHT, NORTHWIND


def cart_text(client, base=BRIGHT):
    return text_of(client.get("/cart", base_url=base))


def test_a_visitor_fills_a_cart_and_sees_each_line_and_the_total(client, shops, plans, add_to_cart):
    assert "Your cart is empty." in cart_text(client)
    response = add_to_cart(plans["microsoft-365/business-standard"], 3)
    assert response.status_code == 303 and response.location.endswith("/cart")
    add_to_cart(plans["web-hosting/starter"])
    page = cart_text(client)
    assert "Web hosting Starter is in your cart." in page  # the plan's name says its product's already: once
    assert "Microsoft 365 Business Standard €15.10 per seat · a month" in page and "Microsoft 365 Microsoft 365" not in page
    assert "€45.30 a month" in page  # 3 seats
    assert "plus €19.00 setup, once" in page  # Starter's setup fee
    assert "Every month €50.29 Setup fees, once €19.00 Due with the order €69.29" in page
    assert '<span class="cart-count" aria-label="2 in the cart">2</span>' in client.get("/cart", base_url=BRIGHT).get_data(as_text=True)


def test_adding_the_same_plan_again_adds_to_its_line(client, shops, plans, add_to_cart):
    add_to_cart(plans["microsoft-365/business-standard"], 3)
    add_to_cart(plans["microsoft-365/business-standard"], 2)
    page = cart_text(client)
    assert page.count("Microsoft 365 Business Standard €") == 1 and "€75.50 a month" in page


def test_a_plan_needing_its_own_details_gets_a_line_per_item(client, shops, plans, add_to_cart):
    add_to_cart(plans["domain-name/com"])
    add_to_cart(plans["domain-name/com"])
    assert cart_text(client).count("Domain name .com €11.50") == 2  # each its own domain name at checkout


def test_a_quantity_that_is_not_a_whole_number_in_range_is_refused_naming_the_field(client, shops, plans, add_to_cart):
    plan = plans["microsoft-365/business-standard"]
    for quantity in ("0", "-2", "2.5", "many", "", "100001"):
        response = add_to_cart(plan, quantity)
        assert response.status_code == 422, quantity
        page = response.get_data(as_text=True)
        assert f'id="quantity-{plan.id}-error"' in page and f'id="quantity-{plan.id}"' in page
        assert "Quantity: enter a whole number from 1 to 100000." in text_of(response)
    assert "Your cart is empty." in cart_text(client)


def test_changing_a_quantity_reprices_the_line_with_the_volume_price(client, shops, plans, add_to_cart, shop_post):
    add_to_cart(plans["microsoft-365/business-standard"], 3)
    line_id = client.get("/cart", base_url=BRIGHT).get_data(as_text=True).split("/cart/")[1].split("/")[0]
    response = shop_post(f"/cart/{line_id}/quantity", {"quantity": "10"})
    assert response.status_code == 303
    page = cart_text(client)
    # From 10 seats Northwind's wholesale is 3 % lower, so Bright IT's price over it too.
    assert "€14.65 per seat · a month" in page and "€146.50 a month" in page

    refused = shop_post(f"/cart/{line_id}/quantity", {"quantity": "ten"})
    assert refused.status_code == 422
    assert f'aria-describedby="quantity-{line_id}-error"' in refused.get_data(as_text=True)
    assert "Nothing was changed" in text_of(refused) and "€146.50 a month" in cart_text(client)


def test_a_line_is_removed(client, shops, plans, add_to_cart, shop_post):
    add_to_cart(plans["microsoft-365/business-standard"], 3)
    line_id = client.get("/cart", base_url=BRIGHT).get_data(as_text=True).split("/cart/")[1].split("/")[0]
    assert shop_post(f"/cart/{line_id}/remove").status_code == 303
    assert "Your cart is empty." in cart_text(client)
    # Removing it again (from another tab, say) changes nothing and says so.
    shop_post(f"/cart/{line_id}/remove")
    assert "That line is no longer in your cart." in cart_text(client)


def test_a_plan_the_shop_does_not_offer_cannot_be_added(client, shops, plans, add_to_cart):
    assert add_to_cart(plans["reseller-plan/free"]).status_code == 404
    assert add_to_cart(plans["reseller-plan/free"], base=NORTHWIND).status_code == 404  # a visitor: not a reseller


def test_the_cart_is_kept_through_sign_in_and_priced_for_the_customer(client, db, shops, plans, add_to_cart,
                                                                         shop_sign_in):
    add_to_cart(plans["microsoft-365/business-basic"], 2)
    add_to_cart(plans["microsoft-365/business-standard"], 1)
    assert "€15.00 a month" in cart_text(client)
    own = create_price_list(db, seller=shops["bright"], by=None, kind=PriceListKind.RETAIL, name="Harbour",
                            currency="EUR", buyer=shops["harbour"])
    set_price(db, price_list=own, plan=plans["microsoft-365/business-basic"], by=None, unit_price="6.90")
    db.commit()

    shop_sign_in()
    page = cart_text(client)
    assert "€13.80 a month" in page  # Harbour Dental's own price
    # Its list has no price for Business Standard: kept in the cart, but not orderable.
    assert "No longer available" in page and "Remove what is no longer available before you check out." in page
    assert 'href="/checkout"' not in client.get("/cart", base_url=BRIGHT).get_data(as_text=True)


def test_a_product_held_once_keeps_one_plan_in_the_cart(client, shops, plans, add_to_cart, shop_sign_in):
    shop_sign_in("owner@corner.example", base=NORTHWIND)
    add_to_cart(plans["reseller-plan/free"], base=NORTHWIND)
    add_to_cart(plans["reseller-plan/standard"], base=NORTHWIND)
    page = cart_text(client, NORTHWIND)
    assert "Reseller plan Standard" in page and "Reseller plan Free" not in page
    assert add_to_cart(plans["reseller-plan/standard"], 2, base=NORTHWIND).status_code == 422  # one licence
    refused = add_to_cart(plans["reseller-plan/basic"], base=NORTHWIND)
    assert refused.status_code == 422 and "You are on Basic already." in text_of(refused)

"""Customers serving themselves on the storefront: their subscriptions, each action changing what they see."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from core.models.people import Team
from core.models.storefronts import Storefront
from core.models.subscriptions import SubscriptionStatus
from core.services.demo import DEMO_PASSWORD
from core.services.orders import LineRequest, place_order
from core.services.people import add_member, create_user
from plugin_kit.testing import provision_due, text_of
from tests.storefront.conftest import BRIGHT, CORNER, NORTHWIND


@pytest.fixture
def harbour(shops, subscribe, shop_sign_in, frozen_clock):
    """Harbour Dental with three seats of Small (from 2 Mar 2026, monthly), signed in on Bright IT's shop."""
    subscription = subscribe("harbour", "small", quantity=3)
    shop_sign_in()
    return subscription


def page_of(client, subscription, base=BRIGHT):
    return client.get(f"/subscriptions/{subscription.id}", base_url=base)


def act(shop_post, subscription, action, base=BRIGHT, **form):
    return shop_post(f"/subscriptions/{subscription.id}/{action}", form, base=base)


def flashed(client, response, base=BRIGHT):
    """The page a redirect after an action lands on, as the customer reads it (with its flash)."""
    assert response.status_code == 302, response.get_data(as_text=True)
    return text_of(client.get(response.location, base_url=base))


def test_the_list_shows_each_subscription_with_status_renewal_and_price(client, harbour):
    response = client.get("/subscriptions", base_url=BRIGHT)
    assert response.status_code == 200
    text = text_of(response)
    assert "Fake product Small 3 Active Renews on 2 Apr 2026 €43.14 a month" in text  # 3 × 14.38 at Bright IT's price
    assert "Northwind" not in response.get_data(as_text=True)


def test_the_subscription_page_shows_its_dates_price_and_history(client, harbour):
    text = text_of(page_of(client, harbour))
    assert "Price €43.14 a month €14.38 each" in text
    assert "Current period 2 Mar 2026 to 2 Apr 2026" in text
    assert "Ready to use" in text and "Ordered" in text and "Owner at Harbour" in text


def test_changing_the_quantity_shows_the_new_quantity_and_price(client, db, harbour, shop_post):
    text = flashed(client, act(shop_post, harbour, "change", quantity="5"))
    assert "Your change is under way" in text
    provision_due(db)
    text = text_of(page_of(client, harbour))
    assert "Quantity 5" in text and "€71.90 a month" in text
    assert "Changed" in text and "Quantity: 3 → 5" in text


def test_an_upgrade_applies_now_at_the_customers_price(client, db, harbour, shop_post, fake_catalog):
    text = text_of(page_of(client, harbour))
    assert "Large Upgrade €431.25 a year €143.75 each Applies now." in text
    flashed(client, act(shop_post, harbour, "change", plan_id=str(fake_catalog["large"].id)))
    provision_due(db)
    text = text_of(page_of(client, harbour))
    assert "Fake product Large" in text and "Plan: Small → Large" in text


def test_a_downgrade_is_scheduled_for_the_end_of_the_term_and_can_be_dropped(client, db, harbour, shop_post, fake_catalog):
    flashed(client, act(shop_post, harbour, "change", plan_id=str(fake_catalog["large"].id)))
    provision_due(db)
    assert "Small Downgrade €43.14 a month €14.38 each Applies at the end of the term, on 2 Apr 2026." in text_of(
        page_of(client, harbour))

    text = flashed(client, act(shop_post, harbour, "change", plan_id=str(fake_catalog["small"].id)))
    assert "Your change is scheduled for 2 Apr 2026, the end of the term." in text
    assert "Scheduled change Small, quantity 3, from 2 Apr 2026" in text and "Plan Large" in text
    assert "Scheduled: Small, quantity 3, from 2 Apr 2026" in text_of(client.get("/subscriptions", base_url=BRIGHT))

    text = flashed(client, act(shop_post, harbour, "change", plan_id=str(fake_catalog["large"].id), quantity="3"))
    assert "The scheduled change is dropped" in text and "Scheduled change Small" not in text
    assert "takes effect at the end of the term, on 2 Apr 2026" in text and "kept as it is" in text  # the history's why

    client.get("/language/fr", base_url=BRIGHT)
    french = text_of(page_of(client, harbour))
    assert "prend effet à la fin de l'engagement, le 2 avr. 2026" in french and "conservé tel quel" in french


def test_cancelling_at_the_end_of_the_term_then_keeping_it(client, db, harbour, shop_post):
    text = flashed(client, act(shop_post, harbour, "cancel", when="end_of_term", note="moving offices"))
    assert "Your subscription is cancelled for 2 Apr 2026" in text
    assert "Ending" in text and "Renewal Ends on 2 Apr 2026" in text and "Undo the cancellation" in text
    assert "moving offices" in text

    text = flashed(client, act(shop_post, harbour, "undo-cancellation"))
    assert "no longer cancelled" in text
    assert "Active" in text and "Renews on 2 Apr 2026" in text and "Undo the cancellation" not in text
    assert harbour.status is SubscriptionStatus.ACTIVE


def test_cancelling_now_asks_first_then_ends_it_and_leaves_nothing_to_do(client, db, harbour, shop_post):
    asked = act(shop_post, harbour, "cancel", when="now", note="Too dear")
    assert asked.status_code == 200 and harbour.status is SubscriptionStatus.ACTIVE
    assert "Cancel Fake product now? The service stops today. It cannot be undone." in text_of(asked)
    assert 'name="note" value="Too dear"' in asked.get_data(as_text=True) and "Northwind" not in text_of(asked)
    assert "being cancelled" in flashed(client, act(shop_post, harbour, "cancel", when="now", note="Too dear",
                                                   confirmed="1"))
    provision_due(db)
    text = text_of(page_of(client, harbour))
    assert "Cancelled" in text and "Ended on 2 Mar 2026" in text and "Manage" not in text


def test_renewing_a_product_renewed_by_hand(client, db, shops, fake_plugin, subscribe, shop_sign_in, shop_post, frozen_clock):
    fake_plugin.product_types[0].manual_renewal = True
    subscription = subscribe("harbour")
    shop_sign_in()
    text = text_of(page_of(client, subscription))
    assert "Renew by 2 Apr 2026" in text and "Another period, from 2 Apr 2026. It costs €14.38." in text
    assert "Your renewal is under way" in flashed(client, act(shop_post, subscription, "renew"))
    provision_due(db)
    text = text_of(page_of(client, subscription))
    assert "Renew by 2 May 2026" in text and "Renewed" in text and "Period ends: 2 Apr 2026 → 2 May 2026" in text


def test_renewing_what_the_shop_pays_for_waits_for_the_shop_to_approve(client, db, shops, fake_plugin, subscribe,
                                                                        shop_sign_in, shop_post, frozen_clock):
    fake_plugin.product_types[0].manual_renewal = True
    subscription = subscribe("harbour", buyer="bright", payer="buyer")
    shop_sign_in()
    assert "You asked Bright IT to renew it: it renews as soon as they approve" in flashed(
        client, act(shop_post, subscription, "renew"))
    assert provision_due(db) == 0


def test_a_product_that_renews_by_itself_offers_no_renewal(client, harbour):
    assert "Renew for another period" not in page_of(client, harbour).get_data(as_text=True)


def test_a_bad_quantity_is_named_and_changes_nothing(client, db, harbour, shop_post):
    for quantity in ("0", "two", "100001"):
        response = act(shop_post, harbour, "change", quantity=quantity)
        assert response.status_code == 422
        page = response.get_data(as_text=True)
        assert 'id="f-quantity-error"' in page and 'aria-invalid="true"' in page
    assert harbour.quantity == 3 and "Quantity 3" in text_of(page_of(client, harbour))


def test_a_member_without_manage_subscriptions_sees_no_actions_and_is_refused(client, db, harbour, shop_post,
                                                                              shop_sign_in, demo):
    team = Team(account=demo["harbour"], name="Front desk", permissions=["purchase"])
    db.add(team)
    add_member(db, team, create_user(db, email="desk@harbour.example", name="Desk", password=DEMO_PASSWORD))
    db.commit()
    shop_post("/sign-out")
    shop_sign_in("desk@harbour.example")
    page = page_of(client, harbour)
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "Manage" not in text_of(page) and "<form" not in html.split("</header>", 1)[1]
    assert "€43.14" in html  # the account pays: its people see the price

    response = act(shop_post, harbour, "change", quantity="9")
    assert response.status_code == 403 and "may not do that" in text_of(response)
    assert harbour.quantity == 3


def test_seller_actions_are_neither_offered_nor_accepted(client, db, harbour, shop_post):
    page = page_of(client, harbour).get_data(as_text=True)
    assert "/suspend" not in page and "/terminate" not in page
    for action in ("suspend", "terminate", "retry", "resume"):
        assert act(shop_post, harbour, action).status_code == 404
    assert harbour.status is SubscriptionStatus.ACTIVE


def test_another_customers_subscription_answers_404(client, db, harbour, subscribe, shop_post):
    maples = subscribe("maple")
    assert page_of(client, maples).status_code == 404
    assert act(shop_post, maples, "cancel", when="now").status_code == 404
    assert maples.status is SubscriptionStatus.ACTIVE
    assert client.get("/subscriptions/999999", base_url=BRIGHT).status_code == 404


def test_a_resellers_customers_subscriptions_are_not_its_own_on_the_distributors_shop(client, harbour, shop_sign_in):
    shop_sign_in("owner@bright.example", base=NORTHWIND)
    assert page_of(client, harbour, base=NORTHWIND).status_code == 404
    assert "Fake product" not in text_of(client.get("/subscriptions", base_url=NORTHWIND))


def test_a_subscription_the_reseller_pays_for_shows_no_price_and_no_distributor(client, db, shops, fake_catalog, actor_for,
                                                                               shop_sign_in, frozen_clock):
    order = place_order(db, actor=actor_for("bright"), owner_id=shops["harbour"].id, payer="buyer",
                        payment_method="on_account", lines=[LineRequest(fake_catalog["small"].id, 2)])
    db.commit()
    provision_due(db)
    subscription = order.lines[0].subscription
    shop_sign_in()
    for response in (client.get("/subscriptions", base_url=BRIGHT), page_of(client, subscription)):
        html = response.get_data(as_text=True)
        assert response.status_code == 200 and "€" not in html and "Northwind" not in html
    assert "Large Upgrade Applies now." in text_of(page_of(client, subscription))


def test_the_pages_ask_a_visitor_to_sign_in(client, shops):
    for path in ("/subscriptions", "/subscriptions/1"):
        response = client.get(path, base_url=BRIGHT)
        assert response.status_code == 302 and response.location.startswith("/sign-in?next=")


def test_the_pages_wear_the_shops_chosen_theme(client, db, harbour, shops):
    storefront = db.scalar(select(Storefront).where(Storefront.account_id == shops["bright"].id))
    storefront.theme = "harbour"  # Bright IT's Standard plan lets it choose
    db.commit()
    for path in ("/subscriptions", f"/subscriptions/{harbour.id}"):
        page = client.get(path, base_url=BRIGHT).get_data(as_text=True)
        assert "border-bottom: 8px" in page and "Fake product" in page  # harbour's masthead around the default's page


# The reseller's own plan, managed on its distributor's storefront (where resellers are customers).

def test_a_reseller_sees_its_plan_among_its_subscriptions_on_its_distributors_shop(client, shops, shop_sign_in):
    shop_sign_in("owner@bright.example", base=NORTHWIND)
    text = text_of(client.get("/subscriptions", base_url=NORTHWIND))
    assert "Reseller plan Standard 1 Active" in text and "€49.00 a month" in text


def test_a_reseller_downgrades_its_plan_at_the_end_of_the_term_and_keeps_it(client, db, shops, plans, reseller_plan,
                                                                             shop_sign_in, shop_post):
    standard = reseller_plan("bright", "standard")
    shop_sign_in("owner@bright.example", base=NORTHWIND)
    text = text_of(page_of(client, standard, base=NORTHWIND))
    assert "Free Downgrade €0.00 a month Applies at the end of the term" in text

    text = flashed(client, act(shop_post, standard, "change", base=NORTHWIND, plan_id=str(plans["reseller-plan/free"].id)),
                   base=NORTHWIND)
    assert "Your change is scheduled for" in text and "Scheduled change Free, quantity 1" in text
    text = flashed(client, act(shop_post, standard, "change", base=NORTHWIND, plan_id=str(standard.plan_id), quantity="1"),
                   base=NORTHWIND)
    assert "The scheduled change is dropped" in text and standard.scheduled_plan_id is None


def test_a_reseller_cancels_its_plan_back_to_basic_then_undoes_it(client, db, shops, reseller_plan, shop_sign_in, shop_post):
    standard = reseller_plan("bright", "standard")
    shop_sign_in("owner@bright.example", base=NORTHWIND)
    assert "Cancelling takes you back to Basic." in text_of(page_of(client, standard, base=NORTHWIND))
    text = flashed(client, act(shop_post, standard, "cancel", base=NORTHWIND, when="end_of_term"), base=NORTHWIND)
    assert "Your cancellation is scheduled for" in text and "you then go back to Basic" in text
    assert "Keep your plan" in text
    text = flashed(client, act(shop_post, standard, "change", base=NORTHWIND, plan_id=str(standard.plan_id), quantity="1"),
                   base=NORTHWIND)
    assert "Scheduled change Basic" not in text and "Keep your plan" not in text and "Reseller plan Standard" in text
    assert client.get("/", base_url=BRIGHT).status_code == 200  # its own shop stays open


def test_a_reseller_cancelling_its_plan_now_closes_its_shop(client, db, shops, reseller_plan, shop_sign_in, shop_post):
    standard = reseller_plan("bright", "standard")
    shop_sign_in("owner@bright.example", base=NORTHWIND)
    flashed(client, act(shop_post, standard, "cancel", base=NORTHWIND, when="now", confirmed="1"), base=NORTHWIND)
    provision_due(db)
    assert "Reseller plan Basic" in text_of(page_of(client, standard, base=NORTHWIND))
    assert client.get("/", base_url=BRIGHT).status_code == 404  # its storefront is closed


def test_a_reseller_on_basic_upgrades_on_its_distributors_shop_and_its_own_shop_opens(client, db, shops, plans,
                                                                                     reseller_plan, shop_sign_in, shop_post):
    basic = reseller_plan("corner", "basic")
    assert client.get("/", base_url=CORNER).status_code == 404
    shop_sign_in("owner@corner.example", base=NORTHWIND)
    assert "Free Upgrade €0.00 a month Applies now." in text_of(page_of(client, basic, base=NORTHWIND))
    text = flashed(client, act(shop_post, basic, "change", base=NORTHWIND, plan_id=str(plans["reseller-plan/free"].id)),
                   base=NORTHWIND)
    assert "Your change is under way" in text
    provision_due(db)
    assert "Reseller plan Free" in text_of(page_of(client, basic, base=NORTHWIND))
    assert client.get("/", base_url=CORNER).status_code == 200

"""Subscriptions in the back office: what they are, what happened to them, and every action on them."""

import re
from dataclasses import replace
from datetime import timedelta

import marshmallow
import pytest
from sqlalchemy import func, select

from core.models.catalog import BillingPeriod
from core.models.provisioning import ProvisioningRequest
from core.models.subscriptions import Subscription, SubscriptionEvent, SubscriptionStatus
from core.services.orders import LineRequest, place_order
from plugin_kit.testing import main_of, text_of
from plugin_kit.testing.forms import BRIGHT
from tests.bss.backoffice.conftest import sign_out
from tests.bss.backoffice.test_teams import _unlabelled
from tests.fakes import FakeProduct

FORMS = {
    "change": "Change the subscription",
    "cancel": "Cancel the subscription",
    "undo-cancellation": "Undo the cancellation",
    "renew": "Renew for another period",
    "end-trial": "End the trial now",
    "suspend": "Suspend the subscription",
    "resume": "Resume the subscription",
    "terminate": "Terminate the subscription",
    "retry": "Try the ",
}


def _offered(page):
    """The actions whose forms a subscription page offers."""
    return {action for action, button in FORMS.items() if button in page}


def _history_size(db, subscription):
    db.expire_all()
    return (db.scalar(select(func.count()).select_from(SubscriptionEvent)
                      .where(SubscriptionEvent.subscription_id == subscription.id)),
            db.scalar(select(func.count()).select_from(ProvisioningRequest)
                      .where(ProvisioningRequest.subscription_id == subscription.id)))


def test_the_seller_suspends_resumes_changes_cancels_and_terminates(client, db, frozen_clock, login_as, post,
                                                                    subscribe, provision_all):
    subscription = subscribe()
    url = f"/bss/subscriptions/{subscription.id}"
    login_as("owner@bright.example")
    page = client.get(url).get_data(as_text=True)
    assert _offered(page) == {"change", "cancel", "suspend", "terminate"}
    assert _unlabelled(page) == []

    suspended = post(f"{url}/suspend", {"note": "Unpaid invoice"})
    assert suspended.status_code == 302 and suspended.headers["Location"] == url
    page = text_of(client.get(url))
    assert "Suspending: the vendor confirms in a moment." in page
    assert "A suspend is under way" in page and _offered(page) == set()
    assert subscription.status is SubscriptionStatus.ACTIVE  # not before the vendor confirms
    provision_all()
    page = text_of(client.get(url))
    assert "Suspended by the seller" in page
    assert "Owner at Bright Suspended active → suspended Unpaid invoice" in page
    assert _offered(page) == {"resume", "cancel", "terminate"}

    post(f"{url}/resume", {"note": "Paid"})
    assert "Resuming: the vendor confirms in a moment." in text_of(client.get(url))
    provision_all()
    assert subscription.status is SubscriptionStatus.ACTIVE

    post(f"{url}/change", {"plan_id": subscription.plan_id, "quantity": 3})
    assert "Changing it: the vendor confirms in a moment." in text_of(client.get(url))
    provision_all()
    page = text_of(client.get(url))
    assert subscription.quantity == 3 and "Quantity 3" in page
    assert "Changed active Quantity: 1 → 3" in page

    post(f"{url}/cancel", {"when": "end_of_term", "note": "Moving away"})
    page = text_of(client.get(url))
    assert "It will be cancelled at the end of the term, on 2 Apr 2026. Until then, you can undo" in page
    assert "Pending cancellation" in page
    assert _offered(page) == {"undo-cancellation", "cancel", "suspend", "terminate"}

    post(f"{url}/undo-cancellation")
    page = text_of(client.get(url))
    assert "The cancellation is undone: it keeps running." in page and subscription.status is SubscriptionStatus.ACTIVE

    asked = post(f"{url}/terminate", {"note": "Fraud"})  # a destructive action asks first, changing nothing
    assert asked.status_code == 200 and "Terminate Fake product Small for Harbour Dental?" in text_of(asked)
    assert "It cannot be undone." in text_of(asked) and 'name="note" value="Fraud"' in asked.get_data(as_text=True)
    assert subscription.status is SubscriptionStatus.ACTIVE and "Terminating" not in text_of(client.get(url))
    post(f"{url}/terminate", {"note": "Fraud", "confirmed": "1"})
    assert "Terminating: the vendor confirms in a moment." in text_of(client.get(url))
    provision_all()
    page = text_of(client.get(url))
    assert "Terminated" in page and "Terminated active → terminated Fraud" in page
    assert _offered(page) == set() and "What you can do" not in page


def test_a_trial_ends_early_and_a_downgrade_waits_for_the_end_of_the_term(client, db, frozen_clock, fake_catalog,
                                                                        login_as, post, subscribe,
                                                                        provision_all):
    subscription = subscribe(plan="large")
    url = f"/bss/subscriptions/{subscription.id}"
    login_as("owner@bright.example")
    page = text_of(client.get(url))
    assert "Trial" in page and "Trial ends 1 Apr 2026" in page
    assert _offered(page) == {"change", "cancel", "end-trial", "suspend", "terminate"}

    post(f"{url}/change", {"plan_id": fake_catalog["small"].id, "quantity": 1})
    page = text_of(client.get(url))
    assert "The change is scheduled for the end of the term, on 1 Apr 2026." in page
    assert "Scheduled change to Small, 1 × widget, on 1 Apr 2026" in page

    post(f"{url}/end-trial")
    assert "Ending the trial: the vendor confirms in a moment." in text_of(client.get(url))
    provision_all()
    page = text_of(client.get(url))
    assert subscription.status is SubscriptionStatus.ACTIVE
    assert "Trial ended trial → active Current period end: 1 Apr 2026 → 2 Mar 2027" in page


@pytest.mark.parametrize(("quantity", "field", "message"), [
    ("lots", "quantity", "Quantity: Write a whole number from 1 to 100,000."),
    ("0", "quantity", "Quantity: Choose between 1 and 100000 units."),
    ("1", "plan_id", "Plan: That is what the subscription has already."),
])
def test_a_wrong_change_names_the_field_and_changes_nothing(client, db, frozen_clock, login_as, post, subscribe,
                                                           quantity, field, message):
    subscription = subscribe()
    login_as("owner@bright.example")
    before = _history_size(db, subscription)
    refused = post(f"/bss/subscriptions/{subscription.id}/change",
                   {"plan_id": subscription.plan_id, "quantity": quantity})
    assert refused.status_code == 422
    assert f"Nothing was changed: {message}" in text_of(refused)
    page = refused.get_data(as_text=True)
    assert re.search(rf'id="{field}" name="{field}"[^>]* aria-invalid="true"', page)
    assert f'name="quantity" type="number" min="1" size="6" value="{quantity}"' in page  # as typed
    assert _history_size(db, subscription) == before and subscription.quantity == 1


def test_a_customer_never_sees_what_its_reseller_pays(client, db, frozen_clock, fake_catalog, login_as, post,
                                                      subscribe, provision_all, shops, shop_sign_in):
    # Bright IT buys for Harbour Dental and pays its wholesale price, 11.50; then upgrades it (115.00).
    subscription = subscribe(buyer="bright", payer="buyer")
    url = f"/bss/subscriptions/{subscription.id}"
    login_as("owner@bright.example")
    post(f"{url}/change", {"plan_id": fake_catalog["large"].id, "quantity": 1})
    provision_all()
    bright_view = text_of(client.get(url))
    assert "Unit price: €11.50 → €115.00" in bright_view and "€115.00 per widget" in bright_view
    assert "€115.00" in text_of(client.get("/bss/subscriptions"))
    sign_out(client)

    shop_sign_in()  # Harbour Dental serves itself on Bright IT's shop
    assert "Fake product Large" in text_of(client.get(f"/subscriptions/{subscription.id}", base_url=BRIGHT))
    for shown in (f"/subscriptions/{subscription.id}", "/subscriptions", "/orders"):
        response = client.get(shown, base_url=BRIGHT)
        page = text_of(response)
        assert response.status_code == 200
        assert "€" not in page and "11.50" not in page and "115" not in page and "Unit price" not in page


def test_the_list_filters_by_account_product_and_status(client, demo, fake_catalog, frozen_clock, login_as,
                                                        subscribe):
    harbours, maples = subscribe("harbour"), subscribe("maple")
    login_as("owner@bright.example")
    everything = client.get("/bss/subscriptions")
    assert _unlabelled(everything.get_data(as_text=True)) == []
    listed = text_of(everything)
    row = f"Subscription {harbours.id} Harbour Dental Fake product Small 1 × widget Active renews 2 Apr 2026 €14.38 a month"
    assert row in listed
    assert f"Subscription {maples.id} Maple Bakery" in listed

    only_maple = text_of(client.get(f"/bss/subscriptions?account={demo['maple'].id}"))
    assert f"Subscription {maples.id}" in only_maple and f"Subscription {harbours.id}" not in only_maple
    product = fake_catalog["small"].product_id
    assert f"Subscription {harbours.id}" in text_of(client.get(f"/bss/subscriptions?product={product}&status=active"))
    assert "No subscriptions match." in text_of(client.get("/bss/subscriptions?status=cancelled"))
    assert client.get("/bss/subscriptions?status=sleeping").status_code == 422


def test_the_plan_change_form_ranks_plans_billed_for_other_periods(client, fake_catalog, frozen_clock, login_as,
                                                                   subscribe):
    # Small is billed monthly, Large yearly: their prices are not compared, the product's ranks are (Large above).
    small, large = subscribe(), subscribe(plan="large")
    login_as("owner@bright.example")
    page = client.get(f"/bss/subscriptions/{small.id}")
    assert "Plan Small (now) Large · Upgrade Quantity (widget)" in text_of(page)
    assert f'<option value="{small.plan_id}" selected>Small (now)</option>' in page.get_data(as_text=True)
    assert "Plan Large (now) Small · Downgrade" in text_of(client.get(f"/bss/subscriptions/{large.id}"))


def test_the_plan_change_form_compares_plans_of_one_period_by_price(client, db, fake_catalog, frozen_clock,
                                                                    login_as, subscribe):
    large = fake_catalog["large"]
    large.billing_period, large.rank = BillingPeriod.MONTHLY, 5  # ranked below Small, yet dearer
    db.commit()
    small = subscribe()
    login_as("owner@bright.example")
    assert "Plan Small (now) Large · Upgrade" in text_of(client.get(f"/bss/subscriptions/{small.id}"))


def test_an_ended_subscription_offers_no_change(client, frozen_clock, login_as, post, subscribe, provision_all):
    subscription = subscribe(quantity=2)
    url = f"/bss/subscriptions/{subscription.id}"
    login_as("owner@bright.example")
    assert 'name="quantity"' in client.get(url).get_data(as_text=True)
    post(f"{url}/cancel", {"when": "now", "confirmed": "1"})
    provision_all()
    page = client.get(url)
    assert "Cancelled" in text_of(page) and "Quantity 2 × widget" in text_of(page)
    assert 'name="quantity"' not in page.get_data(as_text=True) and "Change plan or quantity" not in text_of(page)


class NameParams(marshmallow.Schema):
    domain_name = marshmallow.fields.String(required=True)


class OneNamePerSubscription(FakeProduct):
    """A fake product whose subscription is one name, as a domain is: its quantity never changes."""

    fixed_quantity = True
    plans = tuple(replace(plan, params=NameParams) for plan in FakeProduct.plans)

    def label(self, params):
        return params.get("domain_name", "")


def test_a_one_of_a_kind_subscription_is_named_by_its_label_and_keeps_its_quantity(client, fake_plugin, frozen_clock,
                                                                                   login_as, post, subscribe):
    fake_plugin.product_types = [OneNamePerSubscription(fake_plugin.vendor)]
    subscription = subscribe(params={"domain_name": "harbour-dental.example"})
    url = f"/bss/subscriptions/{subscription.id}"
    login_as("owner@bright.example")
    page = client.get(url)
    assert "Fake product harbour-dental.example for Harbour Dental" in text_of(page)
    assert "Fake product Small" not in text_of(page)
    html = page.get_data(as_text=True)
    assert "Change the plan" in text_of(page) and "Change plan or quantity" not in text_of(page)
    assert '<input type="hidden" name="quantity" value="1">' in html and 'id="quantity"' not in html
    refused = post(f"{url}/change", {"plan_id": subscription.plan_id, "quantity": 2})  # as a hand-made form would
    assert refused.status_code == 422 and "is one widget: its quantity does not change." in text_of(refused)
    asked = post(f"{url}/terminate")
    assert "Terminate Fake product harbour-dental.example for Harbour Dental?" in text_of(asked)


def test_the_subscription_page_speaks_french(client, frozen_clock, login_as, subscribe):
    subscription = subscribe(quantity=3)
    login_as("owner@bright.example")
    page = text_of(client.get(f"/bss/subscriptions/{subscription.id}", headers={"Accept-Language": "fr"}))
    assert f"Abonnement {subscription.id}" in page and "Quantité 3 × widget" in page
    assert "14,38 € par widget · 43,14 € par mois, payé par Harbour Dental" in page
    assert "Ce que vous pouvez faire" in page and "Modifier l'offre ou la quantité" in page


def _ids_listed(client, subscriptions, **query) -> list[int]:
    """The ids of ``subscriptions`` the list shows, in its order."""
    response = client.get("/bss/subscriptions", query_string=query)
    assert response.status_code == 200
    listed = main_of(response)
    return sorted((shown.id for shown in subscriptions if f"Subscription {shown.id} " in listed),
                  key=lambda shown: listed.index(f"Subscription {shown} "))


def test_the_list_sorts_both_ways_and_keeps_its_filters_in_its_links(client, db, demo, fake_catalog, frozen_clock,
                                                                     login_as, subscribe):
    harbours, maples = subscribe("harbour", quantity=3), subscribe("maple", plan="large")
    both = (harbours, maples)
    login_as("owner@bright.example")
    assert _ids_listed(client, both) == [harbours.id, maples.id]  # by account, A to Z
    assert _ids_listed(client, both, sort="account", dir="desc") == [maples.id, harbours.id]
    assert _ids_listed(client, both, sort="quantity") == [maples.id, harbours.id]
    assert _ids_listed(client, both, sort="quantity", dir="desc") == [harbours.id, maples.id]
    assert _ids_listed(client, both, sort="what") == [maples.id, harbours.id]  # Fake product Large, then Small
    assert _ids_listed(client, both, sort="price") == [harbours.id, maples.id]  # not by what some rows hide
    maples.cancel_at = frozen_clock.now() + timedelta(days=3)  # both renew the same day; Maple's now ends before
    db.commit()
    assert _ids_listed(client, both, sort="next") == [maples.id, harbours.id]
    assert _ids_listed(client, both, sort="next", dir="desc") == [harbours.id, maples.id]
    html = client.get("/bss/subscriptions?status=active").get_data(as_text=True)
    assert 'aria-sort="ascending"' in html and 'href="/bss/subscriptions?status=active&amp;sort=account&amp;dir=desc"' in html
    assert 'href="/bss/subscriptions?status=active&amp;sort=quantity&amp;dir=asc"' in html


def test_the_search_finds_what_people_call_a_subscription_and_never_another_tenants(client, demo, fake_catalog,
                                                                                   frozen_clock, login_as, subscribe):
    harbours, maples = subscribe("harbour"), subscribe("maple", plan="large")
    solos = subscribe("solo")  # Northwind's own customer: none of Bright IT's business
    every = (harbours, maples, solos)
    login_as("owner@bright.example")
    assert _ids_listed(client, every, q="bakery") == [maples.id]
    assert _ids_listed(client, every, q="harbour-dental.example") == [harbours.id]
    assert _ids_listed(client, every, q="large") == [maples.id]
    assert _ids_listed(client, every, q="fake product") == [harbours.id, maples.id]
    assert _ids_listed(client, every, q=f"#{harbours.id}") == [harbours.id]
    assert _ids_listed(client, every, q="bakery", status="cancelled") == []
    assert "No subscriptions match." in main_of(client.get("/bss/subscriptions?q=solo"))
    assert _ids_listed(client, every, q=f"#{solos.id}") == []
    product = fake_catalog["small"].product_id
    html = client.get(f"/bss/subscriptions?q=fake&product={product}").get_data(as_text=True)
    assert f'href="/bss/subscriptions?product={product}&amp;sort=account&amp;dir=desc&amp;q=fake"' in html

    sign_out(client)
    login_as("admin@northwind.example")
    assert _ids_listed(client, every, q="solo") == [solos.id]


def test_the_list_pages_say_where_they_are_and_go_back_and_forth(client, db, demo, fake_catalog, frozen_clock, login_as,
                                                                 actor_for, provision_all):
    small = fake_catalog["small"]
    for lines in (30, 25):
        place_order(db, actor=actor_for("harbour"), payment_method="card", lines=[LineRequest(small.id)] * lines)
        db.commit()
    provision_all()
    ids = sorted(db.scalars(select(Subscription.id).where(Subscription.product_id == small.product_id)))
    assert len(ids) == 55
    login_as("owner@bright.example")
    query = f"product={small.product_id}&sort=subscription"
    first = client.get(f"/bss/subscriptions?{query}")
    assert "1–50 of 55" in main_of(first) and 'rel="prev"' not in first.get_data(as_text=True)
    assert f'rel="next" href="/bss/subscriptions?product={small.product_id}&amp;sort=subscription&amp;dir=asc&amp;page=2"' \
        in first.get_data(as_text=True)
    second = client.get(f"/bss/subscriptions?{query}&page=2")
    assert "51–55 of 55" in main_of(second)
    assert f"Subscription {ids[-1]} " in main_of(second) and f"Subscription {ids[0]} " not in main_of(second)
    assert (f'rel="prev" href="/bss/subscriptions?product={small.product_id}&amp;sort=subscription&amp;dir=asc"'
            in second.get_data(as_text=True))
    assert "51–55 of 55" in main_of(client.get(f"/bss/subscriptions?{query}&page=9"))  # past the last: the last

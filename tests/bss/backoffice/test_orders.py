"""Placing orders in the back office, following them, and confirming the payments a seller waits for."""

import re
from decimal import Decimal

import marshmallow
import pytest
from sqlalchemy import func, select

from core.models.orders import Order, OrderStatus, Payment
from core.models.provisioning import ProvisioningRequest
from core.models.subscriptions import Subscription, SubscriptionStatus
from core.products import Unit
from core.services.orders import LineRequest, place_order
from plugin_kit.testing import main_of, text_of
from tests.bss.backoffice.conftest import PASSWORD, sign_out
from tests.bss.backoffice.test_teams import _unlabelled
from tests.fakes import FakeProduct

#: What placing an order or paying for it creates.
CREATED = {"orders": Order, "payments": Payment, "subscriptions": Subscription, "requests": ProvisioningRequest}
NOTHING = dict.fromkeys(CREATED, 0)


def _counts(db):
    db.expire_all()
    return {name: db.scalar(select(func.count()).select_from(model)) for name, model in CREATED.items()}


def test_a_reseller_orders_for_its_customer_and_the_subscription_runs(client, db, demo, fake_catalog, frozen_clock,
                                                                     login_as, post, provision_all):
    login_as("owner@bright.example")
    harbour, small = demo["harbour"], fake_catalog["small"]
    first_step = client.get("/bss/orders/new")
    assert first_step.status_code == 200 and _unlabelled(first_step.get_data(as_text=True)) == []
    assert "Harbour Dental" in text_of(first_step)
    assert '<optgroup label="Fake product">' in first_step.get_data(as_text=True)
    assert "Small (monthly)" in text_of(first_step)

    second_step = client.get(f"/bss/orders/new?account_id={harbour.id}&payer=owner&plan_id={small.id}&quantity=2")
    page = text_of(second_step)
    # Bright IT sells at 25 % over its cost of 11.50: 14.38 a unit, for Harbour Dental who pays.
    assert "Price for Harbour Dental €14.38 per widget, a month" in page
    assert "2 × widget €28.76 a month" in page and "Due with the order €28.76" in page
    assert _unlabelled(second_step.get_data(as_text=True)) == []

    placed = post("/bss/orders/new", {"account_id": harbour.id, "payer": "owner", "plan_id": small.id, "quantity": 2,
                                      "payment_method": "card"})
    order = db.scalar(select(Order))
    assert placed.status_code == 302 and placed.headers["Location"] == f"/bss/orders/{order.id}"
    shown = text_of(client.get(placed.headers["Location"]))
    assert f"Order {order.id} is placed: its subscription is being set up." in shown
    assert "In progress" in shown and "For Harbour Dental" in shown
    assert "Paid by Harbour Dental, to Bright IT, by card" in shown

    assert provision_all() == 1
    shown = text_of(client.get(f"/bss/orders/{order.id}"))
    subscription = db.scalar(select(Subscription))
    assert f"Order {order.id} Completed" in shown
    assert f"Fake product Small 2 × widget €14.38 none €28.76 a month Subscription {subscription.id} Active" in shown

    subscription_page = text_of(client.get(f"/bss/subscriptions/{subscription.id}"))
    assert "Fake product Small for Harbour Dental Active" in subscription_page
    assert "Current period 2 Mar 2026 to 2 Apr 2026" in subscription_page
    assert "Owner at Bright Activated pending → active" in subscription_page
    assert f"Owner at Bright Created pending order {order.id}" in subscription_page
    assert "€14.38 per widget · €28.76 a month, paid by Harbour Dental" in subscription_page

    listed = text_of(client.get("/bss/orders"))
    assert f"Order {order.id} 2 Mar 2026 Harbour Dental 2 × Fake product Small Completed €28.76 a month" in listed


@pytest.fixture
def bright_confirms_bank_transfers(client, db, demo, login_as, post):
    """Bright IT ticks bank transfers on its payment settings page, then signs out."""
    login_as("owner@bright.example")
    settings = client.get("/bss/payments/settings")
    assert settings.status_code == 200 and _unlabelled(settings.get_data(as_text=True)) == []
    saved = post("/bss/payments/settings", {"payment_confirmation_methods": ["bank_transfer"]})
    assert saved.status_code == 302
    page = text_of(client.get("/bss/payments/settings"))
    assert "Orders paid by bank transfer now wait for you to confirm the payment." in page
    db.expire_all()
    assert demo["bright"].payment_confirmation_methods == ["bank_transfer"]
    sign_out(client)


def test_an_order_paid_by_bank_transfer_waits_for_its_seller(client, db, demo, fake_catalog, login_as, post,
                                                            provision_all, bright_confirms_bank_transfers, actor_for):
    # Harbour Dental orders on its shop (or through the API) and pays by bank transfer.
    order = place_order(db, actor=actor_for("harbour"), owner_id=demo["harbour"].id, payment_method="bank_transfer",
                        lines=[LineRequest(fake_catalog["small"].id)])
    db.commit()
    assert provision_all() == 0 and _counts(db)["subscriptions"] == 0

    login_as("owner@bright.example")
    home = text_of(client.get("/bss/"))
    assert f"Payments to confirm 1 Order {order.id} from Harbour Dental : €14.38 by bank transfer" in home
    assert f"Confirm the payment of order {order.id}" in home
    waiting = text_of(client.get("/bss/orders?status=awaiting_payment"))
    assert f"Order {order.id}" in waiting
    assert f"Order {order.id}" not in text_of(client.get("/bss/orders?status=completed"))

    order_page = client.get(f"/bss/orders/{order.id}").get_data(as_text=True)
    assert 'name="amount" required inputmode="decimal" size="10" value="14.38"' in order_page
    assert _unlabelled(order_page) == []

    short = post(f"/bss/orders/{order.id}/confirm-payment",
                 {"method": "bank_transfer", "reference": "TR-1", "amount": "10"})
    assert short.status_code == 422
    assert "Amount: The order needs €14.38; €10.00 does not cover it." in text_of(short)
    assert _counts(db)["payments"] == 0 and db.get(Order, order.id).status is OrderStatus.AWAITING_PAYMENT

    confirmed = post(f"/bss/orders/{order.id}/confirm-payment",
                     {"method": "bank_transfer", "reference": "TR-2026-031", "amount": "14.38"})
    assert confirmed.status_code == 302
    page = text_of(client.get(confirmed.headers["Location"]))
    assert f"The payment of order {order.id} is recorded: its subscriptions are being set up." in page
    assert "Bank transfer TR-2026-031 €14.38 Owner at Bright" in page
    assert provision_all() == 1
    assert db.scalar(select(Subscription)).status is SubscriptionStatus.ACTIVE
    assert "Nothing needs you today." in text_of(client.get("/bss/"))


def test_a_waiting_order_can_be_cancelled_by_its_buyer(client, db, demo, fake_catalog, login_as, post,
                                                      bright_confirms_bank_transfers):
    login_as("owner@bright.example")  # ordering for Harbour Dental, which pays Bright IT by bank transfer
    post("/bss/orders/new", {"account_id": demo["harbour"].id, "plan_id": fake_catalog["small"].id, "quantity": 1,
                             "payer": "owner", "payment_method": "bank_transfer"})
    order = db.scalar(select(Order))
    assert "Cancel order" in text_of(client.get(f"/bss/orders/{order.id}"))
    cancelled = post(f"/bss/orders/{order.id}/cancel", {"reason": "ordered twice"})
    page = text_of(client.get(cancelled.headers["Location"]))
    assert f"Order {order.id} is cancelled: nothing of it will be set up." in page and "Cancelled" in page
    assert "Cancel order" not in page
    assert post(f"/bss/orders/{order.id}/cancel").status_code == 409


def test_a_wrong_order_names_the_field_and_changes_nothing(client, db, demo, fake_catalog, login_as, post, buyer):
    login_as(buyer, PASSWORD)
    bright, small = demo["bright"], fake_catalog["small"]
    before = _counts(db)

    no_units = post("/bss/orders/new",
                    {"account_id": bright.id, "plan_id": small.id, "quantity": 0, "payment_method": "card"})
    assert no_units.status_code == 422
    assert "Nothing was ordered: Quantity: Order between 1 and 100000 units." in text_of(no_units)
    assert 'name="quantity" type="number" min="1" required size="6" value="0" aria-invalid="true"' in no_units.text

    not_allowed = post("/bss/orders/new", {"account_id": bright.id, "plan_id": small.id, "quantity": 1,
                                           "payment_method": "bank_transfer"})
    assert not_allowed.status_code == 422
    message = "Payment method: Your teams in Bright IT may not pay by bank_transfer (they may use: card)."
    assert message in text_of(not_allowed)

    no_plan = post("/bss/orders/new", {"account_id": bright.id, "quantity": "two", "payment_method": "card"})
    assert no_plan.status_code == 422
    assert "Plan: Choose a plan." in text_of(no_plan)
    assert "Quantity: Write a whole number from 1 to 100,000." in text_of(no_plan)
    assert _counts(db) == before == NOTHING


def test_the_order_form_shows_why_a_plan_cannot_be_bought(client, demo, login_as, plans):
    login_as("owner@bright.example")
    standard = plans["reseller-plan/standard"]
    page = text_of(client.get(f"/bss/orders/new?plan_id={standard.id}&account_id={demo['harbour'].id}"))
    assert "Harbour Dental cannot buy Reseller plan Standard yet:" in page
    assert "Harbour Dental does not have reselling enabled" in page
    assert "Place the order" not in page


class DomainParams(marshmallow.Schema):
    domain_name = marshmallow.fields.String(required=True)
    note = marshmallow.fields.String()


class FakeWithParams(FakeProduct):
    plans = tuple(plan if plan.code != "small" else type(plan)(**{**plan.__dict__, "params": DomainParams})
                  for plan in FakeProduct.plans)


def test_a_plans_parameters_are_asked_for_on_the_order_form(client, db, demo, fake_catalog, fake_plugin, login_as,
                                                            post):
    fake_plugin.product_types = [FakeWithParams(fake_plugin.vendor)]
    login_as("owner@bright.example")
    small = fake_catalog["small"]
    asked = f"/bss/orders/new?plan_id={small.id}&account_id={demo['harbour'].id}"
    form = client.get(asked).get_data(as_text=True)
    assert 'name="params.domain_name" value="" required' in form
    assert 'name="params.note" value=""' in form and 'name="params.note" value="" required' not in form
    assert "Domain name (required)" in text_of(client.get(asked))
    assert _unlabelled(form) == []

    fields = {"account_id": demo["harbour"].id, "plan_id": small.id, "quantity": 1, "payment_method": "on_account"}
    missing = post("/bss/orders/new", {**fields, "params.note": "for the shop"})
    assert missing.status_code == 422
    assert "Domain name: This field is required." in text_of(missing)
    assert 'value="for the shop"' in missing.get_data(as_text=True)  # what was typed stays
    assert _counts(db) == NOTHING

    placed = post("/bss/orders/new", {**fields, "params.domain_name": "harbour-dental.example"})
    assert placed.status_code == 302
    assert "Domain name: harbour-dental.example" in text_of(client.get(placed.headers["Location"]))
    assert db.scalar(select(Order)).lines[0].params == {"domain_name": "harbour-dental.example"}


def test_payment_settings_are_for_sellers_who_may_pay(client, db, demo, login_as, post, buyer):
    login_as(buyer, PASSWORD)
    assert "Payment settings" not in text_of(client.get("/bss/"))
    assert post("/bss/payments/settings", {"payment_confirmation_methods": ["card"]}).status_code == 403
    sign_out(client)

    login_as("owner@bright.example")
    refused = post("/bss/payments/settings", {"payment_confirmation_methods": ["bank_transfer", "cheque"]})
    assert refused.status_code == 422 and "Payment methods: Not payment methods: 'cheque'." in text_of(refused)
    assert 'value="bank_transfer" checked' in refused.get_data(as_text=True)  # as ticked
    post("/bss/payments/settings", {"payment_confirmation_methods": ["card", "direct_debit"]})
    saved = post("/bss/payments/settings", {})
    page = text_of(client.get(saved.headers["Location"]))
    assert "No order waits for your confirmation any more" in page
    db.expire_all()
    assert demo["bright"].payment_confirmation_methods == []


@pytest.fixture
def mixed_order(db, demo, fake_catalog, actor_for):
    """Bright IT orders two Small widgets (monthly) and a Large one (yearly) for Harbour Dental, who pays."""
    placed = place_order(db, actor=actor_for("bright"), owner_id=demo["harbour"].id, payment_method="card",
                         lines=[LineRequest(fake_catalog["small"].id, 2), LineRequest(fake_catalog["large"].id, 1)])
    db.commit()
    return placed


def test_an_order_of_monthly_and_yearly_plans_shows_a_total_for_each_period(client, login_as, mixed_order):
    login_as("owner@bright.example")
    page = text_of(client.get(f"/bss/orders/{mixed_order.id}"))
    assert "Fake product Small 2 × widget €14.38 none €28.76 a month" in page
    assert "Fake product Large 1 × widget €143.75 none €143.75 a year" in page
    assert "Total €28.76 a month €143.75 a year Due with the order €172.51" in page
    assert "€172.51 a month" not in page and "Per billing period" not in page

    listed = text_of(client.get("/bss/orders"))
    assert f"Order {mixed_order.id}" in listed and "Harbour Dental 2 × Fake product Small 1 × Fake product Large" in listed
    assert "In progress €28.76 a month + €143.75 a year" in listed and "€172.51" not in listed


def test_an_orders_setup_fee_is_paid_once_beside_its_periods(client, db, login_as, mixed_order):
    mixed_order.setup_amount = Decimal("15.00")
    db.commit()
    login_as("owner@bright.example")
    listed = text_of(client.get("/bss/orders"))
    assert "€28.76 a month + €143.75 a year, €15.00 once" in listed
    page = text_of(client.get(f"/bss/orders/{mixed_order.id}"))
    assert "Setup fees, once €15.00 Due with the order €187.51" in page


def test_the_order_pages_speak_french(client, login_as, mixed_order):
    login_as("owner@bright.example")
    french = {"Accept-Language": "fr"}
    page = text_of(client.get(f"/bss/orders/{mixed_order.id}", headers=french))
    assert f"Commande {mixed_order.id}" in page
    assert "28,76 € par mois" in page and "143,75 € par an" in page
    assert "Prix par unité et par période de facturation" in page and "Dû à la commande 172,51 €" in page
    listed = text_of(client.get("/bss/orders", headers=french))
    assert "28,76 € par mois + 143,75 € par an" in listed and "Nouvelle commande" in listed


class WordedFake(FakeProduct):
    unit_words = Unit(one={"en": "gadget", "fr": "bidule"}, other={"en": "gadgets", "fr": "bidules"})


def test_quantities_are_counted_in_the_products_own_words_and_plurals(client, demo, fake_plugin, login_as, mixed_order):
    fake_plugin.product_types = [WordedFake(fake_plugin.vendor)]
    login_as("owner@bright.example")
    english = text_of(client.get(f"/bss/orders/{mixed_order.id}"))
    assert "Fake product Small 2 gadgets €14.38" in english and "Fake product Large 1 gadget €143.75" in english
    french = text_of(client.get(f"/bss/orders/{mixed_order.id}", headers={"Accept-Language": "fr"}))
    assert "Fake product Small 2 bidules 14,38 €" in french and "Fake product Large 1 bidule 143,75 €" in french
    quote = text_of(client.get(f"/bss/orders/new?account_id={demo['harbour'].id}&payer=owner"
                               f"&plan_id={mixed_order.lines[0].plan_id}&quantity=3", headers={"Accept-Language": "fr"}))
    assert "14,38 € par bidule, par mois" in quote and "3 bidules 43,14 € par mois" in quote


@pytest.fixture
def many_orders(db, demo, fake_catalog, actor_for):
    """Bright IT orders 1 to 52 Small widgets for Harbour Dental, one order each, then a Large one for Maple Bakery."""
    small, large = fake_catalog["small"].id, fake_catalog["large"].id
    placed = [place_order(db, actor=actor_for("bright"), owner_id=demo["harbour"].id, payment_method="on_account",
                          lines=[LineRequest(small, quantity)]) for quantity in range(1, 53)]
    placed.append(place_order(db, actor=actor_for("bright"), owner_id=demo["maple"].id, payment_method="on_account",
                              lines=[LineRequest(large, 1)]))
    db.commit()
    return placed


def _listed(client, **args) -> list[int]:
    page = client.get("/bss/orders", query_string=args)
    assert page.status_code == 200
    return [int(number) for number in re.findall(r'href="/bss/orders/(\d+)"', page.get_data(as_text=True))]


def test_the_orders_list_pages_newest_first_and_goes_back_and_forth(client, login_as, many_orders):
    login_as("owner@bright.example")
    newest_first = [order.id for order in reversed(many_orders)]
    first = client.get("/bss/orders")
    assert "1–50 of 53" in main_of(first) and 'rel="prev"' not in first.get_data(as_text=True)
    assert _listed(client) == newest_first[:50]
    second = client.get("/bss/orders?page=2")
    assert "51–53 of 53" in main_of(second) and _listed(client, page=2) == newest_first[50:]
    assert 'rel="prev" href="/bss/orders"' in second.get_data(as_text=True)
    assert _listed(client, page=9) == newest_first[50:]  # past the last page: the last


def test_the_orders_list_sorts_by_each_column_header(client, login_as, many_orders):
    login_as("owner@bright.example")
    maple, oldest = many_orders[-1].id, many_orders[0].id
    assert _listed(client, sort="number", dir="asc")[0] == oldest
    assert _listed(client, sort="placed", dir="asc")[0] == oldest
    assert _listed(client, sort="account", page=2)[-1] == maple and maple not in _listed(client, sort="account")
    assert _listed(client, sort="account", dir="desc")[0] == maple
    assert _listed(client, sort="total", dir="desc")[:2] == [many_orders[51].id, many_orders[50].id]  # 52, 51 widgets
    # Maple Bakery's €143.75 comes between 9 and 10 widgets at €14.38.
    assert _listed(client, sort="total")[8:11] == [many_orders[8].id, maple, many_orders[9].id]
    html = client.get("/bss/orders?sort=account").get_data(as_text=True)
    assert 'aria-sort="ascending"' in html and 'href="/bss/orders?sort=account&amp;dir=desc"' in html


def test_the_orders_list_searches_by_number_or_account_name(client, login_as, many_orders):
    login_as("owner@bright.example")
    maple, tenth = many_orders[-1].id, many_orders[9].id
    assert _listed(client, q="maple") == _listed(client, q="BAKERY") == [maple]
    assert _listed(client, q=str(tenth)) == _listed(client, q=f"#{tenth}") == [tenth]
    assert len(_listed(client, q="harbour")) == 50 and "1–50 of 52" in main_of(client.get("/bss/orders?q=harbour"))
    assert "No orders match." in main_of(client.get("/bss/orders?q=nobody"))
    assert _listed(client, q="9" * 40) == []  # a number no order can have is no error


def test_the_orders_list_keeps_its_status_filter_in_its_links(client, db, login_as, many_orders):
    many_orders[-1].status = OrderStatus.CANCELLED
    db.commit()
    login_as("owner@bright.example")
    assert _listed(client, status="cancelled") == [many_orders[-1].id]
    assert _listed(client, status="cancelled", q="harbour") == []
    html = client.get("/bss/orders?status=in_progress&q=harbour").get_data(as_text=True)
    assert 'rel="next" href="/bss/orders?status=in_progress&amp;q=harbour&amp;page=2"' in html
    assert 'href="/bss/orders?status=in_progress&amp;sort=account&amp;dir=asc&amp;q=harbour"' in html


def test_a_search_finds_only_orders_the_viewer_may_see(client, login_as, many_orders):
    login_as("owner@corner.example")
    assert _listed(client, q="harbour") == [] and _listed(client, q=str(many_orders[0].id)) == []
    assert "No orders match." in main_of(client.get("/bss/orders?q=harbour"))

"""A subscription's and an order's details, labelled as the order form asked for them, in the reader's language."""

from __future__ import annotations

from sqlalchemy import select

from core.models.orders import OrderLine
from plugin_kit.testing import main_of
from web.formatting import param_label

FRENCH = {"Accept-Language": "fr-FR,fr;q=0.9"}


def test_a_subscription_and_its_order_label_their_details_as_the_order_form_did(client, db, plans, login_as, subscribe):
    subscription = subscribe("harbour", plans["microsoft-365/business-basic"], quantity=3,
                             params={"tenant_prefix": "harbourdental"})
    login_as("owner@bright.example")
    page = main_of(client.get(f"/bss/subscriptions/{subscription.id}", headers=FRENCH))
    assert "Préfixe du tenant harbourdental" in page and "Tenant prefix" not in page
    order_id = db.scalar(select(OrderLine.order_id).where(OrderLine.subscription_id == subscription.id))
    order = main_of(client.get(f"/bss/orders/{order_id}", headers=FRENCH))
    assert "Préfixe du tenant: harbourdental" in order and "Tenant prefix" not in order


def test_a_detail_its_plan_does_not_declare_is_named_in_words(app, plans):
    with app.test_request_context(headers=FRENCH):
        assert param_label("tenant_prefix", plans["microsoft-365/business-basic"]) == "Préfixe du tenant"
        assert param_label("tenant_prefix", plans["web-hosting/starter"]) == "Tenant prefix"

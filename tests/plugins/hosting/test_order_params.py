"""Ordering hosting or a domain in the back office: its details are asked and refused in the reader's words."""

from plugin_kit.testing import text_of
from tests.plugins.hosting.test_french import FRENCH


def _order(post, demo, plan, **params):
    return post("/bss/orders/new", {"account_id": demo["harbour"].id, "payer": "owner", "plan_id": plan.id, "quantity": 1,
                                    "payment_method": "card", **{f"params.{key}": value for key, value in params.items()}},
                headers=FRENCH)


def test_a_hosting_orders_address_is_asked_for_and_refused_in_french(client, demo, plans, login_as, post):
    login_as("owner@bright.example")
    starter = plans["web-hosting/starter"]
    form = text_of(client.get(f"/bss/orders/new?account_id={demo['harbour'].id}&plan_id={starter.id}"))
    assert "Site address (required)" in form
    french = text_of(client.get(f"/bss/orders/new?account_id={demo['harbour'].id}&plan_id={starter.id}", headers=FRENCH))
    assert "Adresse du site (obligatoire)" in french and "Domain (obligatoire)" not in french

    empty = _order(post, demo, starter)
    assert empty.status_code == 422
    refused = text_of(empty)
    assert "Adresse du site (obligatoire)" in refused and "Indiquez un nom de domaine, par exemple example.com." in refused
    assert "Missing data" not in refused


def test_a_domain_orders_name_and_transfer_code_are_labelled_and_a_missing_name_refused_in_french(
        client, demo, plans, login_as, post):
    login_as("owner@bright.example")
    com = plans["domain-name/com"]
    french = text_of(client.get(f"/bss/orders/new?account_id={demo['harbour'].id}&plan_id={com.id}", headers=FRENCH))
    assert "Nom de domaine (obligatoire)" in french and "Code de transfert (facultatif)" in french

    empty = _order(post, demo, com)
    assert empty.status_code == 422
    refused = text_of(empty)
    assert "Indiquez un nom de domaine, par exemple example.com." in refused and "Missing data" not in refused

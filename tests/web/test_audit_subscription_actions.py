"""What a seller's staff do to a subscription in the back office reads in the audit log, in English and in French,
from the seller up to its distributor; what is refused leaves no trace there."""

from __future__ import annotations

from plugin_kit.testing import main_of
from tests.bss.backoffice.conftest import sign_out

FRENCH = {"Accept-Language": "fr-FR,fr;q=0.9"}


def test_suspending_and_resuming_read_as_sentences_with_the_status_they_change(client, db, frozen_clock, login_as, post,
                                                                              subscribe, provision_all):
    subscription = subscribe()
    url = f"/bss/subscriptions/{subscription.id}"
    login_as("owner@bright.example")
    assert post(f"{url}/suspend", {"note": "Unpaid invoice"}).status_code == 302
    provision_all()
    assert post(f"{url}/resume").status_code == 302
    provision_all()

    english = main_of(client.get("/bss/audit"))
    resumed = f"Bright IT Owner at Bright Resumed subscription {subscription.id} Status: Suspended → Active"
    suspended = (f"Bright IT Owner at Bright Suspended subscription {subscription.id} Status: Active → Suspended "
                 "Note: Unpaid invoice")
    assert resumed in english and suspended in english
    assert english.index(resumed) < english.index(suspended)  # newest first
    sign_out(client)
    login_as("admin@northwind.example")  # the distributor above the reseller reads it too, here in French
    french = main_of(client.get("/bss/audit?area=subscription", headers=FRENCH))
    assert f"Abonnement {subscription.id} rétabli État : Suspendu → Actif" in french
    assert f"Abonnement {subscription.id} suspendu État : Actif → Suspendu Note : Unpaid invoice" in french


def test_a_refused_action_records_nothing(client, db, frozen_clock, login_as, post, subscribe):
    subscription = subscribe()
    url = f"/bss/subscriptions/{subscription.id}"
    login_as("owner@bright.example")
    assert post(f"{url}/resume").status_code == 409  # it is not suspended
    assert post(f"{url}/change", {"plan_id": subscription.plan_id, "quantity": 1}).status_code == 422  # nothing to change

    page = main_of(client.get("/bss/audit"))
    assert "Placed order" in page
    assert f"subscription {subscription.id}" not in page


def test_a_change_names_the_plans_and_a_cancellation_the_day_it_ends(client, db, frozen_clock, login_as, post, subscribe,
                                                                     fake_catalog, provision_all):
    subscription = subscribe()
    url = f"/bss/subscriptions/{subscription.id}"
    login_as("owner@bright.example")
    post(f"{url}/change", {"plan_id": fake_catalog["large"].id, "quantity": 3})
    provision_all()
    post(f"{url}/cancel", {"when": "end_of_term"})

    page = main_of(client.get("/bss/audit?area=subscription"))
    assert f"Changed subscription {subscription.id} Plan: Small → Large Quantity: 1 → 3" in page
    assert (f"Cancelled subscription {subscription.id} Status: Active → Pending cancellation "
            "Ends on: — → 2 Apr 2026, 09:30 UTC") in page

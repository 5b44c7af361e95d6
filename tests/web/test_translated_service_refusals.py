"""The refusals of the subscription, invoice and ticket services in the reader's language (``core.languages.say``):
French on a French back-office page, English on an English one."""

from __future__ import annotations

import pytest

from core.services.tickets import open_ticket
from plugin_kit.testing import text_of

FRENCH = {"Accept-Language": "fr-FR,fr;q=0.9"}
ENGLISH = {"Accept-Language": "en-GB,en;q=0.9"}


@pytest.mark.parametrize(("browser", "out_of_range"), [
    (FRENCH, "Choisissez entre 1 et 100000 unités."),
    (ENGLISH, "Choose between 1 and 100000 units."),
])
def test_a_subscription_change_to_no_units_is_refused_in_the_browsers_language(
        client, db, frozen_clock, login_as, post, subscribe, browser, out_of_range):
    subscription = subscribe()
    login_as("owner@bright.example")
    refused = post(f"/bss/subscriptions/{subscription.id}/change", {"plan_id": subscription.plan_id, "quantity": "0"},
                   headers=browser)
    assert refused.status_code == 422 and out_of_range in text_of(refused)
    db.refresh(subscription)
    assert subscription.quantity == 1


@pytest.mark.parametrize(("browser", "empty", "closed"), [
    (FRENCH, "Écrivez un message de 1 à 20000 caractères.", "Le ticket {id} est fermé : rouvrez-le pour y écrire."),
    (ENGLISH, "Write a message of 1 to 20000 characters.", "Ticket {id} is closed: reopen it to write in it."),
])
def test_an_empty_or_late_ticket_reply_is_refused_in_the_browsers_language(
        client, db, shops, actor_for, frozen_clock, login_as, post, browser, empty, closed):
    ticket = open_ticket(db, actor=actor_for("harbour"), subject="Mail stopped", body="Since this morning.")
    db.commit()
    login_as("owner@bright.example")
    blank = post(f"/bss/tickets/{ticket.id}/messages", {"body": "  ", "visibility": "customer"}, headers=browser)
    assert blank.status_code == 422 and empty in text_of(blank)
    post(f"/bss/tickets/{ticket.id}/desk", {"status": "closed", "priority": "normal", "assignee_id": ""})
    late = post(f"/bss/tickets/{ticket.id}/messages", {"body": "One more thing.", "visibility": "customer"},
                headers=browser)
    assert late.status_code == 409 and closed.format(id=ticket.id) in text_of(late)


@pytest.mark.parametrize(("browser", "no_invoice"), [(FRENCH, "Aucune facture 999999."), (ENGLISH, "No invoice 999999.")])
def test_an_invoice_nobody_issued_is_missing_in_the_browsers_language(client, demo, login_as, browser, no_invoice):
    login_as("owner@bright.example")
    missing = client.get("/bss/invoices/999999", headers=browser)
    assert missing.status_code == 404 and no_invoice in text_of(missing)

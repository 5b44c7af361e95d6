"""A service's refusal names a status or a kind of account in the reader's words (``core.code_words``), the words the
pages show, never its code: French on a French page, English on an English one."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from core.code_words import status_said
from core.models.invoices import InvoiceStatus
from core.models.orders import Order, OrderStatus
from core.models.subscriptions import SubscriptionStatus
from core.models.support import TicketStatus
from plugin_kit.testing import text_of
from web.code_words import status_word

FRENCH = {"Accept-Language": "fr-FR,fr;q=0.9"}
ENGLISH = {"Accept-Language": "en-GB,en;q=0.9"}


@pytest.mark.parametrize(("browser", "refusal"), [
    (FRENCH, "La commande {id} est dans l'état « en cours » : seule une commande en attente de paiement peut être "
             "annulée."),
    (ENGLISH, "Order {id} is in progress: only an order waiting for its payment can be cancelled."),
])
def test_an_order_under_way_is_not_cancelled_and_its_status_is_named_in_the_browsers_language(
        client, db, demo, fake_catalog, login_as, post, browser, refusal):
    login_as("owner@bright.example")
    post("/bss/orders/new", {"account_id": demo["harbour"].id, "plan_id": fake_catalog["small"].id, "quantity": 1,
                             "payer": "owner", "payment_method": "card"})
    order = db.scalar(select(Order))
    refused = post(f"/bss/orders/{order.id}/cancel", {"reason": "ordered twice"}, headers=browser)
    assert refused.status_code == 409 and refusal.format(id=order.id) in text_of(refused)


@pytest.mark.parametrize(("browser", "refusal"), [
    (FRENCH, "Un compte revendeur ne peut pas être placé sous un revendeur."),
    (ENGLISH, "A reseller account cannot be placed under a reseller."),
])
def test_a_reseller_under_a_reseller_is_refused_naming_both_kinds_in_the_browsers_language(
        client, demo, login_as, post, browser, refusal):
    login_as("owner@bright.example")
    refused = post("/bss/accounts", {"kind": "reseller", "name": "Quay Resale", "slug": "quay-resale",
                                     "reselling_enabled": "on"}, headers=browser)
    assert refused.status_code == 422 and refusal in text_of(refused)


@pytest.mark.parametrize(("browser", "refusal"), [
    (FRENCH, "Une opération « modification » de cet abonnement est en cours (en attente) ; réessayez une fois qu'elle "
             "sera terminée."),
    (ENGLISH, "A change of this subscription is in progress (pending); try again once it is over."),
])
def test_a_second_change_while_the_first_is_under_way_is_refused_naming_both_in_the_browsers_language(
        client, login_as, post, subscribe, browser, refusal):
    subscription = subscribe()
    login_as("owner@bright.example")
    post(f"/bss/subscriptions/{subscription.id}/change", {"plan_id": subscription.plan_id, "quantity": 3})
    refused = post(f"/bss/subscriptions/{subscription.id}/change", {"plan_id": subscription.plan_id, "quantity": 4},
                   headers=browser)
    assert refused.status_code == 409 and refusal in text_of(refused)


def test_a_status_takes_the_word_french_gives_it_for_what_has_it(app):
    with app.test_request_context(headers=FRENCH):
        assert status_word(OrderStatus.CANCELLED) == "Annulée" and status_word(OrderStatus.COMPLETED) == "Terminée"
        assert status_word(SubscriptionStatus.CANCELLED) == "Résilié" and status_word("cancelled") == "Résilié"
        assert status_word(TicketStatus.OPEN) == "Ouvert" and status_word(InvoiceStatus.OPEN) == "Ouverte"
        assert status_said(OrderStatus.CANCELLED) == "annulée"
    with app.test_request_context(headers=ENGLISH):
        assert status_word(OrderStatus.CANCELLED) == status_word(SubscriptionStatus.CANCELLED) == "Cancelled"
        assert status_said(OrderStatus.COMPLETED) == "completed"


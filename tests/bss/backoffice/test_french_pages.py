"""The back office in French: each page a French browser asks for speaks French, not only its navigation."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select

from core.models.invoices import Invoice
from core.models.people import Team
from core.services.billing_run import run_billing
from core.services.pricing import price_list_for
from plugin_kit.testing import main_of

FRENCH = {"Accept-Language": "fr-FR,fr;q=0.9"}

#: Who signs in (nobody, for the pages before signing in), the page, and some French it says.
PAGES = [
    (None, "/bss/login", "Mot de passe oublié ?"),
    (None, "/bss/password/forgot", "nous vous enverrons par e-mail un lien pour choisir un nouveau mot de passe"),
    ("owner@bright.example", "/bss/", "Ce qui demande votre attention aujourd'hui"),
    ("owner@bright.example", "/bss/invoices", "Exporter pour votre comptabilité"),
    ("owner@bright.example", "/bss/invoices/{invoice}", "La corriger par un avoir"),
    ("owner@bright.example", "/bss/prices", "Nouvelle grille tarifaire"),
    ("owner@bright.example", "/bss/prices/{price_list}", "Fixer un prix"),
    ("owner@bright.example", "/bss/teams", "Nouvelle équipe"),
    ("owner@bright.example", "/bss/teams/{team}", "Ce que cette équipe peut faire"),
    ("owner@bright.example", "/bss/api-keys", "Nouvelle clé"),
    ("owner@bright.example", "/bss/audit", "Ce qui a changé dans Bright IT"),
    ("owner@bright.example", "/bss/tasks", "Faites récemment"),
    ("owner@bright.example", "/bss/revenue", "mois par mois sur la période"),
    ("owner@bright.example", "/bss/payments/settings", "Confirmer d'abord les paiements"),
    ("admin@northwind.example", "/bss/catalog", "Rien n'est en vente pour vos revendeurs"),
    ("operator@cascade.example", "/bss/platform/distributors", "Service Manager activé"),
]


@pytest.fixture
def ids(frozen_clock, db, demo, subscribe) -> dict[str, int]:
    """The ids the pages' addresses name: Bright IT's owner team, its retail price list and its first invoice."""
    subscribe("harbour")
    run_billing(db, date(2026, 4, 1))
    return {
        "team": db.scalar(select(Team.id).where(Team.account_id == demo["bright"].id, Team.is_owner)),
        "price_list": price_list_for(db, demo["harbour"]).id,
        "invoice": db.scalar(select(Invoice.id).where(Invoice.number == "BRIGHT-000001")),
    }


@pytest.mark.parametrize(("who", "page", "french"), PAGES)
def test_each_page_speaks_french_to_a_french_browser(client, login_as, ids, who, page, french):
    if who:
        login_as(who)
    response = client.get(page.format(**ids), headers=FRENCH)
    assert response.status_code == 200
    assert french in main_of(response)


def test_what_the_platform_wrote_in_a_subscriptions_history_reads_in_french(client, login_as, db, demo, subscribe):
    subscription = subscribe("harbour")
    order_id = subscription.events[0].reason.removeprefix("order ")
    assert order_id.isdigit()
    login_as("owner@bright.example")
    english = main_of(client.get(f"/bss/subscriptions/{subscription.id}"))
    french = main_of(client.get(f"/bss/subscriptions/{subscription.id}", headers=FRENCH))
    assert f"order {order_id}" in english
    assert f"commande {order_id}" in french and f"order {order_id}" not in french

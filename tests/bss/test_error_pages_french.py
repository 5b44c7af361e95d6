"""The back office's error pages in its reader's language: a French reader reads them wholly in French, each refused
value once, by its field's label, with a way back to the back office's home."""

from __future__ import annotations

import re

import pytest

from plugin_kit.testing import post_form, text_of

FRENCH = {"Accept-Language": "fr-FR,fr;q=0.9"}
ENGLISH = {"Accept-Language": "en-GB,en;q=0.9"}
#: What the English page said, and the French one must not.
ENGLISH_WORDS = ("Not found", "Invalid input", "Error", "reference", "Back to the start page")


def _way_back(response) -> str:
    """Where the page's link back leads."""
    found = re.search(r'<a href="([^"]*)">[^<]*</a></p>\s*</div>', response.get_data(as_text=True))
    assert found, "the error page links back"
    return found.group(1)


@pytest.mark.parametrize(("path", "title", "detail"), [
    ("/bss/nope", "Page introuvable", "Il n'y a pas de page à cette adresse."),
    ("/bss/orders/99999", "Introuvable", "Aucune commande 99999."),
])
def test_a_missing_page_of_the_back_office_is_french_and_leads_back_to_its_home(client, demo, login_as, path, title,
                                                                                 detail):
    login_as("owner@bright.example")
    response = client.get(path, headers=FRENCH)
    page = text_of(response)
    assert response.status_code == 404
    assert f"{title} {detail} Erreur 404 · référence " in page and "Retour à la page d'accueil" in page
    assert not [words for words in ENGLISH_WORDS if words in page]
    assert _way_back(response) == "/bss/"


@pytest.mark.parametrize(("path", "refusal"), [
    # Babel groups the thousands with a narrow no-break space, a space to ``text_of``.
    ("/bss/tickets?waiting=9999", "En attente depuis plus de (heures) : Indiquez un nombre entier de 1 à 8 784."),
    ("/bss/audit?area=nowhere", "Quoi : Choisissez parmi : "),
])
def test_a_refused_filter_is_named_once_by_its_label_in_french(client, demo, login_as, path, refusal):
    login_as("owner@bright.example")
    response = client.get(path, headers=FRENCH)
    page = text_of(response)
    assert response.status_code == 422
    assert page.count(refusal) == 1 and "Saisie non valide" in page
    assert not [words for words in ENGLISH_WORDS if words in page]
    assert _way_back(response) == "/bss/"


def test_an_english_reader_reads_the_same_page_in_english(client, demo, login_as):
    login_as("owner@bright.example")
    response = client.get("/bss/orders?status=bogus", headers=ENGLISH)
    page = text_of(response)
    assert page.count("Status: 'bogus' is not an order status.") == 1
    assert "Invalid input" in page and "Error 422 · reference " in page and "Back to the start page" in page


def test_outside_the_back_office_the_page_leads_to_the_platforms_start_page(client):
    response = client.get("/nope", headers=FRENCH)
    assert response.status_code == 404 and "Page introuvable" in text_of(response)
    assert _way_back(response) == "/"


def test_choosing_french_confirms_the_settings_in_french(client, demo, login_as):
    login_as("owner@bright.example")
    saved = post_form(client, "/bss/profile", {"name": "Bright's Owner", "locale": "fr"}, headers=ENGLISH,
                      follow_redirects=True)
    page = text_of(saved)
    assert "Vos paramètres sont enregistrés." in page and "Your settings are saved." not in page

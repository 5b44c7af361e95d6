"""The core services' refusals in the reader's language (``core.languages.say``): French on a French page, English on an
English one, and English in the worker, which answers nobody's request."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from core.errors import ValidationError
from core.languages import say
from core.models.people import User
from core.services.people import create_user, owner_team
from plugin_kit.testing import link_in_email, post_form, text_of

FRENCH = {"Accept-Language": "fr-FR,fr;q=0.9"}
ENGLISH = {"Accept-Language": "en-GB,en;q=0.9"}
SIGN_UP = {"name": "Zoé Martin", "company_name": "Café Noël", "email": "not-an-address", "password": "short"}


@pytest.mark.parametrize(("browser", "not_an_address", "taken"), [
    (FRENCH, "« not an address » n'est pas une adresse e-mail.", "Bright IT a déjà une équipe nommée « owners »."),
    (ENGLISH, "'not an address' is not an email address.", "Bright IT already has a team called 'owners'."),
])
def test_the_back_office_gives_an_invitation_or_team_refusal_in_the_browsers_language(
        client, db, demo, login_as, post, browser, not_an_address, taken):
    login_as("owner@bright.example")
    owners = owner_team(db, demo["bright"])
    assert owners.name == "Owners"
    invited = post(f"/bss/teams/{owners.id}/invitations", {"email": "Not an address"}, headers=browser)
    assert invited.status_code == 422 and not_an_address in text_of(invited)
    named = post("/bss/teams", {"name": "owners", "permissions": ["support"]}, headers=browser)
    assert named.status_code == 422 and taken in text_of(named)


def test_the_language_a_person_chose_in_their_settings_wins_over_an_english_browser(client, db, demo, login_as):
    login_as("owner@bright.example")
    person = db.scalar(select(User).where(User.email == "owner@bright.example"))
    person.locale = "fr"
    db.commit()
    response = post_form(client, "/bss/profile", {"name": " ", "locale": "fr"}, headers=ENGLISH)
    assert response.status_code == 422
    assert "Indiquez votre nom." in text_of(response) and "Give your name." not in text_of(response)


@pytest.mark.parametrize(("browser", "too_short", "differ"), [
    (FRENCH, "Utilisez au moins 10 caractères.", "Les deux mots de passe sont différents."),
    (ENGLISH, "Use at least 10 characters.", "The two passwords differ."),
])
def test_a_new_password_too_short_is_refused_in_the_browsers_language(client, db, demo, browser, too_short, differ):
    post_form(client, "/bss/password/forgot", {"email": "owner@bright.example"})
    link = link_in_email(db, "owner@bright.example", "/bss/password/reset/")
    response = post_form(client, link, {"password": "short", "confirmation": "shorter"}, headers=browser)
    assert response.status_code == 422
    assert too_short in text_of(response) and differ in text_of(response)


@pytest.mark.parametrize(("browser", "email", "password"), [
    (FRENCH, "Saisissez une adresse e-mail, par exemple nom@exemple.com.", "Utilisez au moins 10 caractères."),
    (ENGLISH, "Enter an email address, such as name@example.com.", "Use at least 10 characters."),
])
def test_a_storefront_sign_up_is_refused_in_the_browsers_language(client, shops, shop_post, browser, email, password):
    response = shop_post("/sign-up", SIGN_UP, headers=browser)
    assert response.status_code == 422
    assert email in text_of(response) and password in text_of(response)


@pytest.mark.parametrize(("browser", "taken"), [
    (FRENCH, "Harbour Dental a déjà une équipe nommée « owners »."),
    (ENGLISH, "Harbour Dental already has a team called 'owners'."),
])
def test_a_shop_customer_naming_a_team_like_another_reads_why_in_the_browsers_language(
        client, shops, shop_sign_in, shop_post, browser, taken):
    shop_sign_in()
    response = shop_post("/organisation/teams", {"name": "owners", "permissions": ["purchase"]}, headers=browser)
    assert response.status_code == 422 and taken in text_of(response)


def test_outside_a_request_the_worker_writes_refusals_in_english_even_after_a_french_page(client, db, demo):
    assert "Mot de passe oublié ?" in text_of(client.get("/bss/login", headers=FRENCH))
    with pytest.raises(ValidationError) as refused:
        create_user(db, email="not an address", name="Someone")
    assert refused.value.fields["email"] == ["'not an address' is not an email address."]
    assert say("No team %(id)s.", id=7) == "No team 7."


@pytest.mark.parametrize(("browser", "no_units", "no_method"), [
    (FRENCH, "Commandez entre 1 et 100000 unités.",
     "« cheque » n'est pas un moyen de paiement : utilisez card, bank_transfer, direct_debit, on_account."),
    (ENGLISH, "Order between 1 and 100000 units.",
     "'cheque' is not a payment method: use card, bank_transfer, direct_debit, on_account."),
])
def test_a_back_office_order_is_refused_in_the_browsers_language(
        client, db, demo, fake_catalog, login_as, post, browser, no_units, no_method):
    login_as("owner@bright.example")
    refused = post("/bss/orders/new", {"account_id": demo["bright"].id, "plan_id": fake_catalog["small"].id,
                                       "quantity": 0, "payment_method": "cheque"}, headers=browser)
    assert refused.status_code == 422
    assert no_units in text_of(refused) and no_method in text_of(refused)


@pytest.mark.parametrize(("browser", "no_order"), [(FRENCH, "Aucune commande 999999."), (ENGLISH, "No order 999999.")])
def test_an_order_nobody_placed_is_missing_in_the_browsers_language(client, demo, login_as, browser, no_order):
    login_as("owner@bright.example")
    missing = client.get("/bss/orders/999999", headers=browser)
    assert missing.status_code == 404 and no_order in text_of(missing)

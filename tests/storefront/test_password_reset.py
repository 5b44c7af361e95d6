"""Forgotten passwords on the storefront: a link in the shop's name, to the shop's own page."""

from __future__ import annotations

from sqlalchemy import select

from core.models.outbox import OutboxEmail
from core.models.storefronts import Storefront
from core.services.demo import DEMO_PASSWORD
from plugin_kit.testing import link_in_email, text_of
from tests.storefront.conftest import BRIGHT, CORNER

SENT = "If an account exists for that address, we have sent it a link to choose a new password."


def emails_to(db, address):
    """The password reset emails sent to ``address`` (the demo has already sent it others)."""
    return list(db.scalars(select(OutboxEmail).where(OutboxEmail.to_address == address,
                                                     OutboxEmail.subject == "Reset your password")))


def test_the_sign_in_page_links_to_the_forgotten_password_page(client, shops):
    page = client.get("/sign-in", base_url=BRIGHT).get_data(as_text=True)
    assert 'href="/password/forgot"' in page and "Forgot your password?" in page
    assert client.get("/password/forgot", base_url=BRIGHT).status_code == 200


def test_the_reset_email_comes_in_the_shops_name_and_never_mentions_the_distributor(client, db, shops, shop_post):
    response = shop_post("/password/forgot", {"email": "Owner@Harbour.example"})
    assert response.status_code == 200 and SENT in text_of(response)
    [email] = emails_to(db, "owner@harbour.example")
    assert email.sender_name == "Bright IT"
    everything = " ".join(filter(None, (email.sender_name, email.reply_to, email.subject, email.text_body, email.html_body)))
    assert "Northwind" not in everything and "northwind" not in everything
    assert "http://bright.shop.localhost/password/reset/" in email.text_body and "/bss/" not in email.text_body


def test_a_reset_asked_for_in_french_arrives_in_french(client, db, shops, shop_post):
    client.get("/language/fr", base_url=BRIGHT)
    shop_post("/password/forgot", {"email": "owner@harbour.example"})
    [email] = db.scalars(select(OutboxEmail).where(OutboxEmail.to_address == "owner@harbour.example",
                                                   OutboxEmail.subject == "Réinitialisez votre mot de passe")).all()
    assert "Choisissez un nouveau mot de passe ici :\nhttp://bright.shop.localhost/password/reset/" in email.text_body
    assert '<html lang="fr">' in email.html_body and "Choisissez un nouveau mot de passe" in email.html_body


def test_the_emailed_link_sets_a_new_password_that_signs_in_on_the_shop(client, db, shops, shop_post, shop_sign_in):
    shop_sign_in()  # a session that the reset ends
    shop_post("/password/forgot", {"email": "owner@harbour.example"})
    path = link_in_email(db, "owner@harbour.example", "/password/reset/")
    page = client.get(path, base_url=BRIGHT)
    assert page.status_code == 200 and page.headers["Referrer-Policy"] == "no-referrer"
    assert "Choose a new password" in text_of(page) and "Northwind" not in page.get_data(as_text=True)

    response = shop_post(path, {"password": "a new long secret", "confirmation": "something else"})
    assert response.status_code == 422 and 'id="f-confirmation-error"' in response.get_data(as_text=True)

    response = shop_post(path, {"password": "a new long secret", "confirmation": "a new long secret"})
    assert response.status_code == 302 and response.location == "/sign-in"
    assert "Your password is changed" in text_of(client.get("/sign-in", base_url=BRIGHT))
    assert client.get("/account", base_url=BRIGHT).status_code == 302  # signed out everywhere
    assert shop_post("/sign-in", {"email": "owner@harbour.example", "password": DEMO_PASSWORD}).status_code == 401
    shop_sign_in("owner@harbour.example", "a new long secret")
    assert client.get(path, base_url=BRIGHT).status_code == 410  # the link worked once


def test_the_answer_is_the_same_for_anyone_and_only_the_shops_customers_get_a_link(client, db, shops, shop_post,
                                                                                  reseller_plan):
    for address in ("nobody@nowhere.example", "owner@bright.example", "admin@northwind.example"):
        response = shop_post("/password/forgot", {"email": address})
        assert response.status_code == 200 and SENT in text_of(response)
        assert emails_to(db, address) == []
    reseller_plan("corner", "free")
    shop_post("/password/forgot", {"email": "owner@maple.example"}, base=CORNER)  # Maple buys from Bright IT
    assert emails_to(db, "owner@maple.example") == []


def test_an_empty_email_is_named_and_a_made_up_link_is_not_found(client, shops, shop_post):
    response = shop_post("/password/forgot", {"email": " "})
    assert response.status_code == 422 and 'id="f-email-error"' in response.get_data(as_text=True)
    assert client.get("/password/reset/made-up-token", base_url=BRIGHT).status_code == 404


def test_a_shop_with_a_sender_name_of_its_own_sends_the_link_under_it(client, db, shops, shop_post):
    storefront = db.scalar(select(Storefront).where(Storefront.account_id == shops["bright"].id))
    storefront.sender_name = "Bright IT Helpdesk"  # Standard has own_sender_name
    db.commit()
    shop_post("/password/forgot", {"email": "owner@harbour.example"})
    [email] = emails_to(db, "owner@harbour.example")
    assert email.sender_name == "Bright IT Helpdesk"

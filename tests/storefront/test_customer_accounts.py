"""Customers' own accounts on a storefront: sign-up confirmed by email, sign-in scoped to the shop."""

from __future__ import annotations

from sqlalchemy import select

from core.models.accounts import Account, AccountKind
from core.models.outbox import OutboxEmail
from core.models.people import LoginSession
from core.services.sign_in import MAX_FAILURES_PER_EMAIL
from plugin_kit.testing import link_in_email, text_of
from tests.storefront.conftest import BRIGHT, CORNER, NORTHWIND


def test_a_customer_of_the_shop_signs_in_and_reaches_their_account(client, shops, shop_sign_in):
    shop_sign_in()
    page = client.get("/account", base_url=BRIGHT)
    assert page.status_code == 200
    assert "Harbour Dental" in text_of(page)


def test_the_account_page_asks_a_visitor_to_sign_in(client, shops):
    response = client.get("/account", base_url=BRIGHT)
    assert response.status_code == 302 and response.location.startswith("/sign-in?next=/account")


SIGN_UP = {"name": "Zoé Martin", "company_name": "Café Noël", "email": "zoe@noel.example", "password": "a long secret 1"}


def _emails_to(db, address):
    return list(db.scalars(select(OutboxEmail).where(OutboxEmail.to_address == address).order_by(OutboxEmail.id)))


def test_signing_up_creates_nothing_until_the_emailed_link_is_confirmed(client, db, shops, shop_post):
    response = shop_post("/sign-up", SIGN_UP)
    assert response.status_code == 302 and response.location == "/sign-up/sent"
    assert db.scalar(select(Account).where(Account.name == "Café Noël")) is None
    [email] = _emails_to(db, "zoe@noel.example")
    assert email.subject == "Confirm your email for Bright IT"
    assert email.sender_name == "Bright IT" and "Northwind" not in email.text_body
    assert email.html_body and "Bright IT" in email.html_body and "Northwind" not in email.html_body  # in its brand
    assert email.sender_subdomain == "bright"

    path = link_in_email(db, "zoe@noel.example", "/sign-up/confirm/")
    assert client.get(path, base_url=BRIGHT).status_code == 200  # a page with a button: opening the link confirms nothing
    assert db.scalar(select(Account).where(Account.name == "Café Noël")) is None
    response = shop_post(path, {})
    assert response.status_code == 302 and response.location == "/account"  # signed in: the link proved the email

    account = db.scalar(select(Account).where(Account.name == "Café Noël"))
    assert account.kind is AccountKind.CUSTOMER and account.parent == shops["bright"] and account.slug == "cafe-noel"
    home = text_of(client.get("/account", base_url=BRIGHT))
    assert "Café Noël" in home and "Your email is confirmed and your account is ready." in home
    shop_post("/sign-out", {})
    response = shop_post("/sign-in", {"email": "zoe@noel.example", "password": "a long secret 1"})
    assert response.status_code == 302


def test_a_company_named_like_a_reserved_host_gets_a_numbered_slug(client, db, shops, shop_post):
    shop_post("/sign-up", {**SIGN_UP, "company_name": "WWW"})
    assert shop_post(link_in_email(db, "zoe@noel.example", "/sign-up/confirm/"), {}).status_code == 302
    assert db.scalar(select(Account).where(Account.name == "WWW")).slug == "www-2"


def test_a_confirmation_link_works_once_and_only_on_its_own_shop(client, db, shops, shop_post, reseller_plan):
    reseller_plan("corner", "free")
    shop_post("/sign-up", SIGN_UP)
    path = link_in_email(db, "zoe@noel.example", "/sign-up/confirm/")
    assert shop_post(path, {}, base=CORNER).status_code == 404
    assert shop_post(path, {}).status_code == 302
    assert shop_post(path, {}).status_code == 410
    assert db.scalar(select(Account).where(Account.name == "Café Noël")).parent == shops["bright"]


def test_a_sign_up_names_each_field_at_fault_and_sends_nothing(client, db, shops, shop_post):
    response = shop_post("/sign-up", {"name": " ", "company_name": "", "email": "not-an-address", "password": "short"})
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    for field in ("name", "company_name", "email", "password"):
        assert f'id="f-{field}" ' in page and f'id="f-{field}-error"' in page
    assert _emails_to(db, "not-an-address") == []


def test_an_existing_login_joins_its_new_account_and_keeps_its_password(client, db, shops, shop_post):
    """Confirming proves the address: the person gets the new account, and signs in as they always did."""
    shop_post("/sign-up", {**SIGN_UP, "email": "owner@harbour.example"})
    shop_post(link_in_email(db, "owner@harbour.example", "/sign-up/confirm/"), {})
    assert shop_post("/sign-in", {"email": "owner@harbour.example", "password": SIGN_UP["password"]}).status_code == 401
    assert shop_post("/sign-in", {"email": "owner@harbour.example", "password": "cascade-demo"}).status_code == 302
    page = text_of(client.get("/account", base_url=BRIGHT))
    assert "Working in" in page and "Café Noël" in page and "Harbour Dental" in page


def test_signing_up_in_french_sends_the_email_in_french(client, db, shops, shop_post):
    shop_post("/sign-up", SIGN_UP, headers={"Accept-Language": "fr-FR,fr;q=0.9"})
    [email] = _emails_to(db, "zoe@noel.example")
    assert email.subject == "Confirmez votre adresse pour Bright IT"


def test_only_the_shops_own_customers_sign_in_there(client, db, shops, shop_post, reseller_plan):
    reseller_plan("corner", "free")
    # Maple Bakery buys from Bright IT; Corner Computers' shop does not know its people.
    assert shop_post("/sign-in", {"email": "owner@maple.example", "password": "cascade-demo"}, base=CORNER).status_code == 401
    # Bright IT's own people are Northwind's customers, not Bright IT's.
    assert shop_post("/sign-in", {"email": "owner@bright.example", "password": "cascade-demo"}).status_code == 401
    assert shop_post("/sign-in", {"email": "owner@bright.example", "password": "cascade-demo"}, base=NORTHWIND).status_code == 302


def test_a_shop_session_works_on_that_shop_alone(client, db, shops, shop_sign_in, reseller_plan):
    reseller_plan("corner", "free")
    shop_sign_in()
    [login_session] = db.scalars(select(LoginSession).where(LoginSession.revoked_at.is_(None))).all()
    assert login_session.storefront_id is not None
    cookie = client.get_cookie("shop_session", domain="bright.shop.localhost")
    assert cookie is not None
    # The same cookie value, presented to another shop or to the back office, signs nobody in there.
    client.set_cookie("shop_session", cookie.value, domain="corner.shop.localhost")
    assert client.get("/account", base_url=CORNER).status_code == 302
    client.set_cookie("session", cookie.value, domain="localhost")
    assert client.get("/bss/", base_url="http://localhost").status_code == 302


def test_signing_out_ends_the_session(client, db, shops, shop_sign_in, shop_post):
    shop_sign_in()
    assert shop_post("/sign-out", {}).status_code == 302
    assert client.get("/account", base_url=BRIGHT).status_code == 302
    assert db.scalar(select(LoginSession)).revoked_at is not None


def test_the_shop_speaks_the_browsers_language_until_the_visitor_chooses(client, shops):
    page = client.get("/sign-in", base_url=BRIGHT, headers={"Accept-Language": "fr"}).get_data(as_text=True)
    assert '<html lang="fr">' in page and "Se connecter" in page
    response = client.get("/language/en?next=/sign-in", base_url=BRIGHT)
    assert response.status_code == 302 and response.location == "/sign-in"
    page = client.get("/sign-in", base_url=BRIGHT, headers={"Accept-Language": "fr"}).get_data(as_text=True)
    assert '<html lang="en">' in page and "Sign in" in page
    assert client.get("/language/en?next=//evil.example/", base_url=BRIGHT).location == "/"


def test_a_paused_login_is_lifted_from_the_link_the_shop_emails(client, db, shops, shop_post):
    for n in range(MAX_FAILURES_PER_EMAIL):  # guesses from everywhere at one customer's login
        shop_post("/sign-in", {"email": "owner@harbour.example", "password": "not it"},
                  environ_base={"REMOTE_ADDR": f"10.1.{n // 250}.{n % 250}"})
    refused = shop_post("/sign-in", {"email": "owner@harbour.example", "password": "cascade-demo"})
    assert "Too many failed attempts" in text_of(refused)
    email = db.scalars(select(OutboxEmail).where(OutboxEmail.to_address == "owner@harbour.example",
                                                 OutboxEmail.subject == "Sign-ins to your login are paused")).one()
    assert email.sender_name == "Bright IT" and "Northwind" not in email.text_body
    assert f"{BRIGHT}/sign-in/unlock/" in email.text_body  # on the shop, never the platform's host
    link = link_in_email(db, "owner@harbour.example", "/sign-in/unlock/")
    page = client.get(link, base_url=BRIGHT)
    assert page.headers["Referrer-Policy"] == "no-referrer" and "Lift the pause" in text_of(page)
    lifted = shop_post(link, {})
    assert lifted.status_code == 302
    assert shop_post("/sign-in", {"email": "owner@harbour.example", "password": "cascade-demo"}).status_code == 302


def test_after_signing_in_the_pages_leave_the_session_cookie_as_it_is(client, shops, shop_sign_in):
    """The sign-in's answer sets the session with its new form token: a page's forms then re-sign nothing."""
    assert "Set-Cookie" in shop_sign_in().headers
    for path in ("/products", "/account", "/products"):
        page = client.get(path, base_url=BRIGHT)
        assert page.status_code == 200 and "Set-Cookie" not in page.headers, path

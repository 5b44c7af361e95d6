import re

from core.links import links
from core.services.demo import DEMO_PASSWORD
from core.services.people import add_member, create_user, owner_team
from core.services.sign_in import MAX_FAILURES_PER_EMAIL_AND_ADDRESS
from plugin_kit.testing import post_form, text_of
from plugin_kit.testing.app import serving
from tests.bss.backoffice.conftest import PASSWORD


def test_the_sign_in_form_carries_a_csrf_token(client):
    page = client.get("/bss/login").get_data(as_text=True)
    assert re.search(r'name="csrf_token" value="[\w-]{20,}"', page)
    assert 'autocomplete="current-password"' in page


def test_a_form_without_its_token_is_refused_and_changes_nothing(client, demo):
    response = client.post("/bss/login", data={"email": "owner@bright.example", "password": "cascade-demo"})
    assert response.status_code == 400
    assert "expired" in response.get_data(as_text=True)
    assert client.get("/bss/").status_code == 302, "still signed out"


def test_signing_in_lands_on_the_accounts_home(client, demo, login_as):
    login_as("owner@bright.example")
    page = client.get("/bss/").get_data(as_text=True)
    assert "<h1>Bright IT</h1>" in page
    assert "owner@bright.example" in page


def test_a_wrong_password_and_an_unknown_email_read_the_same(client, demo):
    answers = []
    for email, password in (("owner@bright.example", "not the password"), ("ghost@nowhere.example", "cascade-demo")):
        response = post_form(client, "/bss/login", {"email": email, "password": password})
        assert response.status_code == 401
        answers.append(re.search(r'role="alert">([^<]+)<', response.get_data(as_text=True)).group(1))
    assert answers[0] == answers[1] == "That email and password do not match an active account."


def test_the_session_cookie_is_locked_down(client, demo, login_as):
    login_as("owner@bright.example")
    cookie = client.get_cookie("session")
    assert cookie.http_only and cookie.same_site == "Lax"


def test_signing_out_kills_the_session_on_the_server(client, demo, login_as):
    login_as("owner@bright.example")
    stolen = client.get_cookie("session").value
    response = post_form(client, "/bss/logout")
    assert response.status_code == 302
    client.set_cookie("session", stolen)  # replaying the cookie from before sign-out
    assert client.get("/bss/").status_code == 302
    assert "/bss/login" in client.get("/bss/").headers["Location"]


def test_after_sign_in_only_local_pages_are_followed(client, demo):
    for target, expected in (("/bss/accounts", "/bss/accounts"), ("//evil.example/x", "/bss/"),
                             ("https://evil.example", "/bss/")):
        post_form(client, "/bss/logout")
        response = post_form(client, f"/bss/login?next={target}",
                             {"email": "admin@northwind.example", "password": "cascade-demo"})
        assert response.headers["Location"] == expected


def test_a_person_in_two_accounts_switches_without_signing_in_again(client, db, demo, login_as):
    person = create_user(db, email="pat@books.example", name="Pat", password=PASSWORD)
    for account in (demo["bright"], demo["corner"], demo["harbour"]):
        add_member(db, owner_team(db, account), person)
    db.commit()
    login_as("pat@books.example", PASSWORD)
    page = client.get("/bss/").get_data(as_text=True)
    assert "<h1>Bright IT</h1>" in page and "Corner" in page and "Harbour Dental" not in page
    post_form(client, "/bss/switch", {"account_id": demo["corner"].id})
    assert f"<h1>{demo['corner'].name}</h1>" in client.get("/bss/").get_data(as_text=True)
    for elsewhere in (demo["harbour"], demo["northwind"]):  # a customer's, and one the person is not in
        assert post_form(client, "/bss/switch", {"account_id": elsewhere.id}).status_code == 404
    assert f"<h1>{demo['corner'].name}</h1>" in client.get("/bss/").get_data(as_text=True)


def test_a_customer_is_sent_to_its_provider_s_shop_and_gets_no_session(client, shops):
    response = post_form(client, "/bss/login", {"email": "sam@books.example", "password": DEMO_PASSWORD})
    assert response.status_code == 403
    page = text_of(response)
    assert "This sign-in is for the staff of distributors and resellers." in page
    assert f'href="{links.storefront("bright")}sign-in"' in response.get_data(as_text=True)
    assert "Sign in for Harbour Dental" in page and "Sign in for Maple Bakery" in page
    assert client.get("/bss/").status_code == 302, "not signed in"


def test_a_customer_whose_seller_has_no_shop_open_is_told_whom_to_ask(client, demo):
    response = post_form(client, "/bss/login", {"email": "owner@harbour.example", "password": DEMO_PASSWORD})
    assert response.status_code == 403
    assert "Harbour Dental: ask Bright IT, your provider, for access." in text_of(response)


def _sign_in_from(client, address, password):
    return post_form(client, "/bss/login", {"email": "owner@bright.example", "password": password},
                     headers={"X-Forwarded-For": address}, environ_base={"REMOTE_ADDR": "10.9.9.9"})


def test_behind_a_trusted_proxy_a_guesser_does_not_lock_the_owner_out(db, demo, make_app):
    behind = make_app(trusted_proxies=1)  # the proxy is 10.9.9.9
    with serving(behind, db.get_bind()):
        guesser, owner = behind.test_client(), behind.test_client()
        for _ in range(MAX_FAILURES_PER_EMAIL_AND_ADDRESS):
            assert _sign_in_from(guesser, "203.0.113.9", "not the password").status_code == 401
        assert "Too many failed attempts" in _sign_in_from(guesser, "203.0.113.9", "cascade-demo").get_data(
            as_text=True)
        assert _sign_in_from(owner, "198.51.100.1", "cascade-demo").status_code == 302


def test_without_trusted_proxies_the_forwarded_address_is_ignored(client, demo):
    for n in range(MAX_FAILURES_PER_EMAIL_AND_ADDRESS):
        _sign_in_from(client, f"203.0.113.{n}", "not the password")  # anyone can claim any address
    assert "Too many failed attempts" in _sign_in_from(client, "198.51.100.1", "cascade-demo").get_data(as_text=True)

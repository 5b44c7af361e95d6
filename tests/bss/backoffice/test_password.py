import re
from datetime import timedelta

from sqlalchemy import select

from core.models.invitations import PasswordReset
from core.models.outbox import OutboxEmail
from core.models.people import User
from plugin_kit.testing import link_in_email, post_form

HTML = {"Accept": "text/html"}
NEW_PASSWORD = "a brand new password"


def _ask_for_link(client, email):
    return post_form(client, "/bss/password/forgot", {"email": email})


def test_the_forgot_page_answers_the_same_for_known_and_unknown_emails(client, db, demo):
    form = client.get("/bss/password/forgot").get_data(as_text=True)
    assert '<label for="email">Email</label>' in form
    known = _ask_for_link(client, "owner@bright.example")
    unknown = _ask_for_link(client, "ghost@nowhere.example")
    assert known.status_code == unknown.status_code == 200
    assert known.get_data(as_text=True) == unknown.get_data(as_text=True)
    assert "If an account exists for that address, we have sent a link" in known.get_data(as_text=True)
    assert [email.to_address for email in db.scalars(select(OutboxEmail))] == ["owner@bright.example"]


def test_the_link_comes_in_the_person_s_language_else_the_page_s(client, db, demo):
    post_form(client, "/bss/password/forgot", {"email": "owner@bright.example"},
              headers={"Accept-Language": "fr-FR,fr;q=0.9"})
    person = db.scalar(select(User).where(User.email == "owner@corner.example"))
    person.locale = "fr"
    db.commit()
    _ask_for_link(client, "owner@corner.example")  # asked on an English page
    assert [email.subject for email in db.scalars(select(OutboxEmail).order_by(OutboxEmail.id))] == [
        "Réinitialisez votre mot de passe"] * 2


def test_a_blank_email_is_refused_naming_the_field(client, db, demo):
    response = _ask_for_link(client, "  ")
    assert response.status_code == 422 and "Email: Give the email address" in response.get_data(as_text=True)
    assert db.scalars(select(PasswordReset)).all() == []


def test_resetting_signs_out_old_sessions_and_the_new_password_works(app, client, db, demo, login_as):
    login_as("owner@bright.example")
    stolen = client.get_cookie("session").value  # a session from before the reset

    browser = app.test_client()
    _ask_for_link(browser, "owner@bright.example")
    link = link_in_email(db, "owner@bright.example", "/bss/password/reset/")
    page = browser.get(link)
    assert page.status_code == 200 and page.headers["Referrer-Policy"] == "no-referrer"
    assert 'autocomplete="new-password"' in page.get_data(as_text=True)
    response = post_form(browser, link, {"password": NEW_PASSWORD, "confirmation": NEW_PASSWORD})
    assert response.status_code == 302 and response.headers["Location"] == "/bss/login"
    assert "Your password is changed" in browser.get("/bss/login").get_data(as_text=True)

    client.set_cookie("session", stolen)
    old = client.get("/bss/")
    assert old.status_code == 302 and "/bss/login" in old.headers["Location"]

    refused = post_form(browser, "/bss/login", {"email": "owner@bright.example", "password": "cascade-demo"})
    assert refused.status_code == 401
    signed_in = post_form(browser, "/bss/login", {"email": "owner@bright.example", "password": NEW_PASSWORD})
    assert signed_in.status_code == 302
    assert "<h1>Bright IT</h1>" in browser.get("/bss/").get_data(as_text=True)


def test_a_link_works_once(app, client, db, demo):
    _ask_for_link(client, "owner@bright.example")
    link = link_in_email(db, "owner@bright.example", "/bss/password/reset/")
    data = {"password": NEW_PASSWORD, "confirmation": NEW_PASSWORD}
    assert post_form(client, link, data).status_code == 302
    again = post_form(client, link, {"password": "yet another password", "confirmation": "yet another password"},
                      headers=HTML)
    assert again.status_code == 410 and "already been used" in again.get_data(as_text=True)
    login = post_form(client, "/bss/login", {"email": "owner@bright.example", "password": NEW_PASSWORD})
    assert login.status_code == 302, "the second attempt changed nothing"


def test_mismatched_passwords_are_refused_naming_the_field(client, db, demo, login_as):
    _ask_for_link(client, "owner@bright.example")
    link = link_in_email(db, "owner@bright.example", "/bss/password/reset/")
    response = post_form(client, link, {"password": NEW_PASSWORD, "confirmation": "something else"})
    assert response.status_code == 422
    assert "Confirmation: The two passwords differ." in response.get_data(as_text=True)
    assert client.get(link).status_code == 200, "the link still works"
    login_as("owner@bright.example")  # the old password still works


def test_an_expired_or_unknown_link_says_so_and_changes_nothing(client, db, demo, login_as, frozen_clock):
    _ask_for_link(client, "owner@bright.example")
    link = link_in_email(db, "owner@bright.example", "/bss/password/reset/")
    frozen_clock.advance(timedelta(hours=1, seconds=1))
    expired = post_form(client, link, {"password": NEW_PASSWORD, "confirmation": NEW_PASSWORD}, headers=HTML)
    assert expired.status_code == 410 and "expired" in expired.get_data(as_text=True)
    assert re.search(r'href="/bss/password/forgot"', expired.get_data(as_text=True))
    unknown = client.get("/bss/password/reset/made-up", headers=HTML)
    assert unknown.status_code == 404 and "not valid" in unknown.get_data(as_text=True)
    login_as("owner@bright.example")  # the old password still works

"""A person's own settings in the back office: their name, and the language chosen over the browser's."""

from __future__ import annotations

from sqlalchemy import select

from core.models.people import User
from plugin_kit.testing import post_form

ENGLISH_BROWSER = {"Accept-Language": "en-GB,en;q=0.9"}
FRENCH_BROWSER = {"Accept-Language": "fr-FR,fr;q=0.9"}


def test_the_language_a_person_chooses_wins_over_the_browser_s(client, db, demo, login_as):
    login_as("owner@bright.example")
    home = client.get("/bss/", headers=FRENCH_BROWSER).get_data(as_text=True)
    assert '<html lang="fr">' in home and '<a href="/bss/profile">Vos paramètres</a>' in home
    response = post_form(client, "/bss/profile", {"name": "Bright's Owner", "locale": "en"})
    assert response.status_code == 302 and response.headers["Location"] == "/bss/profile"
    assert '<html lang="en">' in client.get("/bss/", headers=FRENCH_BROWSER).get_data(as_text=True)

    post_form(client, "/bss/profile", {"name": "Bright's Owner", "locale": "fr"})
    page = client.get("/bss/profile", headers=ENGLISH_BROWSER).get_data(as_text=True)
    assert '<html lang="fr">' in page and 'value="Bright&#39;s Owner"' in page

    post_form(client, "/bss/profile", {"name": "Bright's Owner", "locale": ""})  # the browser's again
    assert '<html lang="en">' in client.get("/bss/", headers=ENGLISH_BROWSER).get_data(as_text=True)


def test_a_bad_setting_is_refused_naming_the_field_and_nothing_changes(client, db, demo, login_as):
    login_as("owner@bright.example")
    person = db.scalar(select(User).where(User.email == "owner@bright.example"))
    name = person.name
    for form, field, message in (({"name": "Someone", "locale": "de"}, "locale", "Choose one of: en, fr."),
                                 ({"name": "  ", "locale": "fr"}, "name", "Give your name.")):
        response = post_form(client, "/bss/profile", form)
        assert response.status_code == 422
        assert f'id="{field}-error">{message}' in response.get_data(as_text=True)
    db.refresh(person)
    assert (person.name, person.locale) == (name, None)

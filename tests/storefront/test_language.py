"""A signed-in customer's choice of language on the shop is kept as the person's setting: pages and emails follow it."""

from __future__ import annotations

from sqlalchemy import select

from core.models.people import User
from tests.storefront.conftest import BRIGHT


def test_the_language_chosen_on_the_shop_is_the_person_s_from_then_on(client, db, shops, shop_sign_in):
    shop_sign_in()
    assert client.get("/language/fr?next=/account", base_url=BRIGHT).status_code == 302
    person = db.scalar(select(User).where(User.email == "owner@harbour.example"))
    db.refresh(person)
    assert person.locale == "fr"
    with client.session_transaction(base_url=BRIGHT) as session:  # another browser, an English one
        session.clear()
    shop_sign_in()
    page = client.get("/account", base_url=BRIGHT, headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert '<html lang="fr"' in page

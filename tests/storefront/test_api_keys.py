"""API keys on the storefront: a customer makes one for its own programs, uses it on the shop's host, revokes it."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from core.models.api_keys import ApiKey
from core.models.people import Team
from core.services.api_keys import create_api_key
from plugin_kit.testing import text_of
from tests.storefront.conftest import BRIGHT


@pytest.fixture
def owner(shops, shop_sign_in):
    """Harbour Dental's owner, signed in on Bright IT's shop."""
    shop_sign_in()
    return shops["harbour"]


def owners_team(db, account):
    return db.scalar(select(Team).where(Team.account_id == account.id, Team.is_owner))


def keys_of(db, account):
    return list(db.scalars(select(ApiKey).join(Team).where(Team.account_id == account.id)))


def test_a_customer_makes_a_key_sees_it_once_and_its_programs_use_it_on_the_shop(client, db, owner, shop_post):
    response = shop_post("/api-keys", {"name": "Our website", "team_id": owners_team(db, owner).id})
    assert response.status_code == 200
    secret = re.search(r"csk_[\w-]{20,}", response.get_data(as_text=True)).group(0)
    assert "Copy it now: it is shown this once" in text_of(response)
    listed = text_of(client.get("/api-keys", base_url=BRIGHT))
    assert "Our website" in listed and secret not in listed and "never" in listed

    answer = client.get("/api/v1/me", base_url=BRIGHT, headers={"Authorization": f"Bearer {secret}"})
    assert answer.status_code == 200 and answer.json["account"]["name"] == "Harbour Dental"


def test_a_key_needs_a_name_and_one_of_the_person_s_teams_and_nothing_is_made_otherwise(db, owner, shops, shop_post):
    response = shop_post("/api-keys", {"name": " ", "team_id": owners_team(db, shops["maple"]).id})
    assert response.status_code == 422
    text = text_of(response)
    assert "Name the key after what will use it." in text and "Choose one of your teams." in text
    assert keys_of(db, owner) == [] and keys_of(db, shops["maple"]) == []


def test_revoking_asks_first_then_the_key_is_refused(client, db, owner, shop_post):
    secret = re.search(r"csk_[\w-]{20,}", shop_post("/api-keys", {"name": "Script", "team_id": owners_team(db, owner).id})
                       .get_data(as_text=True)).group(0)
    (key,) = keys_of(db, owner)
    asked = shop_post(f"/api-keys/{key.id}/revoke")
    assert asked.status_code == 200 and "Revoke the key Script" in text_of(asked)
    assert client.get("/api/v1/me", base_url=BRIGHT, headers={"Authorization": f"Bearer {secret}"}).status_code == 200

    done = shop_post(f"/api-keys/{key.id}/revoke", {"confirmed": "1"})
    assert done.status_code == 302 and "no longer works" in text_of(client.get("/api-keys", base_url=BRIGHT))
    assert client.get("/api/v1/me", base_url=BRIGHT, headers={"Authorization": f"Bearer {secret}"}).status_code == 401


def test_another_account_s_key_is_not_found(db, owner, shops, shop_post):
    team = owners_team(db, shops["maple"])
    foreign = create_api_key(db, user=team.memberships[0].user, team=team, name="Maple's").api_key
    db.commit()
    assert shop_post(f"/api-keys/{foreign.id}/revoke").status_code == 404
    assert shop_post(f"/api-keys/{foreign.id}/revoke", {"confirmed": "1"}).status_code == 404
    assert foreign.revoked_at is None


def test_the_page_is_in_the_customer_s_language(client, owner):
    page = text_of(client.get("/api-keys", base_url=BRIGHT, headers={"Accept-Language": "fr-FR,fr;q=0.9"}))
    assert "Clés d'API" in page and "Créer la clé" in page

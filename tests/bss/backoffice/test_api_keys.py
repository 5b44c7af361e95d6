import re

from sqlalchemy import select

from core.models.api_keys import ApiKey
from core.models.people import Team, User
from core.services.api_keys import authenticate_api_key
from core.services.people import add_member
from plugin_kit.testing import post_form, text_of


def _create(client, name="Website", team_id=None):
    page = client.get("/bss/api-keys").get_data(as_text=True)
    team_id = team_id or re.search(r'<option value="(\d+)">Owners</option>', page).group(1)
    return post_form(client, "/bss/api-keys", {"name": name, "team_id": team_id})


def test_a_key_is_shown_once_and_stored_hashed(client, demo, login_as, db):
    login_as("owner@bright.example")
    response = _create(client)
    assert response.status_code == 200
    secret = re.search(r'<code class="secret">(csk_[\w-]+)</code>', response.get_data(as_text=True)).group(1)
    stored = db.scalars(select(ApiKey)).one()
    assert secret not in (stored.key_hash, stored.prefix) and secret.startswith(stored.prefix)
    assert authenticate_api_key(db, secret).id == stored.id
    assert secret not in client.get("/bss/api-keys").get_data(as_text=True), "never shown again"


def test_a_revoked_key_stops_working(client, demo, login_as, db):
    login_as("owner@bright.example")
    secret = re.search(r"(csk_[\w-]+)", _create(client).get_data(as_text=True)).group(1)
    key_id = db.scalars(select(ApiKey.id)).one()
    asked = post_form(client, f"/bss/api-keys/{key_id}/revoke")  # asks first, changing nothing
    assert asked.status_code == 200 and "Every program that uses it is refused from then on." in asked.get_data(as_text=True)
    assert authenticate_api_key(db, secret) is not None
    post_form(client, f"/bss/api-keys/{key_id}/revoke", {"confirmed": "1"})
    assert authenticate_api_key(db, secret) is None
    assert "revoked" in client.get("/bss/api-keys").get_data(as_text=True)


def test_a_key_needs_a_name_and_one_of_your_teams(client, demo, login_as, db):
    login_as("owner@bright.example")
    assert _create(client, name=" ").status_code == 422
    corner_team = db.scalar(select(Team).where(Team.account_id == demo["corner"].id))
    assert _create(client, team_id=corner_team.id).status_code == 422
    assert db.scalars(select(ApiKey)).all() == []


def test_keys_of_other_accounts_cannot_be_revoked(client, demo, login_as, db):
    login_as("owner@corner.example")
    _create(client)
    corner_key = db.scalars(select(ApiKey)).one()
    post_form(client, "/bss/logout")
    login_as("owner@bright.example")
    for confirmed in ({}, {"confirmed": "1"}):
        assert post_form(client, f"/bss/api-keys/{corner_key.id}/revoke", confirmed).status_code == 404
    db.refresh(corner_key)
    assert corner_key.revoked_at is None


def test_a_key_dies_with_its_persons_membership(client, demo, login_as, db):
    bright = demo["bright"]
    helpdesk = Team(account=bright, name="Helpdesk", permissions=["support"])
    db.add(helpdesk)
    person = db.scalar(select(User).where(User.email == "owner@bright.example"))
    membership = add_member(db, helpdesk, person)
    db.commit()
    login_as("owner@bright.example")
    secret = re.search(r"(csk_[\w-]+)", _create(client, team_id=helpdesk.id).get_data(as_text=True)).group(1)
    assert authenticate_api_key(db, secret) is not None
    db.delete(membership)
    db.commit()
    assert authenticate_api_key(db, secret) is None


def test_a_reseller_without_api_access_is_told_before_making_a_key(client, login_as, reseller_plan):
    reseller_plan("corner", "basic")
    login_as("owner@corner.example")
    assert "The plan Corner Computers is on does not include API access: Standard does." in text_of(client.get("/bss/api-keys"))
    reseller_plan("corner", "standard")
    assert "does not include API access" not in text_of(client.get("/bss/api-keys"))

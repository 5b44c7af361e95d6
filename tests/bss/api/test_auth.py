import pytest
from sqlalchemy import delete, select

from core.clock import utcnow
from core.models.api_keys import ApiKey
from core.models.people import Membership, User
from core.services.api_keys import revoke_api_key
from core.services.people import owner_team


def assert_asks_for_a_key(response):
    assert response.status_code == 401
    assert response.mimetype == "application/problem+json"
    assert response.headers["WWW-Authenticate"] == 'Bearer realm="api"'  # naming no platform
    assert response.json["title"] == "Not signed in"


@pytest.mark.parametrize(
    "authorization",
    [None, "Bearer", "Bearer csk_not-a-key", "Bearer not-even-shaped-like-one", "Basic b3duZXI6cGFzc3dvcmQ="],
)
def test_no_valid_key_no_answer(client, demo, authorization):
    headers = {"Authorization": authorization} if authorization else {}
    for path in ("/api/v1/me", "/api/v1/accounts", f"/api/v1/accounts/{demo['harbour'].id}"):
        assert_asks_for_a_key(client.get(path, headers=headers))
    assert_asks_for_a_key(client.post("/api/v1/accounts", json={}, headers=headers))


def test_a_revoked_key_stops_working(client, db, demo, make_key):
    secret = make_key("bright")
    headers = {"Authorization": f"Bearer {secret}"}
    assert client.get("/api/v1/me", headers=headers).status_code == 200
    api_key = db.scalars(select(ApiKey).where(ApiKey.prefix == secret[:12])).one()
    revoke_api_key(db, account=demo["bright"], api_key_id=api_key.id, by=api_key.user)
    db.commit()
    assert_asks_for_a_key(client.get("/api/v1/me", headers=headers))


def test_a_key_stops_working_when_its_person_leaves_the_team(client, db, demo, make_key):
    secret = make_key("bright")
    team = owner_team(db, demo["bright"])
    db.execute(delete(Membership).where(Membership.team_id == team.id))
    db.commit()
    assert_asks_for_a_key(client.get("/api/v1/me", headers={"Authorization": f"Bearer {secret}"}))


def test_a_signed_in_browser_is_not_an_api_caller(client, demo, login_as):
    login_as("owner@bright.example")
    assert client.get("/bss/accounts").status_code == 200, "the cookie works in the back office"
    assert_asks_for_a_key(client.get("/api/v1/me"))
    assert_asks_for_a_key(client.get("/api/v1/accounts"))
    response = client.post("/api/v1/accounts", json={"kind": "customer", "name": "Cookie Co", "slug": "cookie-co"})
    assert_asks_for_a_key(response)


def test_each_use_of_a_key_is_recorded(client, db, demo, make_key, frozen_clock):
    secret = make_key("bright")
    api_key = db.scalars(select(ApiKey).where(ApiKey.prefix == secret[:12])).one()
    assert api_key.last_used_at is None
    client.get("/api/v1/me", headers={"Authorization": f"Bearer {secret}"})
    db.expire_all()
    assert db.get(ApiKey, api_key.id).last_used_at == utcnow()


def test_me_is_the_keys_person_account_and_permissions(api_as, demo):
    body = api_as("bright").get("/api/v1/me").json
    assert body["user"]["email"] == "owner@bright.example"
    assert body["user"]["id"].isdigit()
    assert body["account"]["id"] == str(demo["bright"].id)
    assert body["account"]["name"] == "Bright IT"
    assert body["team"]["name"] == "Owners"
    assert "manage_accounts" in body["permissions"] and body["permissions"] == sorted(body["permissions"])


def test_a_key_acts_with_its_teams_permissions_only(api_as, make_team):
    sales = make_team("bright", "Sales", ["purchase", "renew"])
    body = api_as("bright", sales).get("/api/v1/me").json
    assert body["team"]["name"] == "Sales"
    assert body["permissions"] == ["purchase", "renew"]


def test_a_disabled_person_s_key_stops_working(client, db, demo, make_key):
    secret = make_key("bright")
    db.scalars(select(User).where(User.email == "owner@bright.example")).one().active = False
    db.commit()
    assert_asks_for_a_key(client.get("/api/v1/me", headers={"Authorization": f"Bearer {secret}"}))

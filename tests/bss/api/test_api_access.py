"""The API is part of a reseller's Standard plan: Basic and Free resellers are told which plan has it."""

from core.services.api_keys import create_api_key
from core.services.people import owner_team


def _raw_key(db, account):
    """A key made without the fixtures' plan: what the reseller's own back office would make."""
    team = owner_team(db, account)
    secret = create_api_key(db, user=team.memberships[0].user, team=team, name="site").secret
    db.commit()
    return {"Authorization": f"Bearer {secret}"}


def test_a_reseller_needs_the_standard_plan_to_use_the_api(client, db, demo, reseller_plan):
    headers = _raw_key(db, demo["corner"])
    reseller_plan("corner", "basic")
    refused = client.get("/api/v1/me", headers=headers)
    assert refused.status_code == 403 and refused.mimetype == "application/problem+json"
    assert refused.json["detail"] == "The plan Corner Computers is on does not include API access: Standard does."
    reseller_plan("corner", "free")
    assert client.get("/api/v1/me", headers=headers).status_code == 403
    reseller_plan("corner", "standard")
    assert client.get("/api/v1/me", headers=headers).status_code == 200


def test_customers_and_distributors_use_the_api_on_any_plan(client, db, demo):
    for slug in ("harbour", "northwind"):
        assert client.get("/api/v1/me", headers=_raw_key(db, demo[slug])).status_code == 200

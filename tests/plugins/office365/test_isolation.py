"""No customer reaches another's tenant users, by subscription id or by user id, over the API."""

import pytest

MISSING = 987_654_321


@pytest.fixture
def tenants(db, demo, buy_seats, api_as):
    """Harbour Dental and Maple Bakery (both Bright IT's customers), each with a tenant and a user in it."""
    found = {}
    for slug, prefix in (("harbour", "harbourdental"), ("maple", "maplebakery")):
        subscription = buy_seats(slug, 2, tenant_prefix=prefix)
        api = api_as(slug)
        users = f"/api/v1/subscriptions/{subscription.id}/users"
        user = api.post(users, json={"display_name": "Owner", "user_principal_name": f"owner@{prefix}.onmicrosoft.com"})
        found[slug] = (api, users, user.json["user"]["id"])
    return found


def test_another_customers_subscription_answers_as_a_missing_one(tenants):
    maple, _, _ = tenants["maple"]
    _, harbour_users, harbour_user = tenants["harbour"]
    missing_users = f"/api/v1/subscriptions/{MISSING}/users"
    for method, suffix in (("GET", ""), ("POST", ""), ("GET", f"/{harbour_user}"), ("PATCH", f"/{harbour_user}"),
                           ("DELETE", f"/{harbour_user}"), ("POST", f"/{harbour_user}/disable"),
                           ("POST", f"/{harbour_user}/reset-password"), ("POST", f"/{harbour_user}/remove-licence")):
        body = {"json": {"display_name": "Intruder", "user_principal_name": "x@harbourdental.onmicrosoft.com"}}
        foreign = maple.open(method, harbour_users + suffix, **body)
        missing = maple.open(method, missing_users + suffix, **body)
        assert (foreign.status_code, missing.status_code) == (404, 404), f"{method} {suffix}"
        assert "Harbour" not in foreign.get_data(as_text=True)
    harbour, _, _ = tenants["harbour"]
    (user,) = harbour.get(harbour_users).json["items"]
    assert (user["display_name"], user["enabled"], user["licensed"]) == ("Owner", True, True)


def test_another_tenants_user_id_is_not_found_under_ones_own_subscription(tenants):
    maple, maple_users, _ = tenants["maple"]
    _, _, harbour_user = tenants["harbour"]
    for method, suffix in (("GET", ""), ("DELETE", ""), ("POST", "/disable"), ("POST", "/remove-licence"),
                           ("POST", "/reset-password"), ("PATCH", "")):
        answer = maple.open(method, f"{maple_users}/{harbour_user}{suffix}", json={"display_name": "Intruder"})
        assert answer.status_code == 404, f"{method} {suffix}"
    harbour, harbour_users, _ = tenants["harbour"]
    assert harbour.get(f"{harbour_users}/{harbour_user}").json["display_name"] == "Owner"


def test_the_customers_reseller_manages_them_and_another_reseller_does_not(tenants, api_as):
    _, harbour_users, harbour_user = tenants["harbour"]
    assert api_as("bright").get(f"{harbour_users}/{harbour_user}").status_code == 200
    assert api_as("corner").get(f"{harbour_users}/{harbour_user}").status_code == 404

"""``/api/v1/subscriptions/{id}/users``: a customer manages its tenant's users and licences, within
the seats it bought, through the API (and Microsoft, the simulator, over HTTP)."""

import pytest
from sqlalchemy import select

from core.models.audit import AuditEvent
from plugin_kit.testing import provision_due
from tests.bss.api.conftest import documented


@pytest.fixture
def harbour(db, demo, buy_seats, api_as):
    """Harbour Dental's 2 Business Basic seats, and its API client."""
    subscription = buy_seats("harbour", 2, tenant_prefix="harbourdental")
    return api_as("harbour"), f"/api/v1/subscriptions/{subscription.id}/users"


def _create(api, users, local, **body):
    return api.post(users, json={"display_name": local.title(),
                                 "user_principal_name": f"{local}@harbourdental.onmicrosoft.com", **body})


def test_a_customer_creates_users_with_a_temporary_password_shown_once(client, db, harbour):
    api, users = harbour
    created = _create(api, users, "alex", display_name="Alex  Morgan")
    assert created.status_code == 201, created.json
    documented(client, created, "/api/v1/subscriptions/{subscription_id}/users", "post")
    user, password = created.json["user"], created.json["temporary_password"]
    assert {key: user[key] for key in ("user_principal_name", "display_name", "licensed", "enabled")} == {
        "user_principal_name": "alex@harbourdental.onmicrosoft.com", "display_name": "Alex Morgan",
        "licensed": True, "enabled": True}
    assert len(password) == 16
    listed = api.get(users)
    documented(client, listed, "/api/v1/subscriptions/{subscription_id}/users", "get")
    assert listed.json["items"] == [user]
    assert listed.json["seats"] == {"bought": 2, "assigned": 1, "free": 1}
    assert password not in api.get(f"{users}/{user['id']}").get_data(as_text=True)
    (recorded,) = db.scalars(select(AuditEvent).where(AuditEvent.action == "product_user.created")).all()
    assert recorded.changes["user_principal_name"] == "alex@harbourdental.onmicrosoft.com"
    assert password not in str(recorded.changes)


def test_a_licence_is_refused_once_the_seats_run_out(harbour):
    api, users = harbour
    assert _create(api, users, "alex").status_code == 201
    bea = _create(api, users, "bea").json["user"]
    refused = _create(api, users, "cal")
    assert refused.status_code == 409
    assert refused.json["detail"] == ("All 2 seats of Microsoft 365 Business Basic are in use: remove a licence from "
                                      "someone, or buy more seats.")
    cal = _create(api, users, "cal", licensed=False).json["user"]
    assert cal["licensed"] is False
    assert api.post(f"{users}/{cal['id']}/assign-licence").status_code == 409
    assert api.post(f"{users}/{bea['id']}/remove-licence").json["licensed"] is False
    assert api.post(f"{users}/{cal['id']}/assign-licence").json["licensed"] is True
    assert api.get(users).json["seats"] == {"bought": 2, "assigned": 2, "free": 0}


def test_buying_more_seats_frees_some(db, harbour):
    api, users = harbour
    for local in ("alex", "bea"):
        _create(api, users, local)
    subscription_id = users.split("/")[-2]
    assert api.post(f"/api/v1/subscriptions/{subscription_id}/change", json={"quantity": 3}).status_code == 200
    provision_due(db)
    assert api.get(users).json["seats"] == {"bought": 3, "assigned": 2, "free": 1}
    assert _create(api, users, "cal").status_code == 201


def test_a_user_is_renamed_disabled_enabled_given_a_new_password_and_deleted(harbour):
    api, users = harbour
    alex = _create(api, users, "alex").json["user"]
    at = f"{users}/{alex['id']}"
    renamed = api.patch(at, json={"display_name": "Alexandra Morgan",
                                  "user_principal_name": "alexandra@harbourdental.onmicrosoft.com"})
    assert (renamed.json["display_name"], renamed.json["user_principal_name"]) == (
        "Alexandra Morgan", "alexandra@harbourdental.onmicrosoft.com")
    assert api.post(f"{at}/disable").json["enabled"] is False
    assert api.post(f"{at}/enable").json["enabled"] is True
    reset = api.post(f"{at}/reset-password")
    assert reset.status_code == 200 and len(reset.json["temporary_password"]) == 16
    assert api.open("DELETE", at).json["id"] == alex["id"]
    assert api.get(at).status_code == 404
    assert api.get(users).json == {"items": [], "next": None, "seats": {"bought": 2, "assigned": 0, "free": 2}}


@pytest.mark.parametrize(("body", "field", "message"), [
    ({"display_name": " ", "user_principal_name": "alex@harbourdental.onmicrosoft.com"}, "display_name",
     "Give the person's name."),
    ({"display_name": "Alex", "user_principal_name": "alex"}, "user_principal_name",
     "Write it as name@domain, e.g. alex@harbourdental.onmicrosoft.com."),
    ({"display_name": "Alex", "user_principal_name": "alex@example.com"}, "user_principal_name",
     "example.com is not a domain of this tenant: use harbourdental.onmicrosoft.com."),
    ({"display_name": "Alex", "user_principal_name": "al..ex@harbourdental.onmicrosoft.com"}, "user_principal_name",
     "Before the @, use at most 64 letters, digits and . - _ ' ! # ^ ~ (no dot first, last or twice in a row)."),
])
def test_bad_names_are_refused_naming_the_field(harbour, body, field, message):
    api, users = harbour
    refused = api.post(users, json=body)
    assert refused.status_code == 422
    assert refused.json["fields"] == {field: [message]}
    assert api.get(users).json["items"] == []


def test_a_name_already_used_is_refused(harbour):
    api, users = harbour
    _create(api, users, "alex")
    refused = _create(api, users, "alex")
    assert refused.status_code == 422
    assert refused.json["fields"] == {"user_principal_name": [
        "Another object with the same value for property userPrincipalName already exists."]}


def test_managing_users_needs_the_permission(harbour, api_as, make_team):
    _, users = harbour
    billing = api_as("harbour", make_team("harbour", "Billing", ["view_billing"]))
    assert billing.get(users).status_code == 403
    assert billing.post(users, json={"display_name": "X", "user_principal_name": "x@harbourdental.onmicrosoft.com"}
                        ).status_code == 403


def test_microsoft_not_answering_is_a_503_to_try_again(harbour, microsoft):
    api, users = harbour
    microsoft.misbehave("/v1.0/", status=503)
    answer = api.get(users)
    assert answer.status_code == 503
    assert answer.json["detail"].startswith("Microsoft is not answering just now")


def test_a_product_without_users_has_none_to_manage(db, subscribe, api_as):
    subscription = subscribe("harbour")
    assert api_as("harbour").get(f"/api/v1/subscriptions/{subscription.id}/users").json["detail"] == (
        "Fake product has no users to manage.")

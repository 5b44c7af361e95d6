import pytest


def test_teams_of_an_account_below(api_as, demo, make_team):
    make_team("harbour", "Front desk", ["purchase"])
    body = api_as("bright").get(f"/api/v1/accounts/{demo['harbour'].id}/teams").json
    assert body["next"] is None
    owners, desk = body["items"]
    assert owners["name"] == "Owners" and owners["is_owner"] is True
    assert owners["member_count"] == 2, "owner@harbour and the bookkeeper"
    assert "manage_team" in owners["permissions"] and "on_account" in owners["payment_methods"]
    assert owners["receives_renewal_reminders"] is True
    assert desk == {
        "id": desk["id"],
        "name": "Front desk",
        "is_owner": False,
        "permissions": ["purchase"],
        "payment_methods": [],
        "receives_renewal_reminders": False,
        "member_count": 2,
        "created_at": desk["created_at"],
    }
    assert desk["id"].isdigit() and desk["created_at"].endswith("Z")


def test_members_of_an_account_with_their_teams(api_as, demo, make_team):
    make_team("harbour", "Front desk", ["purchase"])
    body = api_as("bright").get(f"/api/v1/accounts/{demo['harbour'].id}/members").json
    assert body["next"] is None
    assert [(member["email"], [team["name"] for team in member["teams"]]) for member in body["items"]] == [
        ("owner@harbour.example", ["Front desk", "Owners"]),
        ("sam@books.example", ["Front desk", "Owners"]),
    ]
    sam = body["items"][1]
    assert sam["id"].isdigit() and sam["name"] == "Sam at Books"
    assert all(team["id"].isdigit() for team in sam["teams"])


def test_an_account_reads_its_own_teams(api_as, demo):
    body = api_as("bright").get(f"/api/v1/accounts/{demo['bright'].id}/members").json
    assert [member["email"] for member in body["items"]] == ["owner@bright.example"]


@pytest.mark.parametrize("resource", ["teams", "members"])
def test_teams_and_members_need_manage_team(api_as, demo, make_team, resource):
    support = api_as("bright", make_team("bright", "Support", ["support", "manage_accounts"]))
    response = support.get(f"/api/v1/accounts/{demo['harbour'].id}/{resource}")
    assert response.status_code == 403
    assert response.mimetype == "application/problem+json"
    assert "sam@books.example" not in response.get_data(as_text=True)

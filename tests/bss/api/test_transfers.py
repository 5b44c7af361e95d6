"""``/api/v1/transfers``: each party's part, through API keys, and nobody else's."""

from __future__ import annotations

from tests.bss.api.conftest import documented

MISSING_ID = 987_654_321


def test_a_reseller_asks_for_a_customer_by_domain_and_the_customer_consents(client, api_as, db, demo, shops):
    bright, solo = api_as("bright"), api_as("solo")
    started = bright.post("/api/v1/transfers", json={"domain": "solo-consulting.example"})
    assert started.status_code == 201, started.json
    documented(client, started, "/api/v1/transfers", "post")
    transfer = started.json
    assert (transfer["status"], transfer["kind"]) == ("awaiting_customer_consent", "to_reseller")
    assert transfer["account"] == {"id": None, "name": None, "domain": "solo-consulting.example"}
    assert started.headers["Location"].endswith(f"/api/v1/transfers/{transfer['id']}")

    asked = solo.get(f"/api/v1/transfers/{transfer['id']}").json
    assert asked["may_consent"] and asked["consent_words"] == (
        "We, solo-consulting.example, authorize the transfer of our account to Bright IT.")
    done = solo.post(f"/api/v1/transfers/{transfer['id']}/consent")

    assert done.status_code == 200, done.json
    documented(client, done, "/api/v1/transfers/{transfer_id}/consent", "post")
    assert done.json["status"] == "completed"
    known = bright.get(f"/api/v1/transfers/{transfer['id']}").json["account"]
    assert known == {"id": str(demo["solo"].id), "name": "Solo Consulting", "domain": "solo-consulting.example"}


def test_only_the_parties_see_a_transfer(client, api_as, demo, shops):
    transfer = api_as("bright").post("/api/v1/transfers", json={"domain": "solo-consulting.example"}).json
    for stranger in ("corner", "harbour"):
        assert api_as(stranger).get(f"/api/v1/transfers/{transfer['id']}").status_code == 404
        assert api_as(stranger).get("/api/v1/transfers").json["items"] == []
    assert api_as("northwind").get(f"/api/v1/transfers/{transfer['id']}").status_code == 200
    assert api_as("solo").get(f"/api/v1/transfers/{MISSING_ID}").status_code == 404


def test_a_second_transfer_of_the_same_account_is_a_conflict(api_as, shops):
    assert api_as("bright").post("/api/v1/transfers", json={"domain": "solo-consulting.example"}).status_code == 201
    again = api_as("solo").post("/api/v1/transfers", json={"to_storefront": "bright.shop.localhost"})
    assert again.status_code == 409 and "under way already" in again.json["detail"]


def test_bad_input_names_the_field_and_writes_nothing(api_as, shops):
    bright = api_as("bright")
    for body, field in (({"domain": "nobody.example"}, "domain"), ({"domain": 7}, "domain"),
                        ({"domain": "solo-consulting.example", "account_id": "6"}, "domain"),
                        ({"domain": "solo-consulting.example", "colour": "red"}, "colour")):
        refused = bright.post("/api/v1/transfers", json=body)
        assert refused.status_code in (404, 422) and field in refused.json["fields"], (body, refused.json)
    assert bright.get("/api/v1/transfers").json["items"] == []


def test_the_customer_refuses_with_a_reason_and_the_reseller_reads_it(api_as, shops):
    transfer = api_as("bright").post("/api/v1/transfers", json={"domain": "solo-consulting.example"}).json
    refused = api_as("solo").post(f"/api/v1/transfers/{transfer['id']}/reject", json={"reason": "We stay."})
    assert (refused.status_code, refused.json["status"]) == (200, "rejected")
    assert api_as("bright").get(f"/api/v1/transfers/{transfer['id']}").json["reason"] == "We stay."
    late = api_as("solo").post(f"/api/v1/transfers/{transfer['id']}/consent")
    assert late.status_code == 409

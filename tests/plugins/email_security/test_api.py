"""``/api/v1/subscriptions/{id}/email-security``: the account through the API, documented in the OpenAPI document."""

from plugin_kit.testing import provision_due

SPF = "v=spf1 include:spf.filter.example ~all"


def test_an_account_is_read_changed_and_checked_through_the_api(db, demo, account, api_as, service, dns_server):
    subscription = account("maple", "maple-bakery.example", 5, "filtering-archiving", extra_domains=["maple-cakes.example"],
                           slots=2)
    maple = api_as("maple")
    base = f"/api/v1/subscriptions/{subscription.id}/email-security"
    read = maple.get(base).get_json()
    assert (read["domain"], read["users"], read["extra_domains"]) == ("maple-bakery.example", 5, {"bought": 2, "free": 1})
    assert read["services"] == [{"key": "hosted_email", "on": False}, {"key": "archiving", "on": True},
                                {"key": "encryption", "on": False}]
    assert read["mx_records"] == [{"host": "mx1.filter.example", "priority": 10},
                                  {"host": "mx2.filter.example", "priority": 20}]
    assert read["spf_record"] == SPF
    assert [(domain["display_name"], domain["dns_status"]) for domain in read["domains"]] == [
        ("maple-bakery.example", "unchecked"), ("maple-cakes.example", "unchecked")]

    added = maple.post(f"{base}/domains", json={"domain": "bücher-maple.example"}, headers={"Idempotency-Key": "add-1"})
    assert added.status_code == 201, added.get_json()
    assert (added.get_json()["name"], added.get_json()["display_name"]) == ("xn--bcher-maple-thb.example",
                                                                          "bücher-maple.example")
    full = maple.post(f"{base}/domains", json={"domain": "maple-pies.example"})
    assert full.status_code == 409 and "uses them all" in full.get_json()["detail"]
    bad = maple.post(f"{base}/domains", json={"domain": "maple pies"})
    assert bad.status_code == 422 and "domain" in bad.get_json()["fields"]

    dns_server.publish("maple-bakery.example", mx=["mx1.filter.example", "mx2.filter.example"], txt=[SPF])
    checked = maple.post(f"{base}/dns-check").get_json()["items"]
    assert [(item["name"], item["dns_status"], item["dns_reason"]) for item in checked] == [
        ("maple-bakery.example", "protected", "ok"), ("maple-cakes.example", "pending", "no_mx"),
        ("xn--bcher-maple-thb.example", "pending", "no_mx")]

    removed = maple.open("DELETE", f"{base}/domains/bücher-maple.example")
    assert removed.status_code == 200 and removed.get_json()["extra_domains"] == {"bought": 2, "free": 1}

    changed = maple.post(f"{base}/services", json={"services": ["archiving", "hosted_email"]})
    assert changed.status_code == 202 and changed.get_json()["services"] == ["hosted_email", "archiving"]
    provision_due(db)
    assert service.accounts()["maple-bakery.example"]["services"] == ["filtering", "hosted_email", "archiving"]
    assert maple.post(f"{base}/services", json={"services": ["faxes"]}).status_code == 422

    found = maple.get(f"{base}/archive?q=invoice").get_json()["items"]
    assert [message["subject"] for message in found] == ["Invoice 1042 for March"]
    restored = maple.post(f"{base}/archive/{found[0]['id']}/restore")
    assert restored.status_code == 200 and restored.get_json()["to"] == "accounts@maple-bakery.example"
    assert restored.get_json()["restored_at"] is not None


def test_the_routes_are_documented(client):
    paths = client.get("/api/v1/openapi.json").get_json()["paths"]
    base = "/api/v1/subscriptions/{subscription_id}/email-security"
    assert {"get"} <= paths[base].keys()
    assert {"post"} <= paths[f"{base}/domains"].keys() and {"delete"} <= paths[f"{base}/domains/{{domain}}"].keys()
    assert {"post"} <= paths[f"{base}/dns-check"].keys() and {"post"} <= paths[f"{base}/services"].keys()
    assert {"get"} <= paths[f"{base}/archive"].keys()
    assert {"post"} <= paths[f"{base}/archive/{{message_id}}/restore"].keys()

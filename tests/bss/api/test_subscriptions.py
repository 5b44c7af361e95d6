import pytest

from core.product_lifecycle import LifecycleAction, Result
from plugin_kit.testing import provision_due
from tests.bss.api.conftest import documented

MISSING_ID = 987_654_321


def eur(amount):
    return {"amount": amount, "currency": "EUR"}


def act(client, subscription, action, **body):
    return client.post(f"/api/v1/subscriptions/{subscription['id']}/{action}", json=body)


def read(client, subscription):
    return client.get(f"/api/v1/subscriptions/{subscription['id']}").json


def test_a_subscription_answers_its_plan_dates_and_price(client, api_as, demo, fake_catalog, subscribe_by_api):
    subscription = subscribe_by_api("harbour", quantity=2)
    assert {key: subscription[key] for key in ("account_id", "payer_id", "seller_id", "product_id", "plan_id", "quantity",
                                                "status", "suspend_reason", "params", "auto_renew", "cancel_at",
                                                "scheduled_change", "provisioning")} == {
        "account_id": str(demo["harbour"].id), "payer_id": str(demo["harbour"].id), "seller_id": str(demo["bright"].id),
        "product_id": str(fake_catalog["small"].product_id), "plan_id": str(fake_catalog["small"].id), "quantity": 2,
        "status": "active", "suspend_reason": None, "params": {}, "auto_renew": True, "cancel_at": None,
        "scheduled_change": None, "provisioning": None,
    }
    assert (subscription["unit_price"], subscription["total"]) == (eur("14.38"), eur("28.76"))
    assert subscription["started_at"] == subscription["current_period_start"] and subscription["started_at"].endswith("Z")
    assert subscription["current_period_end"] > subscription["current_period_start"]
    documented(client, api_as("harbour").get(f"/api/v1/subscriptions/{subscription['id']}"),
               "/api/v1/subscriptions/{subscription_id}", "get")


def test_the_list_filters_and_pages_by_id(api_as, demo, fake_catalog, subscribe_by_api):
    small, large, maples = subscribe_by_api("harbour"), subscribe_by_api("harbour", "large"), subscribe_by_api("maple")
    bright = api_as("bright")

    def ids(client, query=""):
        response = client.get(f"/api/v1/subscriptions?{query}")
        assert response.status_code == 200, response.json
        return [item["id"] for item in response.json["items"]]

    assert ids(bright, f"product_id={small['product_id']}") == [small["id"], large["id"], maples["id"]]
    assert ids(bright, f"account_id={demo['harbour'].id}") == [small["id"], large["id"]]
    assert ids(bright, "status=trial") == [large["id"]]
    assert ids(bright, f"product_id={fake_catalog['small'].product_id}&status=active") == [small["id"], maples["id"]]
    assert ids(bright, f"product_id={MISSING_ID}") == []
    assert ids(api_as("harbour")) == [small["id"], large["id"]]
    assert ids(api_as("maple")) == [maples["id"]]
    owners = {item["account_id"] for item in api_as("corner").get("/api/v1/subscriptions").json["items"]}
    assert owners == {str(demo["corner"].id)}  # its own reseller plan, nothing of Bright IT's
    pages, url = [], f"/api/v1/subscriptions?limit=2&product_id={small['product_id']}"
    while url:
        page = bright.get(url).json
        pages.append([item["id"] for item in page["items"]])
        url = page["next"]
    assert pages == [[small["id"], large["id"]], [maples["id"]]]
    assert bright.get("/api/v1/subscriptions?status=sleeping").status_code == 422


def test_another_tenants_subscription_is_not_found(api_as, subscribe_by_api):
    subscription = subscribe_by_api("harbour")
    for outsider in ("maple", "corner"):
        client = api_as(outsider)
        assert client.get(f"/api/v1/subscriptions/{subscription['id']}").status_code == 404
        assert client.get(f"/api/v1/subscriptions/{subscription['id']}/history").status_code == 404
        assert act(client, subscription, "cancel", when="now").status_code == 404
    assert read(api_as("harbour"), subscription)["status"] == "active"


def test_a_customer_never_sees_what_its_reseller_pays(api_as, db, demo, fake_catalog, subscribe_by_api):
    bought = subscribe_by_api("bright", account_id=str(demo["harbour"].id), payer="buyer", payment_method="on_account")
    assert (bought["unit_price"], bought["seller_id"]) == (eur("11.50"), str(demo["northwind"].id))
    bright, harbour = api_as("bright"), api_as("harbour")
    assert act(bright, bought, "change", plan_id=str(fake_catalog["large"].id)).status_code == 200
    provision_due(db)

    seen = read(harbour, bought)
    assert (seen["account_id"], seen["payer_id"], seen["plan_id"]) == (
        str(demo["harbour"].id), str(demo["bright"].id), str(fake_catalog["large"].id))
    assert {"unit_price", "total", "seller_id"}.isdisjoint(seen)
    [listed] = harbour.get("/api/v1/subscriptions").json["items"]
    assert {"unit_price", "total", "seller_id"}.isdisjoint(listed)
    assert read(bright, bought)["unit_price"] == read(api_as("northwind"), bought)["unit_price"] == eur("115.00")

    changed = harbour.get(f"/api/v1/subscriptions/{bought['id']}/history").json["items"][-1]
    assert (changed["action"], changed["changes"]) == ("changed", {"plan": ["Small", "Large"]})
    assert changed["actor"] is None  # a person of its reseller, outside its part of the tree
    as_reseller = bright.get(f"/api/v1/subscriptions/{bought['id']}/history").json["items"][-1]
    assert as_reseller["changes"]["unit_price"] == ["11.50", "115.00"]
    assert as_reseller["actor"]["name"] and as_reseller["actor"]["id"]
    for path in ("", "/history"):
        text = harbour.get(f"/api/v1/subscriptions/{bought['id']}{path}").get_data(as_text=True)
        assert "11.50" not in text and "115.00" not in text


def test_the_history_tells_who_did_what(client, api_as, subscribe_by_api):
    subscription = subscribe_by_api("harbour")
    harbour = api_as("harbour")
    assert act(harbour, subscription, "cancel", note="moving to paper").status_code == 200
    response = harbour.get(f"/api/v1/subscriptions/{subscription['id']}/history")
    events = response.json["items"]
    assert [(event["action"], event["from_status"], event["to_status"]) for event in events] == [
        ("created", "pending", "pending"), ("activated", "pending", "active"),
        ("cancellation_scheduled", "active", "pending_cancellation"),
    ]
    assert events[-1]["reason"] == "moving to paper" and events[-1]["actor"]["name"]
    assert events[1]["actor"]["id"] == events[0]["actor"]["id"]
    assert response.json["next"] is None
    documented(client, response, "/api/v1/subscriptions/{subscription_id}/history", "get")


def test_a_change_of_quantity_shows_as_provisioning_until_the_vendor_has_made_it(client, api_as, db, subscribe_by_api):
    subscription = subscribe_by_api("harbour")
    harbour = api_as("harbour")
    response = act(harbour, subscription, "change", quantity=4)
    assert response.status_code == 200, response.json
    assert response.json["quantity"] == 1
    assert {key: response.json["provisioning"][key] for key in ("action", "status", "attempts")} == {
        "action": "change", "status": "pending", "attempts": 0}
    documented(client, response, "/api/v1/subscriptions/{subscription_id}/change", "post")
    busy = act(harbour, subscription, "change", quantity=5)
    assert busy.status_code == 409 and "in progress" in busy.json["detail"]
    provision_due(db)
    changed = read(harbour, subscription)
    assert (changed["quantity"], changed["total"], changed["provisioning"]) == (4, eur("57.52"), None)


def test_a_downgrade_is_scheduled_for_the_end_of_the_term(api_as, db, fake_catalog, subscribe_by_api):
    subscription = subscribe_by_api("harbour", "large")
    harbour = api_as("harbour")
    assert subscription["status"] == "trial"
    assert act(harbour, subscription, "end-trial").json["provisioning"]["action"] == "renew"
    provision_due(db)
    assert read(harbour, subscription)["status"] == "active"
    response = act(harbour, subscription, "change", plan_id=str(fake_catalog["small"].id))
    assert response.status_code == 200
    assert (response.json["plan_id"], response.json["provisioning"]) == (str(fake_catalog["large"].id), None)
    assert response.json["scheduled_change"] == {"plan_id": str(fake_catalog["small"].id), "quantity": 1}


def test_the_seller_suspends_and_resumes_and_the_customer_may_not(api_as, db, subscribe_by_api):
    subscription = subscribe_by_api("harbour")
    bright, harbour = api_as("bright"), api_as("harbour")
    refused = act(harbour, subscription, "suspend")
    assert refused.status_code == 403 and "Only the seller" in refused.json["detail"]
    assert act(bright, subscription, "suspend", note="unpaid invoice").json["provisioning"]["action"] == "suspend"
    provision_due(db)
    suspended = read(harbour, subscription)
    assert (suspended["status"], suspended["suspend_reason"]) == ("suspended", "by_seller")
    assert act(bright, subscription, "resume").status_code == 200
    provision_due(db)
    assert read(harbour, subscription)["status"] == "active"
    again = act(bright, subscription, "resume")
    assert again.status_code == 409 and again.json["detail"] == "An active subscription cannot be resumed."


def test_a_cancellation_at_the_end_of_the_term_can_be_undone_and_one_now_ends_it(api_as, db, subscribe_by_api):
    subscription = subscribe_by_api("harbour")
    harbour = api_as("harbour")
    scheduled = act(harbour, subscription, "cancel")
    assert scheduled.status_code == 200
    assert (scheduled.json["status"], scheduled.json["cancel_at"]) == ("pending_cancellation", subscription["term_end"])
    kept = act(harbour, subscription, "undo-cancellation")
    assert (kept.json["status"], kept.json["cancel_at"]) == ("active", None)
    not_cancelled = act(harbour, subscription, "undo-cancellation")
    assert not_cancelled.status_code == 409 and "not being cancelled" in not_cancelled.json["detail"]
    assert act(harbour, subscription, "cancel", when="tomorrow").json["fields"] == {
        "when": ["Must be one of: now, end_of_term."]}

    assert act(harbour, subscription, "cancel", when="now", note="closing the practice").status_code == 200
    provision_due(db)
    ended = read(harbour, subscription)
    assert ended["status"] == "cancelled" and ended["ended_at"] is not None
    after = act(harbour, subscription, "cancel", when="now")
    assert after.status_code == 409 and after.json["title"] == "Conflict"


def test_the_seller_terminates(api_as, db, subscribe_by_api):
    subscription = subscribe_by_api("harbour")
    assert act(api_as("harbour"), subscription, "terminate").status_code == 403
    assert act(api_as("bright"), subscription, "terminate", note="contract breach").status_code == 200
    provision_due(db)
    assert read(api_as("harbour"), subscription)["status"] == "terminated"


def test_renewing_by_hand(api_as, db, fake_plugin, subscribe_by_api, make_team):
    automatic = subscribe_by_api("maple")
    refused = act(api_as("maple"), automatic, "renew")
    assert refused.status_code == 409 and "renews by itself" in refused.json["detail"]
    fake_plugin.product_types[0].manual_renewal = True
    subscription = subscribe_by_api("harbour")
    assert subscription["auto_renew"] is False
    managers = api_as("harbour", make_team("harbour", "Managers", ["manage_subscriptions"]))
    assert act(managers, subscription, "renew").status_code == 403
    assert act(api_as("harbour"), subscription, "renew").json["provisioning"]["action"] == "renew"
    provision_due(db)
    renewed = read(api_as("harbour"), subscription)
    assert renewed["current_period_start"] == subscription["current_period_end"]
    assert renewed["current_period_end"] > subscription["current_period_end"]


def test_the_seller_retries_a_failed_activation(api_as, db, fake_plugin, subscribe_by_api):
    fake_plugin.vendor.answer(LifecycleAction.ACTIVATE, Result.failed("The vendor refused the tenant name."))
    subscription = subscribe_by_api("harbour")
    assert subscription["status"] == "failed"
    assert act(api_as("harbour"), subscription, "retry").status_code == 403
    retried = act(api_as("bright"), subscription, "retry")
    assert (retried.json["status"], retried.json["provisioning"]["action"]) == ("pending", "activate")
    provision_due(db)
    assert read(api_as("harbour"), subscription)["status"] == "active"
    again = act(api_as("bright"), subscription, "retry")
    assert again.status_code == 409 and "nothing to retry" in again.json["detail"]


@pytest.mark.parametrize("action, body", [("change", {"quantity": 2}), ("suspend", {}), ("cancel", {})])
def test_actions_need_their_permission(api_as, make_team, subscribe_by_api, action, body):
    subscription = subscribe_by_api("harbour")
    buyers = api_as("bright", make_team("bright", "Buyers", ["purchase"]))
    response = act(buyers, subscription, action, **body)
    assert response.status_code == 403 and "manage_subscriptions" in response.json["detail"]
    assert read(api_as("harbour"), subscription)["provisioning"] is None


def test_changes_are_checked_before_anything_is_asked_of_the_vendor(api_as, plans, subscribe_by_api):
    subscription = subscribe_by_api("harbour")
    harbour = api_as("harbour")
    assert act(harbour, subscription, "change").json["fields"] == {"_schema": ["Send plan_id, quantity or both."]}
    assert "quantity" in act(harbour, subscription, "change", quantity=0).json["fields"]
    other_product = next(iter(plans.values()))
    wrong = act(harbour, subscription, "change", plan_id=str(other_product.id))
    assert wrong.status_code == 422 and wrong.json["fields"] == {"plan_id": ["Choose another plan of Fake product."]}
    same = act(harbour, subscription, "change", quantity=1)
    assert same.json["fields"] == {"quantity": ["That is what the subscription has already."]}
    assert act(harbour, subscription, "suspend", reason="no such field").status_code == 422
    assert read(harbour, subscription)["provisioning"] is None

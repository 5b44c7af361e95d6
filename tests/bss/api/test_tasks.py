import pytest

from core.product_lifecycle import LifecycleAction, ManualStep, Result
from plugin_kit.testing import provision_due
from tests.bss.api.conftest import documented

MISSING_ID = 987_654_321


def confirm_step(team="Owners"):
    return Result.manual(ManualStep(key="confirm", title="Confirm it", instructions="Call the customer first.", team=team))


@pytest.fixture
def waiting(db, fake_plugin, subscribe_by_api):
    """Harbour's new subscription, whose activation waits for a person of Bright IT to confirm it."""

    def make(team="Owners"):
        fake_plugin.vendor.answer(LifecycleAction.ACTIVATE, confirm_step(team))
        return subscribe_by_api("harbour")

    return make


def test_a_manual_step_is_listed_completed_and_provisioning_goes_on(client, api_as, db, demo, waiting):
    subscription = waiting()
    assert subscription["status"] == "pending"
    assert {key: subscription["provisioning"][key] for key in ("action", "status", "detail")} == {
        "action": "activate", "status": "manual", "detail": "Confirm it"}
    bright = api_as("bright")
    listed = bright.get("/api/v1/tasks")
    assert listed.status_code == 200
    [task] = listed.json["items"]
    assert {key: task[key] for key in ("title", "instructions", "status", "subscription_id", "account_id",
                                       "completed_at", "note")} == {
        "title": "Confirm it", "instructions": "Call the customer first.", "status": "open",
        "subscription_id": subscription["id"], "account_id": str(demo["harbour"].id), "completed_at": None, "note": "",
    }
    assert task["team"]["name"] == "Owners"
    documented(client, listed, "/api/v1/tasks", "get")
    assert api_as("harbour").get("/api/v1/tasks").json["items"] == []  # the seller's work, not the customer's

    done = bright.post(f"/api/v1/tasks/{task['id']}/complete", json={"note": "Confirmed by phone"})
    assert done.status_code == 200, done.json
    assert (done.json["status"], done.json["note"]) == ("done", "Confirmed by phone")
    assert done.json["completed_at"].endswith("Z")
    documented(client, done, "/api/v1/tasks/{task_id}/complete", "post")
    provision_due(db)
    active = api_as("harbour").get(f"/api/v1/subscriptions/{subscription['id']}").json
    assert (active["status"], active["provisioning"]) == ("active", None)

    assert bright.get("/api/v1/tasks").json["items"] == []
    assert [item["id"] for item in bright.get("/api/v1/tasks?status=done").json["items"]] == [task["id"]]
    assert [item["id"] for item in bright.get("/api/v1/tasks?status=all").json["items"]] == [task["id"]]
    assert bright.get("/api/v1/tasks?status=someday").status_code == 422
    again = bright.post(f"/api/v1/tasks/{task['id']}/complete")
    assert again.status_code == 409 and "done already" in again.json["detail"]


def test_a_task_is_on_its_teams_list_and_its_owners(api_as, make_team, waiting):
    fulfilment = make_team("bright", "Fulfilment", ["support"])
    sales = make_team("bright", "Sales", ["purchase"])
    waiting(team="Fulfilment")
    [task] = api_as("bright", fulfilment).get("/api/v1/tasks").json["items"]
    assert task["team"] == {"id": str(fulfilment.id), "name": "Fulfilment"}
    assert [item["id"] for item in api_as("bright").get("/api/v1/tasks").json["items"]] == [task["id"]]
    outsider = api_as("bright", sales)
    assert outsider.get("/api/v1/tasks").json["items"] == []
    assert outsider.get(f"/api/v1/tasks/{task['id']}").status_code == 404
    assert outsider.post(f"/api/v1/tasks/{task['id']}/complete").status_code == 404
    assert api_as("bright", fulfilment).get(f"/api/v1/tasks/{task['id']}").json["status"] == "open"


def test_another_sellers_task_answers_as_a_missing_one(api_as, waiting):
    waiting()
    [task] = api_as("bright").get("/api/v1/tasks").json["items"]
    corner = api_as("corner")
    for method, suffix in (("GET", ""), ("POST", "/complete")):
        foreign = corner.open(method, f"/api/v1/tasks/{task['id']}{suffix}")
        missing = corner.open(method, f"/api/v1/tasks/{MISSING_ID}{suffix}")
        assert foreign.status_code == missing.status_code == 404
        assert "Harbour" not in foreign.get_data(as_text=True)
    assert api_as("bright").get(f"/api/v1/tasks/{task['id']}").json["status"] == "open"


def test_tasks_are_paged_oldest_first(api_as, fake_plugin, subscribe_by_api):
    fake_plugin.vendor.answer(LifecycleAction.ACTIVATE, confirm_step(), confirm_step(), confirm_step())
    for slug in ("harbour", "maple", "harbour"):
        subscribe_by_api(slug)
    bright = api_as("bright")
    pages, url = [], "/api/v1/tasks?limit=2"
    while url:
        page = bright.get(url).json
        pages.append([int(item["id"]) for item in page["items"]])
        url = page["next"]
    assert [len(page) for page in pages] == [2, 1]
    assert pages[0] + pages[1] == sorted(pages[0] + pages[1])


def test_a_declined_task_ends_its_request_and_changes_nothing(client, api_as, db, waiting):
    subscription = waiting()
    bright = api_as("bright")
    [task] = bright.get("/api/v1/tasks").json["items"]
    declined = bright.post(f"/api/v1/tasks/{task['id']}/decline", json={"note": "No payment came"})
    assert declined.status_code == 200, declined.json
    assert (declined.json["status"], declined.json["note"]) == ("cancelled", "No payment came")
    documented(client, declined, "/api/v1/tasks/{task_id}/decline", "post")
    assert provision_due(db) == 0
    failed = api_as("harbour").get(f"/api/v1/subscriptions/{subscription['id']}").json
    assert failed["status"] == "failed"
    assert bright.post(f"/api/v1/tasks/{task['id']}/complete").status_code == 409

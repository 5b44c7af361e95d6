"""Manual tasks: a seller's people see the steps waiting on their teams' lists, and do them."""

import pytest
from sqlalchemy import select

from core.models.provisioning import ManualTask, TaskStatus
from core.models.subscriptions import SubscriptionStatus
from core.product_lifecycle import LifecycleAction, ManualStep, Result
from plugin_kit.testing import text_of
from tests.bss.backoffice.conftest import PASSWORD
from tests.bss.backoffice.test_teams import _unlabelled


@pytest.fixture
def waiting_for_a_person(fake_plugin, frozen_clock, subscribe):
    """Harbour Dental's new subscription, whose activation waits for a step on a list of Bright IT's."""

    def make(team="Owners"):
        step = ManualStep(key="confirm", title="Confirm the widget order", instructions="Call the vendor.", team=team)
        fake_plugin.vendor.answer(LifecycleAction.ACTIVATE, Result.manual(step))
        return subscribe()

    return make


def _task(db):
    db.expire_all()
    return db.scalar(select(ManualTask))


def test_a_task_is_done_from_the_tasks_page_and_provisioning_goes_on(client, db, login_as, post, provision_all,
                                                                     waiting_for_a_person):
    subscription = waiting_for_a_person()
    assert subscription.status is SubscriptionStatus.PENDING
    login_as("owner@bright.example")
    response = client.get("/bss/tasks")
    page = text_of(response)
    assert "To do Confirm the widget order For Fake product Small of Harbour Dental · on the Owners list" in page
    assert "Call the vendor." in page and "No task was done yet." in page
    assert _unlabelled(response.get_data(as_text=True)) == []

    task = _task(db)
    done = post(f"/bss/tasks/{task.id}/complete", {"note": "vendor ref 42"})
    assert done.status_code == 302 and done.headers["Location"] == "/bss/tasks"
    page = text_of(client.get("/bss/tasks"))
    assert "Done: Confirm the widget order. Fake product for Harbour Dental goes on." in page
    assert "Nothing to do: no task waits on your teams' lists." in page
    done_row = "Confirm the widget order Fake product Small of Harbour Dental 2 Mar 2026, 09:30 UTC Owner at Bright"
    assert f"{done_row} vendor ref 42" in page

    provision_all()
    assert subscription.status is SubscriptionStatus.ACTIVE
    assert post(f"/bss/tasks/{task.id}/complete").status_code == 409


def test_a_task_declined_from_the_tasks_page_ends_its_request(client, db, login_as, post, provision_all,
                                                              waiting_for_a_person):
    subscription = waiting_for_a_person()
    login_as("owner@bright.example")
    task = _task(db)
    assert f'formaction="/bss/tasks/{task.id}/decline"' in client.get("/bss/tasks").get_data(as_text=True)
    declined = post(f"/bss/tasks/{task.id}/decline", {"note": "the vendor is out of stock"})
    assert declined.status_code == 302
    assert "Declined: Confirm the widget order. Fake product for Harbour Dental stays as it was." in text_of(
        client.get("/bss/tasks"))
    provision_all()
    db.refresh(subscription)
    assert (_task(db).status, subscription.status) == (TaskStatus.CANCELLED, SubscriptionStatus.FAILED)


def test_a_task_goes_on_its_teams_list(client, login_as, buyer, waiting_for_a_person):
    waiting_for_a_person(team="Buyers")
    login_as(buyer, PASSWORD)
    assert "Confirm the widget order" in text_of(client.get("/bss/tasks"))
    assert "on the Buyers list" in text_of(client.get("/bss/"))


def test_another_reseller_has_none_of_its_tasks_and_cannot_do_them(client, db, login_as, post, waiting_for_a_person):
    waiting_for_a_person()
    login_as("owner@corner.example")
    assert "Confirm the widget order" not in client.get("/bss/").get_data(as_text=True)
    assert "Nothing to do" in text_of(client.get("/bss/tasks"))
    assert post(f"/bss/tasks/{_task(db).id}/complete", {"note": "done!"}).status_code == 404
    assert _task(db).status is TaskStatus.OPEN


def test_a_note_too_long_is_refused_and_the_task_stays_open(client, db, login_as, post, waiting_for_a_person):
    waiting_for_a_person()
    login_as("owner@bright.example")
    task = _task(db)
    refused = post(f"/bss/tasks/{task.id}/complete", {"note": "x" * 2001})
    assert refused.status_code == 422
    assert "The task is not marked done: Note: Use at most 2000 characters." in text_of(refused)
    typed = f'id="note-{task.id}" name="note" size="40" value="{"x" * 2001}" aria-invalid="true"'
    assert typed in refused.get_data(as_text=True)
    assert _task(db).status is TaskStatus.OPEN



def test_the_navigation_counts_the_open_tasks(client, login_as, waiting_for_a_person):
    login_as("owner@bright.example")
    assert "aria-label=\"1 open\"" not in client.get("/bss/").get_data(as_text=True)
    waiting_for_a_person()
    assert 'Tasks <span class="count" aria-label="1 open">1</span>' in client.get("/bss/").get_data(as_text=True)

"""Provisioning requests: every answer a product can give, retries, deadlines and lost workers."""

from datetime import timedelta

import pytest
from sqlalchemy import select, update

from core.models.outbox import OutboxEmail
from core.models.provisioning import ManualTask, ProvisioningRequest, RequestStatus, TaskStatus
from core.models.subscriptions import SubscriptionStatus
from core.product_lifecycle import LifecycleAction, ManualStep, Result, RetryableError
from core.services.manual_tasks import complete_task, list_tasks
from core.services.orders import LineRequest, place_order
from core.services.provisioning import (
    LEASE,
    LEASE_RENEWAL,
    MAX_RETRIES,
    call_product,
    claim_request,
    record_answer,
    renew_lease,
    request_provisioning,
    sweep_requests,
)
from plugin_kit.testing import provision_due

R = RequestStatus
ACTIVATE = LifecycleAction.ACTIVATE


@pytest.fixture
def order(db, fake_catalog, actor_for):
    """Harbour Dental's order of two Small widgets, accepted and not provisioned yet."""
    placed = place_order(db, actor=actor_for("harbour"), lines=[LineRequest(fake_catalog["small"].id, 2)],
                         payment_method="card")
    db.commit()
    return placed


def _request(db, order):
    return db.scalar(select(ProvisioningRequest).where(ProvisioningRequest.order_line_id == order.lines[0].id))


def _emails_to(db, address):
    return db.scalars(select(OutboxEmail).where(OutboxEmail.to_address == address).order_by(OutboxEmail.id)).all()


def test_a_request_is_carried_out_once_however_often_its_task_runs(db, order, fake_plugin):
    request = _request(db, order)
    first = claim_request(db, request.id)
    db.commit()
    assert claim_request(db, request.id) is None  # a second copy of the task finds it taken
    record_answer(db, request.id, first.attempt, call_product(first))
    db.commit()
    assert claim_request(db, request.id) is None  # and done
    assert fake_plugin.vendor.actions_done() == [ACTIVATE]
    assert order.lines[0].subscription.status is SubscriptionStatus.ACTIVE


def test_the_vendor_is_always_called_with_the_requests_key(db, order, fake_plugin):
    fake_plugin.vendor.answer(ACTIVATE, RetryableError("503 from the vendor"))
    request = _request(db, order)
    provision_due(db)
    request.next_attempt_at = request.next_attempt_at - timedelta(minutes=1)
    db.commit()
    provision_due(db)
    assert request.status is R.DONE and request.attempts == 2
    assert list(fake_plugin.vendor.effects) == [request.idempotency_key]


def test_pending_is_polled_until_done(frozen_clock, db, order, fake_plugin):
    fake_plugin.vendor.answer(ACTIVATE, Result.pending("The tenant is being created."))
    fake_plugin.vendor.answer(ACTIVATE, Result.pending("Still creating."))
    request = _request(db, order)
    provision_due(db)
    assert (request.status, request.detail) == (R.WAITING, "The tenant is being created.")
    assert order.lines[0].subscription.status is SubscriptionStatus.PENDING
    frozen_clock.advance(timedelta(seconds=10))
    provision_due(db)
    assert (request.status, request.detail) == (R.WAITING, "Still creating.")
    frozen_clock.advance(timedelta(seconds=20))
    provision_due(db)
    assert request.status is R.DONE
    assert [polling for _action, _id, polling in fake_plugin.vendor.calls] == [False, True, True]


def test_a_manual_step_waits_for_its_task_and_then_goes_on(db, order, fake_plugin, actor_for):
    seen = []

    def after_the_step(request):
        seen.append(request.completed_steps)
        return Result.done()

    fake_plugin.vendor.answer(ACTIVATE, Result.manual(ManualStep(
        key="confirm-payment", title="Confirm Harbour Dental's payment", instructions="Check the bank account.")),
        after_the_step)
    request = _request(db, order)
    provision_due(db)
    assert request.status is R.MANUAL
    (task,) = list_tasks(db, actor_for("bright"))
    assert (task.title, task.team.name, task.account.slug) == ("Confirm Harbour Dental's payment", "Owners", "bright")
    assert list_tasks(db, actor_for("harbour")) == []
    (email,) = [e for e in _emails_to(db, "owner@bright.example") if "task" in e.subject]
    assert "Check the bank account." in email.text_body
    complete_task(db, actor=actor_for("bright"), task_id=task.id, note="Paid, ref 118")
    db.commit()
    assert (task.status, request.status) == (TaskStatus.DONE, R.PENDING)
    provision_due(db)
    assert seen == [frozenset({"confirm-payment"})]
    assert request.status is R.DONE and order.lines[0].subscription.status is SubscriptionStatus.ACTIVE


def test_a_manual_step_goes_to_the_named_team(db, demo, order, fake_plugin, actor_for):
    from core.models.people import Team

    db.add(Team(account=demo["bright"], name="Domains", permissions=["support"]))
    fake_plugin.vendor.answer(ACTIVATE, Result.manual(ManualStep(key="k", title="Register it", team="Domains")))
    provision_due(db)
    assert db.scalar(select(ManualTask)).team.name == "Domains"


def test_a_failure_fails_the_activation_and_tells_the_seller(db, order, fake_plugin):
    fake_plugin.vendor.answer(ACTIVATE, Result.failed("The tenant name harbour is taken."))
    provision_due(db)
    request = _request(db, order)
    subscription = order.lines[0].subscription
    assert (request.status, request.detail) == (R.FAILED, "The tenant name harbour is taken.")
    assert subscription.status is SubscriptionStatus.FAILED
    assert subscription.events[-1].reason == "The tenant name harbour is taken."
    assert order.status == "failed"
    (email,) = [e for e in _emails_to(db, "owner@bright.example") if e.subject.startswith("Could not")]
    assert "The tenant name harbour is taken." in email.text_body


def test_a_failure_of_a_later_change_leaves_the_subscription_as_it_was(db, actor_for, subscribe, fake_plugin):
    from core.services.subscriptions import act_on_subscription

    subscription = subscribe()
    fake_plugin.vendor.answer(LifecycleAction.SUSPEND, Result.failed("Suspension is not supported for trials."))
    act_on_subscription(db, actor=actor_for("bright"), subscription_id=subscription.id, action="suspend")
    db.commit()
    provision_due(db)
    assert subscription.status is SubscriptionStatus.ACTIVE
    assert subscription.events[-1].action == "suspend_failed"


def test_retryable_errors_back_off_and_then_give_up(frozen_clock, db, order, fake_plugin):
    fake_plugin.vendor.answer(ACTIVATE, *[TimeoutError("read timed out")] * MAX_RETRIES)
    request = _request(db, order)
    delays = []
    for _ in range(MAX_RETRIES):
        provision_due(db)
        if request.status is R.FAILED:
            break
        delays.append(request.next_attempt_at - frozen_clock.now())
        frozen_clock.advance(delays[-1])
    assert delays == [timedelta(seconds=s) for s in (15, 30, 60, 120, 240, 480, 960)]
    assert request.status is R.FAILED and request.retries == MAX_RETRIES
    assert request.detail == f"Gave up after {MAX_RETRIES} failed attempts. The last: TimeoutError: read timed out"
    assert order.lines[0].subscription.status is SubscriptionStatus.FAILED


def test_a_plugin_that_raises_fails_the_request_with_the_error(db, order, fake_plugin):
    fake_plugin.vendor.answer(ACTIVATE, KeyError("tenant_id"))
    provision_due(db)
    assert _request(db, order).detail == "The fake-product plugin failed: KeyError: 'tenant_id'"


def test_a_plugin_that_answers_nonsense_fails_the_request(db, order, fake_plugin):
    fake_plugin.vendor.answer(ACTIVATE, lambda request: "ok")
    provision_due(db)
    assert _request(db, order).status is R.FAILED


def test_nothing_stays_provisioning_past_its_deadline(frozen_clock, db, order, fake_plugin):
    fake_plugin.vendor.answer(ACTIVATE, *[Result.pending("Waiting for Microsoft.")] * 1000)
    request = _request(db, order)
    provision_due(db)
    frozen_clock.advance(timedelta(hours=73))
    sweep_requests(db)
    db.commit()
    assert request.status is R.FAILED
    assert request.detail == "Not done within 72 hours (waiting). Last news: Waiting for Microsoft."
    assert order.lines[0].subscription.status is SubscriptionStatus.FAILED


def test_a_request_whose_worker_died_is_taken_up_again_with_the_same_key(frozen_clock, db, order, fake_plugin):
    request = _request(db, order)
    lost = claim_request(db, request.id)  # the worker took it ... and died before answering
    db.commit()
    assert sweep_requests(db) == [] and request.status is R.RUNNING
    frozen_clock.advance(LEASE + timedelta(seconds=1))
    assert sweep_requests(db) == [request.id]  # published again at once
    db.commit()
    assert request.status is R.PENDING
    provision_due(db)
    assert request.status is R.DONE and request.attempts == 2
    # The dead worker's answer, arriving late, changes nothing.
    assert record_answer(db, request.id, lost.attempt, call_product(lost)) is None
    assert list(fake_plugin.vendor.effects) == [request.idempotency_key]


def test_a_worker_at_work_keeps_its_request_by_renewing_the_lease(frozen_clock, db, order):
    request = _request(db, order)
    claim = claim_request(db, request.id)
    db.commit()
    for _ in range(8):  # a slow vendor: two minutes, renewed every 15 s
        frozen_clock.advance(LEASE_RENEWAL)
        assert renew_lease(db, request.id, claim.attempt)
        assert sweep_requests(db) == []
    frozen_clock.advance(LEASE + timedelta(seconds=1))  # the worker died: no renewal for a whole lease
    assert sweep_requests(db) == [request.id]
    assert not renew_lease(db, request.id, claim.attempt)  # its answer, if it ever comes, is too late


def test_a_lost_task_is_published_again_by_the_sweep(frozen_clock, db, order):
    request = _request(db, order)
    assert sweep_requests(db) == []
    frozen_clock.advance(timedelta(minutes=3))
    assert sweep_requests(db) == [request.id]


def test_one_open_request_per_subscription(db, order):
    from core.errors import ConflictError

    with pytest.raises(ConflictError, match="busy"):
        request_provisioning(db, order.lines[0].subscription, LifecycleAction.SUSPEND, payload={"reason": "by_seller"})


def test_tasks_are_listed_newest_first_when_asked_and_counted(db, demo, fake_catalog, fake_plugin, actor_for):
    for n in range(3):
        fake_plugin.vendor.answer(ACTIVATE, Result.manual(ManualStep(key="k", title=f"Step {n}")))
        place_order(db, actor=actor_for("harbour"), lines=[LineRequest(fake_catalog["small"].id)], payment_method="card")
        db.commit()
        provision_due(db)
    bright = actor_for("bright")
    assert [task.title for task in list_tasks(db, bright, newest_first=True)] == ["Step 2", "Step 1", "Step 0"]
    newest = list_tasks(db, bright, newest_first=True, limit=1)[0]
    assert [task.title for task in list_tasks(db, bright, newest_first=True, after_id=newest.id)] == ["Step 1", "Step 0"]
    from core.services.manual_tasks import count_open_tasks

    assert (count_open_tasks(db, bright), count_open_tasks(db, actor_for("corner"))) == (3, 0)


def test_prerequisites_are_checked_again_before_the_vendor_is_asked(db, demo, plans, actor_for, fake_plugin):
    order = place_order(db, actor=actor_for("northwind"), owner_id=demo["corner"].id,
                        lines=[LineRequest(plans["reseller-plan/standard"].id)], payment_method="on_account")
    db.commit()
    demo["northwind"].service_manager_active = False  # the programme changed before the worker ran
    db.commit()
    provision_due(db)
    request = _request(db, order)
    assert request.status is R.FAILED and request.attempts == 0
    assert request.detail == "No longer eligible: Northwind Distribution has not activated the Service Manager."
    assert order.lines[0].subscription.status is SubscriptionStatus.FAILED


def test_an_answer_for_a_request_retaken_since_its_claim_changes_nothing(db, order, fake_plugin):
    request = _request(db, order)
    claim = claim_request(db, request.id)
    db.commit()
    # Another worker took it up meanwhile: its row changed behind this session's back.
    db.execute(update(ProvisioningRequest).where(ProvisioningRequest.id == request.id)
               .values(attempts=claim.attempt + 1).execution_options(synchronize_session=False))
    assert record_answer(db, request.id, claim.attempt, call_product(claim)) is None
    assert order.lines[0].subscription.status is not SubscriptionStatus.ACTIVE

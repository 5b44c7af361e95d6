"""Acting on subscriptions: each action, who may take it, and what is refused."""

from datetime import timedelta

import pytest
from sqlalchemy import select

from core.errors import ConflictError, IllegalTransitionError, NotFoundError, PermissionDeniedError, ValidationError
from core.models.people import Team, User
from core.models.provisioning import ProvisioningRequest, RequestStatus
from core.models.subscriptions import SUBSCRIPTION_STATES, SubscriptionStatus, SuspendReason
from core.product_lifecycle import LifecycleAction
from core.services.actors import acting_as
from core.services.manual_tasks import complete_task, decline_task, list_tasks
from core.services.people import add_member
from core.services.renewals import run_period_ends
from core.services.subscriptions import act_on_subscription, available_actions, shows_price_to
from plugin_kit.testing import provision_due

S = SubscriptionStatus


def _act(db, actor, subscription, action, **arguments):
    result = act_on_subscription(db, actor=actor, subscription_id=subscription.id, action=action, **arguments)
    db.commit()
    return result


def test_quantity_and_plan_changes_take_effect_once_the_vendor_confirms(db, demo, fake_catalog, fake_plugin, actor_for, subscribe):
    subscription = subscribe(quantity=2)
    _act(db, actor_for("harbour"), subscription, "change", quantity=5)
    assert subscription.quantity == 2  # not before the vendor has done it
    provision_due(db)
    assert subscription.quantity == 5
    _act(db, actor_for("harbour"), subscription, "change", plan_id=fake_catalog["large"].id)
    provision_due(db)
    assert subscription.plan.code == "large" and str(subscription.unit_price) == "143.75 EUR"
    changed = [event for event in subscription.events if event.action == "changed"]
    assert [event.changes.get("quantity") for event in changed] == [[2, 5], None]
    assert changed[1].changes["plan"] == ["Small", "Large"]
    assert changed[1].actor.email == "owner@harbour.example"
    assert [call[0] for call in fake_plugin.vendor.calls].count(LifecycleAction.CHANGE) == 2


def test_a_downgrade_waits_for_the_end_of_the_term(db, fake_catalog, actor_for, subscribe):
    subscription = subscribe(plan="large")
    _act(db, actor_for("harbour"), subscription, "end-trial")
    provision_due(db)
    _act(db, actor_for("harbour"), subscription, "change", plan_id=fake_catalog["small"].id)
    assert (subscription.plan.code, subscription.scheduled_plan.code) == ("large", "small")
    assert db.scalar(select(ProvisioningRequest).where(ProvisioningRequest.subscription_id == subscription.id,
                                                       ProvisioningRequest.status == RequestStatus.PENDING)) is None
    assert subscription.events[-1].action == "change_scheduled"


def test_a_change_to_the_same_plan_and_quantity_is_refused(db, actor_for, subscribe, fake_catalog):
    subscription = subscribe()
    with pytest.raises(ValidationError) as error:
        act_on_subscription(db, actor=actor_for("harbour"), subscription_id=subscription.id, action="change", quantity=1)
    assert error.value.fields == {"quantity": ["That is what the subscription has already."]}
    with pytest.raises(ValidationError) as error:
        act_on_subscription(db, actor=actor_for("harbour"), subscription_id=subscription.id, action="change", quantity=0)
    assert "quantity" in error.value.fields


def test_only_one_change_at_a_time(db, actor_for, subscribe):
    subscription = subscribe()
    _act(db, actor_for("harbour"), subscription, "change", quantity=3)
    with pytest.raises(ConflictError, match="in progress"):
        act_on_subscription(db, actor=actor_for("harbour"), subscription_id=subscription.id, action="change", quantity=4)


def test_the_seller_suspends_and_resumes_and_the_customer_may_not(db, actor_for, subscribe):
    subscription = subscribe()
    with pytest.raises(PermissionDeniedError):
        act_on_subscription(db, actor=actor_for("harbour"), subscription_id=subscription.id, action="suspend")
    _act(db, actor_for("bright"), subscription, "suspend", note="unpaid invoice")
    provision_due(db)
    assert (subscription.status, subscription.suspend_reason) == (S.SUSPENDED, SuspendReason.BY_SELLER)
    assert subscription.events[-1].reason == "unpaid invoice"
    _act(db, actor_for("bright"), subscription, "resume")
    provision_due(db)
    assert (subscription.status, subscription.suspend_reason) == (S.ACTIVE, None)


def test_cancelling_at_the_end_of_the_term_can_be_undone(db, actor_for, subscribe):
    subscription = subscribe()
    _act(db, actor_for("harbour"), subscription, "cancel", when="end_of_term", note="moving away")
    assert subscription.status is S.PENDING_CANCELLATION
    assert subscription.cancel_at == subscription.term_end
    _act(db, actor_for("harbour"), subscription, "undo-cancellation")
    assert (subscription.status, subscription.cancel_at) == (S.ACTIVE, None)
    assert [event.action for event in subscription.events][-2:] == ["cancellation_scheduled", "cancellation_undone"]


def test_undoing_a_cancellation_during_the_trial_keeps_the_trial(frozen_clock, db, actor_for, subscribe):
    subscription = subscribe(plan="large")  # a 30-day trial, nothing paid yet
    trial_end = subscription.trial_end
    frozen_clock.advance(timedelta(days=10))
    _act(db, actor_for("harbour"), subscription, "cancel", when="end_of_term")
    assert (subscription.status, subscription.cancel_at) == (S.PENDING_CANCELLATION, trial_end)
    _act(db, actor_for("harbour"), subscription, "undo-cancellation")
    assert (subscription.status, subscription.trial_end, subscription.cancel_at) == (S.TRIAL, trial_end, None)
    undone = subscription.events[-1]
    assert (undone.action, undone.to_status, undone.actor.email) == ("cancellation_undone", S.TRIAL, "owner@harbour.example")
    assert undone.changes == {"cancel_at": [trial_end.isoformat(), None]}
    assert "end-trial" in available_actions(db, actor_for("harbour"), subscription)
    frozen_clock.advance(trial_end - frozen_clock.now() + timedelta(minutes=1))
    run_period_ends(db)
    db.commit()
    provision_due(db)
    assert (subscription.status, subscription.events[-1].action) == (S.ACTIVE, "trial_ended")
    assert subscription.current_period_start == trial_end


def test_cancelling_now_ends_it_once_the_vendor_confirms(db, actor_for, subscribe):
    subscription = subscribe()
    _act(db, actor_for("harbour"), subscription, "cancel", when="now")
    assert subscription.status is S.ACTIVE
    provision_due(db)
    assert subscription.status is S.CANCELLED and subscription.ended_at is not None
    with pytest.raises(ConflictError):
        act_on_subscription(db, actor=actor_for("harbour"), subscription_id=subscription.id, action="undo-cancellation")


def test_a_subscription_suspended_as_expired_comes_back_only_once_renewed(frozen_clock, db, fake_plugin, actor_for,
                                                                        subscribe):
    fake_plugin.product_types[0].manual_renewal = True  # renewed by hand, as a domain name is
    subscription = subscribe()
    with pytest.raises(ConflictError, match="An active subscription cannot be resumed"):
        act_on_subscription(db, actor=actor_for("bright"), subscription_id=subscription.id, action="resume")
    frozen_clock.advance(subscription.current_period_end - frozen_clock.now() + timedelta(minutes=1))
    run_period_ends(db)  # nobody renewed it: suspended for want of payment
    db.commit()
    provision_due(db)
    assert (subscription.status, subscription.suspend_reason) == (S.SUSPENDED, SuspendReason.EXPIRED)
    with pytest.raises(ConflictError, match=r"^It was suspended because it was not renewed: renew it to bring it back\.$"):
        act_on_subscription(db, actor=actor_for("bright"), subscription_id=subscription.id, action="resume")
    with pytest.raises(PermissionDeniedError, match="Only the seller of Fake product can resume it"):
        act_on_subscription(db, actor=actor_for("harbour"), subscription_id=subscription.id, action="resume")
    assert "resume" not in available_actions(db, actor_for("bright"), subscription)
    assert "renew" in available_actions(db, actor_for("harbour"), subscription)
    assert LifecycleAction.RESUME not in [action for action, *_ in fake_plugin.vendor.calls]
    assert (subscription.status, subscription.suspend_reason) == (S.SUSPENDED, SuspendReason.EXPIRED)
    _act(db, actor_for("harbour"), subscription, "renew")
    provision_due(db)
    assert (subscription.status, subscription.suspend_reason) == (S.ACTIVE, None)
    assert subscription.current_period_start == frozen_clock.now()


def test_a_renewal_its_reseller_pays_for_waits_for_the_reseller_to_approve_it(frozen_clock, db, fake_plugin,
                                                                               actor_for, subscribe):
    fake_plugin.product_types[0].manual_renewal = True
    subscription = subscribe("harbour", buyer="bright", payer="buyer")
    end = subscription.current_period_end
    _act(db, actor_for("harbour"), subscription, "renew")
    assert provision_due(db) == 0  # nothing runs before Bright IT says yes
    (task,) = list_tasks(db, actor_for("bright"))
    assert task.title == "Approve the renewal Harbour Dental asked for: Fake product Small"
    assert "which Bright IT pays (11.50 EUR)" in task.instructions
    assert list_tasks(db, actor_for("northwind")) == []  # the seller above never hears of it
    complete_task(db, actor=actor_for("bright"), task_id=task.id)
    db.commit()
    provision_due(db)
    assert subscription.current_period_end > end  # renewed for another period

    _act(db, actor_for("harbour"), subscription, "renew")
    (task,) = list_tasks(db, actor_for("bright"))
    decline_task(db, actor=actor_for("bright"), task_id=task.id, note="we renew it in May")
    db.commit()
    renewed_to = subscription.current_period_end
    assert provision_due(db) == 0
    request = db.scalars(select(ProvisioningRequest).order_by(ProvisioningRequest.id.desc())).first()
    assert (request.status, request.detail) == (
        RequestStatus.FAILED, "Bright IT declined 'Approve the renewal Harbour Dental asked for: Fake product Small': "
                              "we renew it in May")
    assert subscription.current_period_end == renewed_to


def test_an_automatically_renewed_subscription_is_not_renewed_by_hand(db, actor_for, subscribe):
    subscription = subscribe()
    with pytest.raises(ConflictError, match="renews by itself"):
        act_on_subscription(db, actor=actor_for("harbour"), subscription_id=subscription.id, action="renew")


def test_the_renew_permission_is_needed_to_renew(db, demo, actor_for, subscribe):
    subscription = subscribe()
    user = db.scalar(select(User).where(User.email == "owner@harbour.example"))
    team = Team(account=demo["harbour"], name="Managers", permissions=["manage_subscriptions"])
    db.add(team)
    add_member(db, team, user)
    with pytest.raises(PermissionDeniedError, match="renew"):
        act_on_subscription(db, actor=acting_as(db, user, demo["harbour"], team), subscription_id=subscription.id, action="renew")


def test_a_subscription_of_another_tenant_is_not_found(db, actor_for, subscribe):
    subscription = subscribe("harbour")
    for outsider in ("maple", "corner"):
        with pytest.raises(NotFoundError):
            act_on_subscription(db, actor=actor_for(outsider), subscription_id=subscription.id, action="cancel")


def test_an_unknown_action_is_not_found(db, actor_for, subscribe):
    with pytest.raises(NotFoundError):
        act_on_subscription(db, actor=actor_for("harbour"), subscription_id=subscribe().id, action="explode")


def test_a_failed_activation_can_be_retried_by_the_seller(db, fake_plugin, actor_for, subscribe):
    from core.product_lifecycle import Result

    fake_plugin.vendor.answer(LifecycleAction.ACTIVATE, Result.failed("The vendor refused the tenant name."))
    subscription = subscribe()
    assert subscription.status is S.FAILED
    order = db.scalar(select(ProvisioningRequest)).order_line.order
    assert order.status == "failed"
    with pytest.raises(PermissionDeniedError):
        act_on_subscription(db, actor=actor_for("harbour"), subscription_id=subscription.id, action="retry")
    _act(db, actor_for("bright"), subscription, "retry")
    assert subscription.status is S.PENDING
    provision_due(db)
    assert subscription.status is S.ACTIVE
    assert order.status == "completed"


def test_illegal_transitions_raise_a_named_error():
    with pytest.raises(IllegalTransitionError, match="cannot go from 'cancelled' to 'active'"):
        SUBSCRIPTION_STATES.check(S.CANCELLED, S.ACTIVE)
    assert SUBSCRIPTION_STATES.is_final(S.TERMINATED)


def test_prices_show_to_the_payer_and_above_only(db, demo, fake_catalog, actor_for):
    from core.services.orders import LineRequest, place_order

    order = place_order(db, actor=actor_for("bright"), owner_id=demo["harbour"].id, payer="buyer",
                        lines=[LineRequest(fake_catalog["small"].id)], payment_method="on_account")
    subscription = order.lines[0].subscription
    assert [shows_price_to(subscription, demo[slug]) for slug in ("northwind", "bright", "harbour")] == [True, True, False]


def test_the_available_actions_follow_status_side_and_permissions(db, actor_for, subscribe, fake_plugin):
    subscription = subscribe()
    assert available_actions(db, actor_for("harbour"), subscription) == {"change", "cancel"}
    assert available_actions(db, actor_for("bright"), subscription) == {"change", "cancel", "suspend", "terminate"}
    _act(db, actor_for("harbour"), subscription, "cancel", when="end_of_term")
    assert available_actions(db, actor_for("harbour"), subscription) == {"cancel", "undo-cancellation"}
    _act(db, actor_for("harbour"), subscription, "cancel", when="now")
    assert available_actions(db, actor_for("harbour"), subscription) == frozenset()  # the vendor is at it

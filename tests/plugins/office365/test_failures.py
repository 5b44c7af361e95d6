"""When Microsoft fails or does not answer: the core retries with backoff, then fails clearly."""

from sqlalchemy import select

from core.models.outbox import OutboxEmail
from core.models.provisioning import ProvisioningRequest, RequestStatus
from core.models.subscriptions import SubscriptionStatus
from core.services.provisioning import MAX_RETRIES, retry_delay
from core.services.subscriptions import act_on_subscription
from plugin_kit.testing import provision_due


def _provision_with_retries(db, frozen_clock, subscription):
    """Run the activation, and each retry when it comes due, until it is over; return the request."""
    request = db.scalar(select(ProvisioningRequest).where(ProvisioningRequest.subscription_id == subscription.id))
    provision_due(db)
    while request.status is RequestStatus.PENDING:
        frozen_clock.advance(retry_delay(request.retries))
        provision_due(db)
    return request


def test_microsoft_failing_is_retried_then_the_subscription_fails_naming_why(
        frozen_clock, db, demo, order_seats, microsoft):
    subscription = order_seats("harbour", 8, tenant_prefix="harbourdental")
    microsoft.misbehave("/v1/customers", status=503)
    request = _provision_with_retries(db, frozen_clock, subscription)
    assert (request.status, request.attempts, subscription.status) == (
        RequestStatus.FAILED, MAX_RETRIES, SubscriptionStatus.FAILED)
    assert request.detail == (f"Gave up after {MAX_RETRIES} failed attempts. The last: Microsoft answered 503 to "
                              "GET /v1/customers: The simulator was told to fail.")
    told = db.scalars(select(OutboxEmail).where(OutboxEmail.to_address == "owner@bright.example")).all()
    assert [email.subject for email in told][-1] == "Could not activate Microsoft 365 for Harbour Dental"


def test_microsoft_not_answering_in_time_is_retried_then_fails(frozen_clock, monkeypatch, db, demo, order_seats,
                                                                microsoft):
    monkeypatch.setenv("CASCADE_OFFICE365_TIMEOUT", "0.1")
    subscription = order_seats("harbour", 8, tenant_prefix="harbourdental")
    microsoft.misbehave("/v1/customers", delay=0.3)
    request = _provision_with_retries(db, frozen_clock, subscription)
    assert (request.status, subscription.status) == (RequestStatus.FAILED, SubscriptionStatus.FAILED)
    assert request.detail == (f"Gave up after {MAX_RETRIES} failed attempts. The last: Microsoft did not answer "
                              "GET /v1/customers within 0.1 s")


def test_a_slow_or_briefly_failing_microsoft_gets_there(frozen_clock, monkeypatch, db, demo, order_seats, microsoft,
                                                        vendor_waits):
    monkeypatch.setenv("CASCADE_OFFICE365_TIMEOUT", "2")
    subscription = order_seats("harbour", 8, tenant_prefix="harbourdental")
    microsoft.misbehave("/v1/customers", status=502, times=2)
    microsoft.misbehave("/v1/customers", delay=0.3)
    request = _provision_with_retries(db, frozen_clock, subscription)
    assert (request.status, request.retries, subscription.status) == (RequestStatus.DONE, 0, SubscriptionStatus.ACTIVE)
    assert vendor_waits == [0.5, 1.0], "asked again at once, after backing off"
    assert len(microsoft.customers()) == 1


def test_refused_credentials_fail_at_once(db, demo, monkeypatch, order_seats, microsoft):
    subscription = order_seats("harbour", 8, tenant_prefix="harbourdental")
    monkeypatch.setenv("CASCADE_OFFICE365_CLIENT_SECRET", "not-the-secret")
    provision_due(db)
    request = db.scalar(select(ProvisioningRequest).where(ProvisioningRequest.subscription_id == subscription.id))
    assert (request.status, request.attempts) == (RequestStatus.FAILED, 1)
    assert request.detail == ("Microsoft refused to activate it: Microsoft refused the credentials of "
                              "CASCADE_OFFICE365_CLIENT_ID (The client id or secret is not valid.)")


def test_a_refused_change_leaves_the_subscription_as_it_was(db, demo, buy_seats, actor_for, microsoft):
    subscription = buy_seats("harbour", 8, tenant_prefix="harbourdental")
    act_on_subscription(db, actor=actor_for("harbour"), subscription_id=subscription.id, action="change", quantity=301)
    db.commit()
    provision_due(db)
    assert subscription.quantity == 8
    assert subscription.events[-1].action == "change_failed"
    assert subscription.events[-1].reason == ("Microsoft refused to change it: The quantity must be a whole number "
                                              "from 1 to 300.")

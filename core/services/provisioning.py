"""Provisioning requests: asked for by lifecycle changes, carried out by workers, never twice.

A worker takes a request in three steps, each its own transaction: ``claim_request`` marks it
running under a lease, ``call_product`` talks to the product (no transaction open while the
vendor thinks), and ``record_answer`` applies what the product said. The product is always
called with the request's idempotency key, so that a request taken up again (its worker died
after the vendor acted, or the task ran twice) is not carried out twice at the vendor.

Retries, polls and released manual steps put the request back to ``pending`` or ``waiting``
with its next attempt's time; the web layer publishes a task for it after the commit.
``sweep_requests`` catches what fell through: requests whose worker died, whose task was lost,
or that are past their deadline.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Select, bindparam, select, update
from sqlalchemy.orm import Session, joinedload

from core.clock import utcnow
from core.code_words import action_said, status_said
from core.errors import ConflictError
from core.languages import say
from core.models.accounts import Account, AccountKind
from core.models.catalog import Plan
from core.models.orders import OrderLine
from core.models.people import Team, User
from core.models.provisioning import (
    OPEN_REQUEST_STATUSES,
    REQUEST_STATES,
    TASK_STATES,
    ManualTask,
    ProvisioningRequest,
    RequestStatus,
    TaskStatus,
)
from core.models.subscriptions import Subscription
from core.plugins import product_types
from core.product_lifecycle import (
    AccountRef,
    LifecycleAction,
    LifecycleRequest,
    ManualStep,
    Outcome,
    Result,
    RetryableError,
)
from core.services.catalog import declared_type
from core.services.eligibility import purchase_blockers
from core.services.lifecycle import apply_done, apply_failed
from core.services.notifications import notify_task_waiting
from core.services.people import owner_team
from core.services.vendor_names import VendorNames, vendor_names

log = logging.getLogger(__name__)

#: How long a worker holds a request before another may take it up (its worker is presumed dead).
#: A worker renews it every ``LEASE_RENEWAL`` while the product works (``renew_lease``), so a
#: slow vendor keeps it; a dead worker's request is retaken by the sweep (every 15 s) within a minute.
LEASE = timedelta(seconds=45)
LEASE_RENEWAL = timedelta(seconds=15)
#: Retryable failures before a request is given up.
MAX_RETRIES = 8
#: How late a due request may be before the sweep publishes it again.
SWEEP_GRACE = timedelta(minutes=2)

R = RequestStatus


def retry_delay(retries: int) -> timedelta:
    """Back off after each retryable failure: 15 s, 30 s, 1 min, ... at most 30 minutes."""
    return min(timedelta(seconds=15 * 2 ** max(retries - 1, 0)), timedelta(minutes=30))


def poll_delay(attempts: int) -> timedelta:
    """Ask a vendor that is working on it again after 10 s, 20 s, 40 s, ... at most 10 minutes."""
    return min(timedelta(seconds=10 * 2 ** max(attempts - 1, 0)), timedelta(minutes=10))


def open_request(session: Session, subscription: Subscription) -> ProvisioningRequest | None:
    """The subscription's request that is not over yet, if any (there is at most one)."""
    return session.scalar(
        select(ProvisioningRequest)
        .where(ProvisioningRequest.subscription_id == subscription.id,
               ProvisioningRequest.status.in_(OPEN_REQUEST_STATUSES))
        .order_by(ProvisioningRequest.id.desc())
    )


def open_requests(session: Session, subscriptions: Iterable[Subscription]) -> dict[int, ProvisioningRequest]:
    """The request in progress of each of ``subscriptions`` that has one, by subscription id (one query)."""
    ids = [subscription.id for subscription in subscriptions]
    if not ids:
        return {}
    return {
        request.subscription_id: request
        for request in session.scalars(
            select(ProvisioningRequest)
            .where(ProvisioningRequest.subscription_id.in_(ids), ProvisioningRequest.status.in_(OPEN_REQUEST_STATUSES))
        )
    }


def request_provisioning(
    session: Session,
    subscription: Subscription,
    action: LifecycleAction,
    *,
    payload: dict[str, Any] | None = None,
    by: User | None = None,
    order_line: OrderLine | None = None,
) -> ProvisioningRequest:
    """Ask for ``action`` on the subscription; one request at a time per subscription."""
    return _new_request(session, subscription, action, R.PENDING, payload=payload, by=by, order_line=order_line)


def request_after_approval(session: Session, subscription: Subscription, action: LifecycleAction, *,
                           approver: Account, step: ManualStep, payload: dict[str, Any] | None = None,
                           by: User | None = None) -> ProvisioningRequest:
    """Ask for ``action`` once a person of ``approver`` says yes: the request waits from the start
    on the task ``step`` on ``approver``'s list (completed, it goes on; declined, it fails).

    For what an account asks and another pays: a customer renewing what its reseller pays for.
    """
    request = _new_request(session, subscription, action, R.MANUAL, payload=payload, by=by)
    _open_task(session, request, step, approver)
    return request


def _new_request(session: Session, subscription: Subscription, action: LifecycleAction, status: RequestStatus, *,
                 payload: dict[str, Any] | None, by: User | None,
                 order_line: OrderLine | None = None) -> ProvisioningRequest:
    if subscription.id is not None and (busy := open_request(session, subscription)) is not None:
        raise ConflictError(
            say("%(plan)s is busy with a %(action)s request (%(status)s); try again once it is over.",
                plan=subscription.plan.said_title, action=action_said(busy.action),
                status=status_said(busy.status))
        )
    now = utcnow()
    request = ProvisioningRequest(
        subscription=subscription,
        action=action,
        status=status,
        payload=payload or {},
        completed_steps=[],
        next_attempt_at=now,
        deadline_at=now + declared_type(subscription.product).provisioning_deadline,
        requested_by=by,
        order_line=order_line,
    )
    session.add(request)
    session.flush()
    return request


@dataclass(frozen=True)
class Claim:
    """A request a worker has taken up: what to call the product with."""

    request: LifecycleRequest
    product_key: str
    #: Ask ``poll`` (the vendor answered pending before) instead of the action's method.
    polling: bool

    @property
    def attempt(self) -> int:
        return self.request.attempt


@dataclass(frozen=True)
class Answer:
    """What calling the product gave: a result, or a failure a retry may fix."""

    result: Result | None = None
    retry_reason: str | None = None


def _locked(*, skip_locked: bool = False) -> Select[tuple[ProvisioningRequest]]:
    """The request ``:request_id``, locked, with what carrying it out reads (its subscription, plan, product,
    accounts and order) loaded in the same statement rather than one at a time."""
    subscription = joinedload(ProvisioningRequest.subscription, innerjoin=True)
    return (
        select(ProvisioningRequest)
        .where(ProvisioningRequest.id == bindparam("request_id"))
        .options(
            subscription.joinedload(Subscription.plan, innerjoin=True).joinedload(Plan.product, innerjoin=True),
            *(subscription.joinedload(account, innerjoin=True)
              for account in (Subscription.owner, Subscription.seller, Subscription.payer)),
            joinedload(ProvisioningRequest.order_line).joinedload(OrderLine.order),
            joinedload(ProvisioningRequest.requested_by),
        )
        .with_for_update(of=ProvisioningRequest, skip_locked=skip_locked)
    )


#: Built once, not per activation: a due request for a claim, skipped while another worker holds it ...
_CLAIMABLE = _locked(skip_locked=True).where(ProvisioningRequest.status.in_((R.PENDING, R.WAITING)))
#: ... and the request read afresh for its answer, whatever the session loaded for the claim.
_ANSWERED = _locked().execution_options(populate_existing=True)


def claim_request(session: Session, request_id: int) -> Claim | None:
    """Take up a due request for this worker; ``None`` when there is nothing to do now."""
    request = session.scalar(_CLAIMABLE, {"request_id": request_id})
    if request is None:
        return None
    now = utcnow()
    if now >= request.deadline_at:
        fail_request(session, request, _past_deadline(request))
        return None
    if request.next_attempt_at > now + timedelta(seconds=1):
        return None  # an early copy of the task: the one due at next_attempt_at will do it
    if request.attempts == 0 and (blockers := _blockers(session, request)):
        fail_request(session, request, "No longer eligible: " + " ".join(blockers))
        return None
    polling = request.status is R.WAITING
    request.status = REQUEST_STATES.check(request.status, R.RUNNING)
    request.attempts += 1
    request.lease_until = now + LEASE
    return Claim(_lifecycle_request(session, request), request.subscription.product.key, polling)


def call_product(claim: Claim) -> Answer:
    """Call the product's lifecycle method (no database work: the vendor may take its time)."""
    found = product_types().get(claim.product_key)
    if found is None:
        return Answer(Result.failed(f"No installed plugin supplies {claim.product_key!r} any more."))
    product_type = found[1]
    method = product_type.poll if claim.polling else getattr(product_type, claim.request.action.value)
    try:
        result = method(claim.request)
    except RetryableError as error:
        return Answer(retry_reason=str(error))
    except OSError as error:  # timeouts and refused connections: the network, not the plugin
        return Answer(retry_reason=f"{type(error).__name__}: {error}")
    except Exception as error:  # a plugin bug must fail the request, not the worker
        log.exception("%s.%s raised on request %s", claim.product_key, method.__name__, claim.request.id)
        return Answer(Result.failed(f"The {claim.product_key} plugin failed: {type(error).__name__}: {error}"))
    if not isinstance(result, Result):
        return Answer(Result.failed(f"The {claim.product_key} plugin answered {result!r} instead of a Result."))
    return Answer(result)


def record_answer(session: Session, request_id: int, attempt: int, answer: Answer) -> ProvisioningRequest | None:
    """Apply the product's answer; an answer for an attempt that lost its lease is ignored."""
    # Read afresh, not as the session loaded it for the claim: another worker may have retaken it since.
    request = session.scalar(_ANSWERED, {"request_id": request_id})
    if request is None or request.status is not R.RUNNING or request.attempts != attempt:
        return None
    request.lease_until = None
    now = utcnow()
    if answer.result is None:
        _retry_later(session, request, answer.retry_reason or "unknown error", now)
        return request
    result = answer.result
    if result.data:
        request.subscription.provisioning_data = {**request.subscription.provisioning_data, **result.data}
    match result.outcome:
        case Outcome.DONE:
            request.status = REQUEST_STATES.check(request.status, R.DONE)
            request.detail = result.detail
            request.completed_at = now
            apply_done(session, request)
        case Outcome.PENDING:
            request.status = REQUEST_STATES.check(request.status, R.WAITING)
            request.detail = result.detail
            request.next_attempt_at = min(now + poll_delay(request.attempts), request.deadline_at)
        case Outcome.MANUAL:
            assert result.step is not None
            if result.step.key in request.completed_steps:
                fail_request(session, request, f"The product asked again for the step already done: {result.step.title}")
            else:
                request.status = REQUEST_STATES.check(request.status, R.MANUAL)
                request.detail = result.detail
                _open_task(session, request, result.step, request.subscription.seller)
        case Outcome.FAILED:
            fail_request(session, request, result.detail)
    return request


def provision_pending_now(session: Session) -> None:
    """Carry out every pending request at once, as the worker's task does: claim, commit, call, record, commit.

    For loaders that run without a worker (the demo). Unlike other services it commits, as the
    worker does and for the same reason: no transaction stays open while a vendor is asked (on
    SQLite, one would hold the database's write lock). What the caller wrote before is
    committed with the first claim.
    """
    pending = select(ProvisioningRequest.id).where(ProvisioningRequest.status == R.PENDING).order_by(ProvisioningRequest.id)
    for request_id in session.scalars(pending).all():
        claim = claim_request(session, request_id)
        session.commit()
        if claim is not None:
            answer = call_product(claim)
            record_answer(session, request_id, claim.attempt, answer)
            session.commit()


def fail_request(session: Session, request: ProvisioningRequest, reason: str) -> None:
    """End a request as failed with ``reason``: its tasks close, the seller is told."""
    request.status = REQUEST_STATES.check(request.status, R.FAILED)
    request.detail = reason
    request.completed_at = utcnow()
    request.lease_until = None
    for task in session.scalars(select(ManualTask).where(ManualTask.request_id == request.id,
                                                          ManualTask.status == TaskStatus.OPEN)):
        task.status = TASK_STATES.check(task.status, TaskStatus.CANCELLED)
    apply_failed(session, request)


def release_request(session: Session, request: ProvisioningRequest, step_key: str) -> None:
    """A person completed the manual step ``step_key``: the request goes on."""
    request.completed_steps = [*request.completed_steps, step_key]
    request.status = REQUEST_STATES.check(request.status, R.PENDING)
    request.next_attempt_at = utcnow()


def sweep_requests(session: Session, limit: int = 500) -> list[int]:
    """Put right what fell through; return the ids of due requests to publish again.

    A running request past its lease lost its worker: it is due again, and published at once.
    An open request past its deadline fails. A due request well past its time lost its task (a
    broker down at commit time, say).
    """
    now = utcnow()
    for request in session.scalars(
        select(ProvisioningRequest)
        .where(ProvisioningRequest.status.in_(OPEN_REQUEST_STATUSES), ProvisioningRequest.deadline_at <= now)
        .with_for_update(skip_locked=True).limit(limit)
    ):
        fail_request(session, request, _past_deadline(request))
    retaken = []
    for request in session.scalars(
        select(ProvisioningRequest)
        .where(ProvisioningRequest.status == R.RUNNING, ProvisioningRequest.lease_until < now)
        .with_for_update(skip_locked=True).limit(limit)
    ):
        log.warning("provisioning request %s: its worker stopped answering; it is due again", request.id)
        request.status = REQUEST_STATES.check(request.status, R.PENDING)
        request.lease_until = None
        request.detail = f"The worker of attempt {request.attempts} stopped; trying again."
        retaken.append(request.id)
    session.flush()
    lost = session.scalars(
        select(ProvisioningRequest.id)
        .where(ProvisioningRequest.status.in_((R.PENDING, R.WAITING)),
               ProvisioningRequest.next_attempt_at < now - SWEEP_GRACE)
        .order_by(ProvisioningRequest.id).limit(limit)
    )
    return sorted({*retaken, *lost})


def renew_lease(session: Session, request_id: int, attempt: int) -> bool:
    """Hold the request ``LEASE`` longer for the worker running its attempt ``attempt``; answer
    whether it still does (an answer recorded, or the request retaken, ends the renewals)."""
    renewed = session.execute(
        update(ProvisioningRequest)
        .where(ProvisioningRequest.id == request_id, ProvisioningRequest.status == R.RUNNING,
               ProvisioningRequest.attempts == attempt)
        .values(lease_until=utcnow() + LEASE).execution_options(synchronize_session=False))
    return renewed.rowcount == 1


def _retry_later(session: Session, request: ProvisioningRequest, reason: str, now: datetime) -> None:
    request.retries += 1
    delay = retry_delay(request.retries)
    if request.retries >= MAX_RETRIES or now + delay >= request.deadline_at:
        fail_request(session, request, f"Gave up after {request.retries} failed attempts. The last: {reason}")
        return
    request.status = REQUEST_STATES.check(request.status, R.PENDING)
    request.next_attempt_at = now + delay
    request.detail = f"Attempt {request.attempts} failed ({reason}); trying again at {request.next_attempt_at:%H:%M:%S} UTC."


def _blockers(session: Session, request: ProvisioningRequest) -> list[str]:
    """Why the owner may no longer have the plan a new subscription or a change asks for.

    The product's prerequisites were met when the order was placed; they are checked again
    before the vendor is first asked, because the account tree may have changed in between
    (reselling switched off, the distributor's programme changed).
    """
    subscription = request.subscription
    if request.action is LifecycleAction.ACTIVATE:
        plan = subscription.plan
    elif request.action is LifecycleAction.CHANGE:
        plan = session.get(Plan, request.payload["plan_id"])
    else:
        return []
    return purchase_blockers(session, subscription.owner, [plan])[plan.id]


def _past_deadline(request: ProvisioningRequest) -> str:
    hours = round((request.deadline_at - request.created_at).total_seconds() / 3600)
    last = f" Last news: {request.detail}" if request.detail else ""
    return f"Not done within {hours} hours ({request.status}).{last}"


def _open_task(session: Session, request: ProvisioningRequest, step: ManualStep, account: Account) -> None:
    """Put the step on the list of ``account``'s team it names (its owner team when it has none), and tell them."""
    team = (session.scalar(select(Team).where(Team.account_id == account.id, Team.name == step.team))
            or owner_team(session, account))
    task = ManualTask(request=request, account=account, team=team, step_key=step.key, title=step.title,
                      instructions=step.instructions, status=TaskStatus.OPEN)
    session.add(task)
    session.flush()
    notify_task_waiting(session, task)


def _lifecycle_request(session: Session, request: ProvisioningRequest) -> LifecycleRequest:
    subscription = request.subscription
    payload = request.payload
    with session.no_autoflush:  # the claim's own changes are the commit's to write, not these reads'
        previous = (session.get(Account, payload["previous_seller"]["id"]) if request.action is LifecycleAction.TRANSFER
                    else None)
        accounts = [account for account in (subscription.owner, subscription.seller, subscription.payer, previous)
                    if account]
        names = vendor_names(session, accounts)
    new_plan_code = None
    if request.action is LifecycleAction.CHANGE:
        new_plan_code = next(plan.code for plan in subscription.product.plans if plan.id == payload["plan_id"])
    return LifecycleRequest(
        id=request.id,
        action=request.action,
        idempotency_key=request.idempotency_key,
        subscription_id=subscription.id,
        owner=_ref(subscription.owner, names),
        seller=_ref(subscription.seller, names),
        plan_code=subscription.plan.code,
        quantity=subscription.quantity,
        params=dict(subscription.params),
        data=dict(subscription.provisioning_data),
        new_plan_code=new_plan_code,
        new_quantity=payload.get("quantity") if request.action is LifecycleAction.CHANGE else None,
        reason=payload.get("reason"),
        completed_steps=frozenset(request.completed_steps),
        attempt=request.attempts,
        payer=_ref(subscription.payer, names),
        price=subscription.total,
        auto_renew=subscription.auto_renew,
        previous_seller=_ref(previous, names) if previous else None,
    )


def _ref(account: Account, names: dict[int, VendorNames]) -> AccountRef:
    return AccountRef(id=account.id, name=account.name, slug=account.slug, handle_prefix=names[account.id].handle_prefix,
                      nameservers=names[account.id].nameservers,
                      resells=account.kind is not AccountKind.CUSTOMER, distributor=account.kind is AccountKind.DISTRIBUTOR)

"""Celery tasks: thin shells that load by id, call one service and commit."""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta

from celery import Task, shared_task
from flask import current_app
from sqlalchemy import Connection, Engine
from sqlalchemy.orm import Session

from bss.dispatch import keep_emails
from bss.tmf.hubs import event_body
from bss.worker import forget_delivered_messages
from core.clock import utcnow
from core.jobs import scheduled_jobs
from core.mail import MailTransport, transport_for
from core.models.event_hubs import DeliveryStatus
from core.models.outbox import EmailStatus
from core.services.billing_run import run_billing
from core.services.dunning import run_dunning
from core.services.event_hubs import deliver, overdue_delivery_ids
from core.services.idempotency import purge_idempotency_keys
from core.services.invoice_notices import announce_all
from core.services.outbox import deliver_emails, overdue_email_ids
from core.services.provisioning import (
    LEASE_RENEWAL,
    call_product,
    claim_request,
    record_answer,
    renew_lease,
    sweep_requests,
)
from core.services.renewals import run_period_ends, send_renewal_reminders
from core.services.tickets import close_resolved_tickets
from core.services.transfers import expire_transfers
from web.database import db

log = logging.getLogger(__name__)

#: How late a pending email may be before the sweep publishes it again.
OUTBOX_GRACE = timedelta(minutes=2)
#: Overdue emails the sweep publishes together, in one task.
EMAILS_PER_TASK = 50


def mail_transport() -> MailTransport:
    """The transport ``CASCADE_MAIL_URL`` names: SMTP, or .eml files under ``instance/outbox``."""
    config = current_app.config
    return transport_for(config["CASCADE_MAIL_URL"], config["CASCADE_INSTANCE_PATH"] / "outbox")


@shared_task
def sweep_outbox() -> None:
    """Publish again the emails and TMF events whose task was lost (broker down at commit time, say)."""
    overdue = overdue_email_ids(db.session, OUTBOX_GRACE)
    for start in range(0, len(overdue), EMAILS_PER_TASK):
        carry_out.delay([], overdue[start:start + EMAILS_PER_TASK])
    for delivery_id in overdue_delivery_ids(db.session, OUTBOX_GRACE):
        send_event.delay(delivery_id)


@shared_task(bind=True, max_retries=None)
def send_event(self: Task, delivery_id: int) -> None:
    """Send one TMF event to its hub; retry with backoff while the failure is temporary."""
    delivery = deliver(db.session, delivery_id, event_body)
    db.session.commit()
    if delivery is None:
        return
    if delivery.status is DeliveryStatus.PENDING:
        countdown = max((delivery.next_attempt_at - utcnow()).total_seconds(), 0)
        log.warning("event %s: attempt %s failed (%s), retrying in %ss", delivery.id, delivery.attempts,
                    delivery.last_error, countdown)
        raise self.retry(countdown=countdown)
    log.info("event %s (%s) to hub %s: %s", delivery.id, delivery.event_type, delivery.hub_id, delivery.status)


@shared_task
def carry_out(request_ids: list[int], email_ids: list[int]) -> None:
    """Carry out what one commit made due (``bss.dispatch``): its provisioning requests, then its
    emails and those the requests' answers queued, all in one go.

    An order is one task: its activation first (what the customer waits for), then the emails
    saying it was received and is ready. Running it twice, or again after a worker died, is
    harmless: a request is carried out once (``provision``) and an email sent once.
    """
    emails = list(email_ids)
    for request_id in request_ids:
        emails += _provision(request_id)
    _send_emails(emails)


@shared_task
def provision(request_id: int) -> None:
    """Carry out one provisioning request: claim it, call its product, record the answer; then send
    the emails the answer queued.

    Running it twice, or again after a worker died, is harmless: a claimed or finished request
    is not claimed again, and the product dedupes on the request's idempotency key.
    """
    _send_emails(_provision(request_id))


def _provision(request_id: int) -> list[int]:
    """Claim (committed), call, record; return the emails they queued, unpublished.

    The answer's transaction is left open: ``_send_emails`` commits it with the claim of the
    emails, one transaction fewer per order; a request after it commits it before its claim.
    """
    emails = _commit_keeping_emails()
    claim = claim_request(db.session, request_id)
    emails += _commit_keeping_emails()
    if claim is None:
        return emails
    with leases.kept_while(request_id, claim.attempt):
        answer = call_product(claim)
    request = record_answer(db.session, request_id, claim.attempt, answer)
    db.session.flush()
    emails += keep_emails(db.session)
    if request is not None:
        log.info("provisioning request %s (%s): %s %s", request.id, request.action, request.status, request.detail)
    return emails


def _commit_keeping_emails() -> list[int]:
    """Commit the session; return the emails its transaction queued, which this task sends itself."""
    emails = keep_emails(db.session)
    db.session.commit()
    return emails


def _send_emails(email_ids: list[int]) -> None:
    """Commit the session's transaction with the claim of these outbox emails, send them all in one go,
    and commit their outcomes; publish those a temporary failure kept again, for when the last of
    them is due."""
    if not email_ids:
        db.session.commit()
        return
    config = current_app.config
    emails = deliver_emails(db.session, email_ids, mail_transport(), config["CASCADE_MAIL_FROM"],
                            config["CASCADE_MAIL_DOMAIN"])
    db.session.commit()
    again = [email for email in emails if email.status is EmailStatus.PENDING]
    for email in emails:
        if email in again:
            log.warning("email %s: attempt %s failed (%s), retrying at %s", email.id, email.attempts, email.last_error,
                        email.next_attempt_at)
        else:
            log.info("email %s to %s: %s", email.id, email.to_address, email.status)
    if again:
        countdown = max((max(email.next_attempt_at for email in again) - utcnow()).total_seconds(), 0)
        carry_out.apply_async(([], [email.id for email in again]), countdown=countdown)


class LeaseKeeper:
    """Renews the leases of the requests this process's products are at work on, every ``every``, from one thread
    with sessions of its own (started with the first request kept, in the worker's own process): a lease then runs
    out soon after a worker dies, and never while it lives. One thread for all, not one per request."""

    def __init__(self, every: timedelta = LEASE_RENEWAL) -> None:
        self.every = every
        self.kept: dict[int, tuple[Engine | Connection, int]] = {}
        self.lock = threading.Lock()
        self.thread: threading.Thread | None = None

    @contextmanager
    def kept_while(self, request_id: int, attempt: int) -> Iterator[None]:
        """Keep the lease of ``attempt`` at request ``request_id`` while the block runs."""
        with self.lock:
            self.kept[request_id] = (db.session.get_bind(), attempt)
            if self.thread is None or not self.thread.is_alive():  # none yet, or the parent's before a fork
                self.thread = threading.Thread(target=self._renew, name="leases", daemon=True)
                self.thread.start()
        try:
            yield
        finally:
            with self.lock:
                self.kept.pop(request_id, None)

    def renew_all(self) -> None:
        """Renew every lease kept now, each in a transaction of its own; forget those no longer ours."""
        with self.lock:
            kept = list(self.kept.items())
        for request_id, (bind, attempt) in kept:
            with Session(bind) as session, session.begin():
                renewed = renew_lease(session, request_id, attempt)
            if not renewed:  # answered, or retaken after all: nothing of ours to keep
                with self.lock:
                    if self.kept.get(request_id, (None, None))[1] == attempt:
                        del self.kept[request_id]

    def _renew(self) -> None:
        while True:
            time.sleep(self.every.total_seconds())
            self.renew_all()


leases = LeaseKeeper()


@shared_task
def sweep_provisioning() -> None:
    """Retake requests whose worker died, fail those past their deadline, republish lost ones."""
    overdue = sweep_requests(db.session)
    db.session.commit()
    for request_id in overdue:
        provision.delay(request_id)


@shared_task
def run_billing_daily() -> None:
    """Invoice the month that is over (beat asks every hour, and all but the first run of a month
    find nothing), email each new invoice to its recipient, then dun: mark overdue the invoices
    past their due date, remind, suspend and resume (``core.services.dunning``)."""
    result = run_billing(db.session)
    announce_all(db.session)
    dunned = run_dunning(db.session)
    db.session.commit()
    if result.invoices or any((dunned.overdue, dunned.reminded, dunned.suspended, dunned.resumed)):
        log.info("billing run: %s invoices, %s lines; dunning: %s", result.invoices, result.lines, dunned)


@shared_task
def run_renewals() -> None:
    """Act on the subscriptions whose period has ended, and send the renewal reminders due."""
    due = run_period_ends(db.session)
    reminded = send_renewal_reminders(db.session)
    db.session.commit()
    if due or reminded:
        log.info("renewals: %s period ends acted on, %s reminders sent", due, reminded)


@shared_task
def run_scheduled_jobs() -> None:
    """Run every plugin's scheduled job, each in a transaction of its own."""
    for name, job in scheduled_jobs().items():
        try:
            acted_on = job.run(db.session)
            db.session.commit()
        except Exception:
            db.session.rollback()
            log.exception("scheduled job %s failed; it runs again in a minute", name)
            continue
        if acted_on:
            log.info("scheduled job %s: acted on %s", name, acted_on)


@shared_task
def purge_idempotency() -> None:
    """Forget the idempotency keys past their lifetime."""
    purged = purge_idempotency_keys(db.session)
    db.session.commit()
    log.info("idempotency keys: %s past their lifetime deleted", purged)


@shared_task
def close_resolved() -> None:
    """Close the support tickets resolved long enough ago that an answer no longer reopens them."""
    closed = close_resolved_tickets(db.session)
    db.session.commit()
    if closed:
        log.info("support: %s resolved tickets closed", closed)


@shared_task
def expire_unanswered_transfers() -> None:
    """End the transfers that waited for an answer longer than their distributor allows."""
    expired = expire_transfers(db.session)
    db.session.commit()
    if expired:
        log.info("transfers: %s expired unanswered", expired)


@shared_task
def sweep_embedded_broker() -> None:
    """Delete the messages the embedded SQLite broker delivered a day ago or more."""
    forgotten = forget_delivered_messages(current_app.config["CASCADE_BROKER_URL"], timedelta(days=1))
    log.info("embedded broker: %s delivered messages deleted", forgotten)

from datetime import date, timedelta
from email import message_from_bytes, policy

from sqlalchemy import func, select

from bss.tasks import (
    LeaseKeeper,
    carry_out,
    close_resolved,
    expire_unanswered_transfers,
    provision,
    run_billing_daily,
    sweep_outbox,
)
from core.models.invoices import Invoice
from core.models.outbox import EmailStatus, OutboxEmail
from core.models.people import User
from core.models.provisioning import ProvisioningRequest, RequestStatus
from core.models.subscriptions import SubscriptionStatus
from core.models.support import TicketStatus
from core.models.transfers import TransferStatus
from core.product_lifecycle import LifecycleAction, RetryableError
from core.services.actors import acting_as
from core.services.orders import LineRequest, place_order
from core.services.outbox import queue_email
from core.services.provisioning import LEASE, LEASE_RENEWAL, claim_request, sweep_requests
from core.services.tickets import get_ticket, open_ticket, update_ticket
from core.services.transfers import get_transfer, start_transfer
from plugin_kit.testing import free_port, published, purge


def _queue(db, subject="Your order"):
    email = queue_email(db, to="ann@customer.example", subject=subject, text="On its way.")
    db.commit()
    return email


def _eml_files(app):
    """The emails written so far, each with when it was last written."""
    return {file: file.stat().st_mtime_ns for file in (app.config["CASCADE_INSTANCE_PATH"] / "outbox").glob("*.eml")}


def test_committing_an_email_publishes_its_task_and_a_rollback_does_not(app, db):
    purge(app)
    kept = _queue(db, "kept")
    queue_email(db, to="bob@customer.example", subject="dropped", text="x")
    db.rollback()
    assert published(app) == [("bss.tasks.carry_out", ([], [kept.id]))]


def test_without_a_mail_server_the_task_writes_an_eml_file(app, db):
    email = _queue(db, "Welcome to your portal")
    before = _eml_files(app)
    carry_out([], [email.id])
    db.refresh(email)
    assert email.status is EmailStatus.SENT
    [written] = [file for file, written_at in _eml_files(app).items() if before.get(file) != written_at]
    message = message_from_bytes(written.read_bytes(), policy=policy.default)
    assert message["Subject"] == "Welcome to your portal"


def test_a_temporary_failure_is_retried_once_due(make_app, frozen_clock):
    app = make_app(mail_url=f"smtp://127.0.0.1:{free_port()}")
    with app.app_context():
        from web.database import db as database

        email = queue_email(database.session, to="ann@customer.example", subject="Hi", text="x")
        database.session.commit()
        purge(app)
        carry_out([], [email.id])
        database.session.refresh(email)
        assert (email.status, email.attempts) == (EmailStatus.PENDING, 1)
        assert published(app) == [("bss.tasks.carry_out", ([], [email.id]))]
        database.session.delete(email)
        database.session.commit()


def test_the_sweep_republishes_emails_whose_task_was_lost(app, db, frozen_clock):
    email = _queue(db)
    purge(app)
    sweep_outbox()
    assert published(app) == []
    frozen_clock.advance(timedelta(minutes=5))
    sweep_outbox()
    assert published(app) == [("bss.tasks.carry_out", ([], [email.id]))]


def _order(db, demo, fake_catalog):
    owner = db.scalar(select(User).where(User.email == "owner@harbour.example"))
    return place_order(db, actor=acting_as(db, owner, demo["harbour"]), lines=[LineRequest(fake_catalog["small"].id)],
                       payment_method="card")


def test_an_order_is_one_message_and_a_request_due_later_is_published_for_then(
    app, db, demo, fake_catalog, fake_plugin, frozen_clock
):
    purge(app)
    _order(db, demo, fake_catalog)
    assert published(app) == []  # not before the commit
    db.commit()
    request = db.scalar(select(ProvisioningRequest))
    received = db.scalars(select(OutboxEmail.id).order_by(OutboxEmail.id)).all()
    assert received and published(app) == [("bss.tasks.carry_out", ([request.id], received))]

    fake_plugin.vendor.answer(LifecycleAction.ACTIVATE, RetryableError("vendor busy"))
    provision(request.id)  # as the worker runs it, in a session of its own
    db.refresh(request)
    assert request.status is RequestStatus.PENDING and request.retries == 1
    assert published(app) == [("bss.tasks.provision", (request.id,))]


def test_each_email_of_an_order_is_sent_once_by_its_task_even_when_it_runs_twice(
    app, db, demo, fake_catalog, fake_plugin
):
    purge(app)
    order = _order(db, demo, fake_catalog)
    db.commit()
    [(_, arguments)] = published(app)
    carry_out(*arguments)
    written = _eml_files(app)
    carry_out(*arguments)  # delivered again
    assert _eml_files(app) == written  # nothing sent again
    db.expire_all()
    emails = db.scalars(select(OutboxEmail).order_by(OutboxEmail.id)).all()
    assert {email.subject for email in emails} == {f"Order {order.id} received", "Fake product is ready"}
    assert {(email.status, email.attempts) for email in emails} == {(EmailStatus.SENT, 1)}
    assert order.lines[0].subscription.status is SubscriptionStatus.ACTIVE
    assert fake_plugin.vendor.actions_done() == [LifecycleAction.ACTIVATE]
    assert published(app) == []  # the emails the activation queued were sent by the same task


def test_the_hourly_billing_task_invoices_the_month_that_is_over(app, db, frozen_clock, subscribe):
    subscribe("harbour")
    frozen_clock.advance(timedelta(days=30))  # 1 April
    run_billing_daily()
    assert db.scalar(select(func.count()).select_from(Invoice).where(Invoice.period_start == date(2026, 3, 1))) == 2


def test_the_hourly_support_task_closes_what_was_resolved_over_14_days_ago(app, db, frozen_clock, shops, actor_for):
    ticket = open_ticket(db, actor=actor_for("harbour"), subject="Mail stopped", body="Since this morning.")
    update_ticket(db, actor=actor_for("bright"), ticket_id=ticket.id, status="resolved")
    db.commit()
    frozen_clock.advance(timedelta(days=14, hours=1))
    close_resolved()
    db.expire_all()  # sessions keep what they loaded past a commit: read the desk afresh
    assert get_ticket(db, actor_for("harbour"), ticket.id).status is TicketStatus.CLOSED


def test_the_hourly_transfer_task_expires_what_nobody_answered(app, db, frozen_clock, shops, actor_for):
    started = start_transfer(db, actor=actor_for("bright"), domain="solo-consulting.example")
    db.commit()
    frozen_clock.advance(timedelta(days=14))
    expire_unanswered_transfers()
    db.expire_all()
    assert get_transfer(db, actor_for("bright"), started.transfer.id).transfer.status is TransferStatus.EXPIRED


def test_one_thread_renews_the_leases_of_every_request_at_work_and_forgets_each_once_answered(
        app, db, demo, fake_catalog, frozen_clock):
    order = _order(db, demo, fake_catalog)
    db.commit()
    request = db.scalar(select(ProvisioningRequest).where(ProvisioningRequest.order_line_id == order.lines[0].id))
    claim = claim_request(db, request.id)
    db.commit()
    keeper = LeaseKeeper(every=timedelta(days=1))  # its thread waits a day: the test renews by hand
    with keeper.kept_while(request.id, claim.attempt):
        for _ in range(8):  # a vendor at work for two minutes
            frozen_clock.advance(LEASE_RENEWAL)
            keeper.renew_all()
            assert sweep_requests(db) == []
        assert keeper.kept == {request.id: (db.get_bind(), claim.attempt)}
    assert keeper.kept == {}
    frozen_clock.advance(LEASE + timedelta(seconds=1))  # no renewal once the block is over: the lease runs out
    assert sweep_requests(db) == [request.id]

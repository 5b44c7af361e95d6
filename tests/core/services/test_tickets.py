"""Support tickets (``core.services.tickets``): two threads never mixed, desks, history, and who reads what."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from core.errors import ConflictError, NotFoundError, PermissionDeniedError, UnknownReferenceError, ValidationError
from core.models.audit import AuditEvent
from core.models.outbox import OutboxEmail
from core.models.support import TicketStatus, Visibility
from core.services.ticket_files import UploadedFile
from core.services.tickets import (
    add_message,
    awaiting_answer,
    close_resolved_tickets,
    escalate_ticket,
    get_attachment,
    get_ticket,
    history,
    list_tickets,
    open_ticket,
    set_first_response_target,
    shown_author,
    thread,
    update_ticket,
)

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture
def ticket(db, shops, actor_for):
    """Harbour Dental asks Bright IT for help, about nothing in particular."""
    return open_ticket(db, actor=actor_for("harbour"), subject="Mail stopped", body="Since this morning.")


def emails_to(db, address):
    return db.scalars(select(OutboxEmail).where(OutboxEmail.to_address == address).order_by(OutboxEmail.id)).all()


def test_a_customer_asks_its_seller_and_the_sellers_support_people_are_told(db, ticket, demo, actor_for):
    seller_side = get_ticket(db, actor_for("bright"), ticket.id)
    assert (seller_side.status, seller_side.desk.account_id, seller_side.awaiting_since is not None) == (
        TicketStatus.OPEN, demo["bright"].id, True)
    told = emails_to(db, "owner@bright.example")[-1]
    assert told.subject == f"[#{ticket.id}] Mail stopped"
    assert "Since this morning." in told.text_body
    assert told.reply_to.startswith(f"reply+{ticket.id}-")
    assert db.scalar(select(AuditEvent).where(AuditEvent.action == "ticket.opened", AuditEvent.target_id == ticket.id))


def test_the_loop_customer_reseller_distributor_reseller_customer(db, ticket, demo, actor_for):
    bright, northwind, harbour = actor_for("bright"), actor_for("northwind"), actor_for("harbour")
    note = add_message(db, actor=bright, ticket_id=ticket.id, body="Their MX looks wrong.", visibility="internal")
    escalate_ticket(db, actor=bright, ticket_id=ticket.id, body="Can you check the mail platform?",
                    copy_message_ids=[thread(db, get_ticket(db, bright, ticket.id))[0].id])

    upstream = get_ticket(db, northwind, ticket.id)
    assert [message.body for message in thread(db, upstream)] == ["Since this morning.", "Can you check the mail platform?"]
    assert get_ticket(db, bright, ticket.id).status is TicketStatus.WAITING_ON_UPSTREAM
    assert get_ticket(db, harbour, ticket.id).status is TicketStatus.OPEN  # nothing tells it there is anyone above

    add_message(db, actor=northwind, ticket_id=ticket.id, body="Fixed on our side.", visibility="upstream")
    assert get_ticket(db, bright, ticket.id).status is TicketStatus.OPEN
    assert get_ticket(db, northwind, ticket.id).status is TicketStatus.WAITING_ON_CUSTOMER
    add_message(db, actor=bright, ticket_id=ticket.id, body="All working again.", visibility="customer")

    customer = get_ticket(db, harbour, ticket.id)
    assert [message.body for message in thread(db, customer)] == ["Since this morning.", "All working again."]
    assert customer.status is TicketStatus.WAITING_ON_CUSTOMER
    assert note.id not in {message.id for message in thread(db, upstream)}
    assert "upstream" not in str([event.changes for event in history(db, customer)])


def test_the_distributor_writes_in_the_customers_thread_only_when_allowed_and_as_the_reseller(db, ticket, actor_for):
    bright, northwind, harbour = actor_for("bright"), actor_for("northwind"), actor_for("harbour")
    escalate_ticket(db, actor=bright, ticket_id=ticket.id, body="Over to you.")
    with pytest.raises(ValidationError) as refused:
        add_message(db, actor=northwind, ticket_id=ticket.id, body="Hello!", visibility="customer")
    assert "visibility" in refused.value.fields
    assert not any(message.visibility is Visibility.CUSTOMER for message in thread(db, get_ticket(db, northwind, ticket.id)))

    update_ticket(db, actor=bright, ticket_id=ticket.id, upstream_writes_to_customer=True)
    written = add_message(db, actor=northwind, ticket_id=ticket.id, body="We restarted the relay.", visibility="customer")

    customer = get_ticket(db, harbour, ticket.id)
    author = shown_author(db, customer, written)
    assert (author.name, author.account) == ("Bright IT", None)
    mail = emails_to(db, "owner@harbour.example")[-1]
    assert "We restarted the relay." in mail.text_body
    assert "Northwind" not in mail.text_body + mail.subject + (mail.sender_name or "") + (mail.html_body or "")


def test_strangers_get_not_found_and_the_upstream_only_once_escalated(db, ticket, actor_for):
    for slug in ("maple", "corner", "northwind"):
        with pytest.raises(NotFoundError):
            get_ticket(db, actor_for(slug), ticket.id)
    assert [view.id for view in list_tickets(db, actor_for("maple"))] == []
    escalate_ticket(db, actor=actor_for("bright"), ticket_id=ticket.id, body="Please look.")
    assert [view.id for view in list_tickets(db, actor_for("northwind"))] == [ticket.id]


def test_answering_takes_the_support_permission(db, ticket, actor_for, make_team):
    buyers = make_team("bright", "Buyers", ["purchase"])
    with pytest.raises(PermissionDeniedError):
        get_ticket(db, actor_for("bright", team=buyers), ticket.id)


def test_a_resolved_ticket_reopens_when_the_customer_writes_within_14_days_and_closes_after(frozen_clock, db, ticket,
                                                                                             actor_for):
    bright, harbour = actor_for("bright"), actor_for("harbour")
    update_ticket(db, actor=bright, ticket_id=ticket.id, status="resolved")
    assert "resolved" in emails_to(db, "owner@harbour.example")[-1].text_body
    frozen_clock.advance(timedelta(days=13))
    add_message(db, actor=harbour, ticket_id=ticket.id, body="It stopped again.")
    assert get_ticket(db, bright, ticket.id).status is TicketStatus.OPEN

    update_ticket(db, actor=bright, ticket_id=ticket.id, status="resolved")
    frozen_clock.advance(timedelta(days=15))
    assert close_resolved_tickets(db) == 1
    with pytest.raises(ConflictError):
        add_message(db, actor=harbour, ticket_id=ticket.id, body="And again.")


def test_assignment_and_priority_are_the_desks_own_and_in_its_history(db, ticket, demo, actor_for):
    bright = actor_for("bright")
    view = update_ticket(db, actor=bright, ticket_id=ticket.id, priority="high", assignee_id=bright.user.id)
    assert (view.priority, view.assignee) == ("high", bright.user)
    assert [event.action for event in history(db, get_ticket(db, bright, ticket.id))][-2:] == ["priority", "assigned"]
    assert [event.action for event in history(db, get_ticket(db, actor_for("harbour"), ticket.id))] == ["opened"]
    with pytest.raises(ValidationError) as refused:
        update_ticket(db, actor=bright, ticket_id=ticket.id, assignee_id=actor_for("harbour").user.id)
    assert "assignee_id" in refused.value.fields


def test_files_are_checked_by_their_bytes_and_read_only_by_the_threads_readers(db, shops, actor_for):
    harbour = actor_for("harbour")
    with pytest.raises(ValidationError) as refused:
        open_ticket(db, actor=harbour, subject="Invoice", body="See attached.",
                    attachments=[UploadedFile("invoice.pdf", b"MZ\x90\x00\x03 not a pdf")])
    assert "invoice.pdf" in refused.value.fields["attachments"][0]
    assert list_tickets(db, harbour) == []

    view = open_ticket(db, actor=harbour, subject="Invoice", body="See attached.",
                       attachments=[UploadedFile("scan.pdf", PDF)])
    attachment = thread(db, view)[0].attachments[0]
    assert (attachment.media_type, attachment.size) == ("application/pdf", len(PDF))
    assert get_attachment(db, actor_for("bright"), view.id, attachment.id).content == PDF
    with pytest.raises(NotFoundError):
        get_attachment(db, actor_for("maple"), view.id, attachment.id)


def test_a_subscription_of_another_account_is_not_found(db, shops, actor_for, subscribe):
    theirs = subscribe("maple")
    with pytest.raises(UnknownReferenceError):
        open_ticket(db, actor=actor_for("harbour"), subject="This one", body="?", subscription_id=theirs.id)


def test_fast_tracked_escalations_come_first_on_the_distributors_home(db, shops, actor_for, reseller_plan):
    reseller_plan("corner", "free")
    slow = open_ticket(db, actor=actor_for("corner"), subject="Corner asks first", body="?")
    escalated = open_ticket(db, actor=actor_for("harbour"), subject="Harbour asks", body="?")
    escalate_ticket(db, actor=actor_for("bright"), ticket_id=escalated.id, body="Bright IT is on Standard.")
    assert [view.id for view in awaiting_answer(db, actor_for("northwind"))][:2] == [escalated.id, slow.id]


def test_a_ticket_waiting_longer_than_the_sellers_target_is_late(frozen_clock, db, ticket, actor_for):
    bright = actor_for("bright")
    set_first_response_target(db, actor=bright, hours=4)
    frozen_clock.advance(timedelta(hours=3))
    assert not get_ticket(db, bright, ticket.id).late
    frozen_clock.advance(timedelta(hours=2))
    assert get_ticket(db, bright, ticket.id).late
    with pytest.raises(ValidationError) as refused:
        set_first_response_target(db, actor=bright, hours=0)
    assert "first_response_hours" in refused.value.fields


def test_a_customer_marking_its_own_request_solved_gets_no_email_about_it(db, ticket, actor_for):
    before = len(emails_to(db, "owner@harbour.example"))
    view = update_ticket(db, actor=actor_for("harbour"), ticket_id=ticket.id, status="resolved")
    assert view.status is TicketStatus.RESOLVED
    assert len(emails_to(db, "owner@harbour.example")) == before
    with pytest.raises(ValidationError) as refused:
        update_ticket(db, actor=actor_for("harbour"), ticket_id=ticket.id, priority="urgent")
    assert "priority" in refused.value.fields


def test_what_an_escalated_customer_reads_of_its_requests_status(db, ticket, actor_for):
    bright, northwind, harbour = actor_for("bright"), actor_for("northwind"), actor_for("harbour")
    escalate_ticket(db, actor=bright, ticket_id=ticket.id, body="Over to you.")
    update_ticket(db, actor=bright, ticket_id=ticket.id, upstream_writes_to_customer=True)
    add_message(db, actor=northwind, ticket_id=ticket.id, body="Fixed: the relay is back.", visibility="customer")
    assert get_ticket(db, harbour, ticket.id).status is TicketStatus.WAITING_ON_CUSTOMER  # it has its answer

    update_ticket(db, actor=harbour, ticket_id=ticket.id, status="closed")
    changes = [event.changes for event in history(db, get_ticket(db, harbour, ticket.id)) if event.action == "status"]
    assert changes[-1] == {"status": ["waiting_on_customer", "closed"]}
    assert not any("waiting_on_upstream" in str(change) for change in changes)
    with pytest.raises(ValidationError) as refused:
        update_ticket(db, actor=harbour, ticket_id=ticket.id, status="resolved")
    assert "closed for good" in refused.value.fields["status"][0]

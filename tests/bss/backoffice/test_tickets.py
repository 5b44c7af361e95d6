"""Support in the back office: the inbox, a ticket's page and its forms, escalation, the home, and French."""

from __future__ import annotations

from datetime import timedelta
from io import BytesIO

import pytest
from sqlalchemy import func, select
from werkzeug.datastructures import FileStorage
from werkzeug.test import encode_multipart

from core.models.support import TicketMessage
from core.services.tickets import escalate_ticket, get_ticket, open_ticket, thread, update_ticket
from plugin_kit.testing import form_token, main_of, text_of
from tests.bss.backoffice.conftest import sign_out

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture
def ticket(db, shops, actor_for, frozen_clock):
    """Harbour Dental asks Bright IT for help, writing some HTML in its message."""
    view = open_ticket(db, actor=actor_for("harbour"), subject="Mail stopped", body="Since this morning <b>nothing</b>.")
    db.commit()
    return view


@pytest.fixture
def seller(ticket, login_as):
    """Bright IT's owner, signed in: the ticket's seller."""
    return login_as("owner@bright.example")


def sign_in_again(client, login_as, email):
    """Sign out, then in as ``email``."""
    sign_out(client)
    login_as(email)


def stored(db, ticket):
    """How many messages the ticket holds."""
    return db.scalar(select(func.count()).select_from(TicketMessage).where(TicketMessage.ticket_id == ticket.id))


def test_the_inbox_lists_the_ticket_and_its_filters_narrow_it(client, db, ticket, seller, frozen_clock, actor_for):
    open_ticket(db, actor=actor_for("maple"), subject="Invoice question", body="Why twice?")
    db.commit()

    def shown(**query):
        page = client.get("/bss/tickets", query_string=query)
        assert page.status_code == 200
        return text_of(page)

    inbox = shown()
    assert f"#{ticket.id} Mail stopped Harbour Dental Open Normal Nobody waiting 0 h" in inbox
    assert "Invoice question Maple Bakery" in inbox and "Support 2" in inbox  # the navigation's badge
    searched = shown(q="MAIL")
    assert "Mail stopped" in searched and "Invoice question" not in searched
    assert "Invoice question" not in shown(q=f"#{ticket.id}")
    only_harbour = shown(account=ticket.ticket.requester_id)
    assert "Mail stopped" in only_harbour and "Invoice question" not in only_harbour
    assert "No tickets." in shown(status="resolved") and "Mail stopped" in shown(status="open")
    assert "No tickets." in shown(assignee="mine") and "No tickets." in shown(waiting=2)
    assert "Mail stopped" in shown(assignee="nobody")
    frozen_clock.advance(timedelta(hours=3))
    assert "Mail stopped" in shown(waiting=2)
    assert client.get("/bss/tickets", query_string={"status": "asleep"}).status_code == 422


def test_a_late_ticket_stands_out_with_the_target_and_the_target_is_set_from_the_inbox(client, ticket, seller, post,
                                                                                      frozen_clock):
    frozen_clock.advance(timedelta(hours=5))
    assert "late" not in text_of(client.get("/bss/tickets"))
    saved = post("/bss/tickets/target", {"first_response_hours": "4"})
    assert saved.status_code == 302
    inbox = text_of(client.get("/bss/tickets"))
    assert "You mean to answer each request within 4 hours." in inbox
    assert "waiting 5 h · late: the target is 4 h" in inbox
    refused = post("/bss/tickets/target", {"first_response_hours": "a day"})
    assert refused.status_code == 422
    assert "First-response target: Write a whole number from 1 to 720." in text_of(refused)
    html = refused.get_data(as_text=True)  # the inbox shown again sorts, pages and searches the inbox
    assert 'href="/bss/tickets?sort=subject&amp;dir=asc"' in html and 'action="/bss/tickets"' in html
    assert "/bss/tickets/target?" not in html


def test_the_ticket_page_shows_the_customers_message_as_text_and_its_history(client, ticket, seller):
    page = client.get(f"/bss/tickets/{ticket.id}")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "Since this morning &lt;b&gt;nothing&lt;/b&gt;." in html and "<b>nothing</b>" not in html
    text = text_of(page)
    assert "Owner at Harbour (Harbour Dental) · Customer" in text
    assert "Opened: Mail stopped" in text


def test_the_seller_replies_to_the_customer_and_notes_for_itself(client, db, ticket, seller, post, actor_for):
    sent = post(f"/bss/tickets/{ticket.id}/messages", {"body": "We are looking.", "visibility": "customer",
                                                       "attachments": (BytesIO(PDF), "report.pdf")},
                content_type="multipart/form-data")
    assert sent.status_code == 302
    noted = post(f"/bss/tickets/{ticket.id}/messages", {"body": "Their MX looks wrong.", "visibility": "internal"})
    assert noted.status_code == 302
    page = text_of(client.get(f"/bss/tickets/{ticket.id}"))
    assert "Owner at Bright (Bright IT) · Customer" in page and "We are looking. report.pdf" in page
    assert "Internal note" in page and "Their MX looks wrong." in page
    assert "Status: Open → Waiting on customer" in page

    customer = get_ticket(db, actor_for("harbour"), ticket.id)
    assert [message.body for message in thread(db, customer)] == ["Since this morning <b>nothing</b>.", "We are looking."]
    attachment = thread(db, customer)[1].attachments[0]
    download = client.get(f"/bss/tickets/{ticket.id}/attachments/{attachment.id}")
    assert download.data == PDF and download.mimetype == "application/pdf"
    assert download.headers["Content-Disposition"].startswith("attachment;")


def test_status_priority_and_assignee_change_and_the_history_says_so_in_words(client, ticket, seller, post, demo):
    people = client.get(f"/bss/tickets/{ticket.id}").get_data(as_text=True)
    owner_id = people.split('name="assignee_id"')[1].split('<option value="')[2].split('"')[0]
    changed = post(f"/bss/tickets/{ticket.id}/desk", {"status": "resolved", "priority": "high", "assignee_id": owner_id})
    assert changed.status_code == 302, text_of(changed)
    page = text_of(client.get(f"/bss/tickets/{ticket.id}"))
    assert "Status: Open → Resolved" in page and "Priority: Normal → High" in page
    assert "Assignee: Nobody → Owner at Bright" in page
    assert "Mail stopped" in text_of(client.get("/bss/tickets", query_string={"assignee": "mine"}))
    refused = post(f"/bss/tickets/{ticket.id}/desk", {"status": "resolved", "priority": "high", "assignee_id": "99999"})
    assert refused.status_code == 422 and "Assignee: Bright IT has no person 99999 who answers support." in text_of(refused)


def test_escalating_copies_the_chosen_messages_and_the_distributor_reads_only_the_upstream_thread(
        client, db, ticket, seller, post, login_as, actor_for):
    post(f"/bss/tickets/{ticket.id}/messages", {"body": "Not for Northwind.", "visibility": "internal"})
    post(f"/bss/tickets/{ticket.id}/messages", {"body": "Is it better now?", "visibility": "customer"})
    first = thread(db, get_ticket(db, actor_for("bright"), ticket.id))[0]
    page = text_of(client.get(f"/bss/tickets/{ticket.id}"))
    assert "Escalate to Northwind" in page
    escalated = post(f"/bss/tickets/{ticket.id}/escalate", {"body": "Can you check the mail platform?",
                                                            "copy": [str(first.id)]})
    assert escalated.status_code == 302, text_of(escalated)
    page = text_of(client.get(f"/bss/tickets/{ticket.id}"))
    assert "Escalate to Northwind" not in page and "Escalated to Northwind" in page
    assert "Status: Waiting on customer → Waiting on upstream" in page
    assert "Let Northwind Distribution write to the customer as Bright IT" in page

    sign_in_again(client, login_as, "admin@northwind.example")
    inbox = text_of(client.get("/bss/tickets"))
    assert f"#{ticket.id} Mail stopped Fast track Harbour Dental via Bright IT Open" in inbox  # Bright IT is on Standard
    upstream = client.get(f"/bss/tickets/{ticket.id}")
    text = text_of(upstream)
    assert "Since this morning <b>nothing</b>." in text and "Can you check the mail platform?" in text
    assert "Not for Northwind." not in text and "Is it better now?" not in text
    assert 'value="customer"' not in upstream.get_data(as_text=True)
    assert "Escalated to Northwind" in text and "Open → Waiting on customer" not in text  # the customer's thread's

    sign_in_again(client, login_as, "owner@bright.example")
    assert post(f"/bss/tickets/{ticket.id}/upstream-writes", {"allowed": "yes"}).status_code == 302
    assert "Northwind Distribution may write to the customer, as Bright IT." in text_of(client.get(f"/bss/tickets/{ticket.id}"))
    sign_in_again(client, login_as, "admin@northwind.example")
    upstream = client.get(f"/bss/tickets/{ticket.id}").get_data(as_text=True)
    assert 'value="customer"' in upstream and "Is it better now?" in upstream


@pytest.mark.parametrize(("form", "said"), [
    ({"body": "  ", "visibility": "customer"}, "Message: Write a message of 1 to 20000 characters."),
    ({"body": "See file.", "visibility": "customer", "attachments": (BytesIO(b"MZ\x90\x00\x03"), "x.pdf")},
     "Attachments: x.pdf is not a file we accept"),
    ({"body": "Psst.", "visibility": "upstream"}, "Who reads it: This ticket is not escalated: escalate it to write upstream."),
    ({"body": "Psst.", "visibility": "everyone"}, "Who reads it: Choose one of: customer, internal, upstream."),
])
def test_bad_input_answers_422_with_the_reason_and_stores_nothing(client, db, ticket, seller, post, form, said):
    before = stored(db, ticket)
    refused = post(f"/bss/tickets/{ticket.id}/messages", form, content_type="multipart/form-data")
    assert refused.status_code == 422
    assert said in text_of(refused)
    assert stored(db, ticket) == before
    assert "Since this morning" in text_of(refused)  # the page again, not an error page


def test_writing_in_a_closed_ticket_says_why_on_its_page(db, ticket, seller, post):
    closed = post(f"/bss/tickets/{ticket.id}/desk", {"status": "closed", "priority": "normal", "assignee_id": ""})
    assert closed.status_code == 302
    refused = post(f"/bss/tickets/{ticket.id}/messages", {"body": "One more thing.", "visibility": "customer"})
    assert refused.status_code == 409
    assert f"Ticket {ticket.id} is closed: reopen it to write in it." in text_of(refused)
    assert "One more thing." in text_of(refused) and stored(db, ticket) == 1  # what was typed is kept, not stored


def test_a_message_carries_files_larger_than_other_forms_may_weigh(client, db, ticket, seller):
    big = PDF + b"0" * (2 * 1024 * 1024)  # twice what any other back-office form may send

    def send(content, name):
        # Encoded here, in memory: the test client would spool a body this large to a file it never closes.
        boundary, body = encode_multipart({"body": "The log.", "visibility": "internal", "csrf_token": form_token(client),
                                           "attachments": FileStorage(BytesIO(content), name)})
        return client.post(f"/bss/tickets/{ticket.id}/messages", data=body,
                           content_type=f"multipart/form-data; boundary={boundary}")

    assert send(big, "log.pdf").status_code == 302
    too_big = send(big * 3, "huge.pdf")
    assert too_big.status_code == 422 and "huge.pdf is larger than 5 MB." in text_of(too_big)
    assert stored(db, ticket) == 2


def test_an_escalation_without_a_message_is_refused_and_changes_nothing(client, db, ticket, seller, post, actor_for):
    for form, said in (({"body": ""}, "Message: Write a message of 1 to 20000 characters."),
                       ({"body": "Please look.", "copy": ["abc"]}, "Write a whole number from 1 to"),
                       ({"body": "Please look.", "copy": ["99999"]}, "has no message 99999 to copy.")):
        refused = post(f"/bss/tickets/{ticket.id}/escalate", form)
        assert refused.status_code == 422 and said in text_of(refused)
    db.expire_all()
    assert get_ticket(db, actor_for("bright"), ticket.id).ticket.upstream_id is None
    assert stored(db, ticket) == 1


def test_another_sellers_staff_get_not_found(client, db, ticket, post, login_as):
    attachment_less = f"/bss/tickets/{ticket.id}"
    login_as("owner@corner.example")
    assert client.get(attachment_less).status_code == 404
    assert client.get(f"{attachment_less}/attachments/1").status_code == 404
    assert post(f"{attachment_less}/messages", {"body": "Hi", "visibility": "customer"}).status_code == 404
    assert "Mail stopped" not in text_of(client.get("/bss/tickets"))
    assert stored(db, ticket) == 1


def test_the_home_lists_the_ticket_waiting_and_late_ones_stand_out(client, ticket, seller, frozen_clock, login_as):
    home = text_of(client.get("/bss/"))
    assert f"Support requests to answer 1 #{ticket.id} Mail stopped · Harbour Dental · Open · waiting 0 h" in home
    frozen_clock.advance(timedelta(hours=30))
    login_as("owner@bright.example")  # a session lasts 12 hours
    assert "waiting 30 h · late: the target is 24 h" in text_of(client.get("/bss/"))


def test_the_distributors_home_puts_fast_tracked_escalations_first(client, db, ticket, actor_for, login_as,
                                                                    frozen_clock):
    slow = open_ticket(db, actor=actor_for("corner"), subject="Basic question", body="How?")  # Corner asks Northwind
    frozen_clock.advance(timedelta(hours=2))
    escalate_ticket(db, actor=actor_for("bright"), ticket_id=ticket.id, body="Please look.")  # Bright IT, on Standard
    db.commit()
    login_as("admin@northwind.example")
    home = text_of(client.get("/bss/"))
    assert (f"Support requests to answer 2 #{ticket.id} Mail stopped Fast track · Harbour Dental via Bright IT · Open"
            f" · waiting 0 h #{slow.id} Basic question · Corner Computers · Open · waiting 2 h") in home


def test_a_reseller_asks_its_own_distributor(client, db, shops, post, login_as):
    login_as("owner@bright.example")
    assert "New request" in text_of(client.get("/bss/tickets/requests"))
    sent = post("/bss/tickets/new", {"subject": "Price list", "body": "Where is the new one?",
                                     "attachments": (BytesIO(b"Some notes\n"), "notes.txt")},
                content_type="multipart/form-data")
    assert sent.status_code == 302, text_of(sent)
    mine = text_of(client.get("/bss/tickets/requests"))
    assert "Price list Northwind" in mine
    assert "Price list" not in text_of(client.get("/bss/tickets"))  # asked, not answered
    refused = post("/bss/tickets/new", {"subject": "", "body": "x"})
    assert refused.status_code == 422 and "Subject: Say what it is about" in text_of(refused)

    sign_in_again(client, login_as, "admin@northwind.example")
    assert "Price list Bright IT Open" in text_of(client.get("/bss/tickets"))


def test_the_support_pages_speak_french_to_a_french_browser(client, ticket, seller):
    french = {"Accept-Language": "fr-FR,fr;q=0.9"}
    inbox = text_of(client.get("/bss/tickets", headers=french))
    assert "Boîte de réception" in inbox and "Personne en attente depuis 0 h" in inbox
    page = text_of(client.get(f"/bss/tickets/{ticket.id}", headers=french))
    assert "Répondre" in page and "Historique" in page and "Ouvert : Mail stopped" in page
    assert "Inbox" in text_of(client.get("/bss/tickets"))



def _subjects_listed(client, path, subjects, **query) -> list[str]:
    """Which of ``subjects`` the list at ``path`` shows, in its order."""
    response = client.get(path, query_string=query)
    assert response.status_code == 200
    listed = main_of(response)
    return sorted((subject for subject in subjects if subject in listed), key=listed.index)


def test_the_inbox_sorts_both_ways_searches_by_account_and_keeps_its_filters(client, db, ticket, seller, actor_for,
                                                                            frozen_clock):
    open_ticket(db, actor=actor_for("maple"), subject="Invoice question", body="Why twice?")
    open_ticket(db, actor=actor_for("solo"), subject="Solo's question", body="Northwind's customer asks Northwind.")
    db.commit()
    subjects = ("Mail stopped", "Invoice question", "Solo's question")
    assert _subjects_listed(client, "/bss/tickets", subjects) == ["Invoice question", "Mail stopped"]  # newest first
    assert _subjects_listed(client, "/bss/tickets", subjects, sort="number", dir="asc") == ["Mail stopped",
                                                                                           "Invoice question"]
    assert _subjects_listed(client, "/bss/tickets", subjects, sort="account", dir="desc") == ["Invoice question",
                                                                                             "Mail stopped"]
    assert _subjects_listed(client, "/bss/tickets", subjects, sort="subject") == ["Invoice question", "Mail stopped"]
    update_ticket(db, actor=actor_for("bright"), ticket_id=ticket.id, priority="high")
    db.commit()
    assert _subjects_listed(client, "/bss/tickets", subjects, sort="priority") == ["Invoice question", "Mail stopped"]
    assert _subjects_listed(client, "/bss/tickets", subjects, sort="priority", dir="desc") == ["Mail stopped",
                                                                                              "Invoice question"]
    assert _subjects_listed(client, "/bss/tickets", subjects, q="harbour") == ["Mail stopped"]
    assert _subjects_listed(client, "/bss/tickets", subjects, q="bakery", status="resolved") == []
    assert "No tickets." in main_of(client.get("/bss/tickets?q=solo"))
    html = client.get("/bss/tickets?assignee=nobody").get_data(as_text=True)
    assert 'aria-sort="descending"' in html and "Newest first." in html
    assert 'href="/bss/tickets?assignee=nobody&amp;sort=subject&amp;dir=asc"' in html
    assert 'href="/bss/tickets?assignee=nobody&amp;sort=number&amp;dir=asc"' in html


def test_the_inbox_pages_say_where_they_are_and_go_back_and_forth(client, db, ticket, seller, actor_for):
    for n in range(2, 56):
        open_ticket(db, actor=actor_for("maple"), subject=f"Question {n:02d}", body="Please.")
    db.commit()
    first = client.get("/bss/tickets?account=" + str(actor_for("maple").account.id))
    assert "1–50 of 54" in main_of(first) and "Question 55" in main_of(first) and "Question 05" not in main_of(first)
    second = client.get(f"/bss/tickets?account={actor_for('maple').account.id}&page=2")
    assert "51–54 of 54" in main_of(second) and "Question 02" in main_of(second) and "Mail stopped" not in main_of(second)
    assert f'rel="prev" href="/bss/tickets?account={actor_for("maple").account.id}"' in second.get_data(as_text=True)
    assert "1–50 of 55" in main_of(client.get("/bss/tickets"))


def test_a_reseller_s_own_requests_sort_search_and_page_apart_from_its_inbox(client, db, ticket, seller, actor_for):
    for subject in ("Price list", "Backups"):
        open_ticket(db, actor=actor_for("bright"), subject=subject, body="Can you help?")
    db.commit()
    subjects = ("Mail stopped", "Price list", "Backups")
    assert _subjects_listed(client, "/bss/tickets/requests", subjects) == ["Backups", "Price list"]
    assert _subjects_listed(client, "/bss/tickets/requests", subjects, sort="subject") == ["Backups", "Price list"]
    assert _subjects_listed(client, "/bss/tickets/requests", subjects, sort="subject", dir="desc") == ["Price list",
                                                                                                       "Backups"]
    assert _subjects_listed(client, "/bss/tickets/requests", subjects, q="price") == ["Price list"]
    assert _subjects_listed(client, "/bss/tickets/requests", subjects, q="northwind") == ["Backups", "Price list"]
    assert _subjects_listed(client, "/bss/tickets/requests", subjects, q="harbour") == []
    page = client.get("/bss/tickets/requests?q=price")
    assert "1–1 of 1" in main_of(page)
    assert 'href="/bss/tickets/requests?sort=subject&amp;dir=asc&amp;q=price"' in page.get_data(as_text=True)

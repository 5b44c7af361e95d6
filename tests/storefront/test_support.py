"""A customer's support requests on the shop, answered in the shop's name alone (``storefront.support``)."""

from __future__ import annotations

from io import BytesIO

from sqlalchemy import func, select
from werkzeug.datastructures import FileStorage, MultiDict
from werkzeug.test import encode_multipart

from core.models.outbox import OutboxEmail
from core.models.support import Ticket, TicketMessage
from core.services.branding import choose_theme
from core.services.ticket_files import UploadedFile
from core.services.tickets import add_message, escalate_ticket, open_ticket, update_ticket
from plugin_kit.testing import text_of
from storefront.themes import ThemeRegistry
from tests.storefront.conftest import BRIGHT, shop_csrf

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
DISGUISED = b"MZ\x90\x00\x03 not a pdf"


def _asked(db, actor_for, attachments=()):
    """Harbour Dental asks Bright IT for help, through the core."""
    view = open_ticket(db, actor=actor_for("harbour"), subject="Mail stopped", body="Since this morning.",
                       attachments=list(attachments))
    db.commit()
    return view


def _count(db, model):
    return db.scalar(select(func.count()).select_from(model))


def _first_message(db, ticket):
    return db.scalars(select(TicketMessage).where(TicketMessage.ticket_id == ticket.id).order_by(TicketMessage.id)).first()


def test_a_customer_asks_for_help_with_a_subscription_and_a_file_and_the_shops_support_people_are_told(
        frozen_clock, client, db, shops, subscribe, shop_sign_in, shop_post):
    subscription = subscribe("harbour")
    shop_sign_in()
    assert "Support" in text_of(client.get("/", base_url=BRIGHT))  # in the navigation
    page = client.get(f"/subscriptions/{subscription.id}", base_url=BRIGHT).get_data(as_text=True)
    assert f'href="/support/new?subscription={subscription.id}">Ask for help with this</a>' in page
    form = client.get(f"/support/new?subscription={subscription.id}", base_url=BRIGHT).get_data(as_text=True)
    assert f'<option value="{subscription.id}" selected>Fake product Small</option>' in form
    assert "Up to 5 files of at most 5 MB each: PDF, PNG, JPEG, plain text (.txt) or e-mail (.eml)." in text_of(
        client.get("/support/new", base_url=BRIGHT))

    sent = shop_post("/support/new", {"subject": "Printer offline", "body": "It says <b>error 42</b>.",
                                      "subscription_id": subscription.id,
                                      "attachments": [(BytesIO(PDF), "scan.pdf")]})
    ticket = db.scalar(select(Ticket))
    assert (sent.status_code, sent.location) == (302, f"/support/{ticket.id}")
    assert ticket.subscription_id == subscription.id
    told = db.scalars(select(OutboxEmail).where(OutboxEmail.to_address == "owner@bright.example")
                      .order_by(OutboxEmail.id)).all()[-1]
    assert told.subject == f"[#{ticket.id}] Printer offline" and "error 42" in told.text_body

    assert f"Printer offline #{ticket.id} Open 2 Mar 2026" in text_of(client.get("/support", base_url=BRIGHT))
    thread = client.get(f"/support/{ticket.id}", base_url=BRIGHT)
    html = thread.get_data(as_text=True)
    assert "It says &lt;b&gt;error 42&lt;/b&gt;." in html  # shown as text
    assert "About: Fake product Small" in text_of(thread)
    attachment = _first_message(db, ticket).attachments[0]
    link = f"/support/{ticket.id}/attachments/{attachment.id}"
    assert f'<a href="{link}" download>scan.pdf</a>' in html
    download = client.get(link, base_url=BRIGHT)
    assert (download.status_code, download.mimetype, download.data) == (200, "application/pdf", PDF)
    assert download.headers["Content-Disposition"] == "attachment; filename=scan.pdf"


def test_every_answer_shows_under_the_shops_name_and_nothing_names_anyone_above_it(
        frozen_clock, client, db, shops, actor_for, shop_sign_in, shop_post):
    ticket = _asked(db, actor_for)
    bright, northwind = actor_for("bright"), actor_for("northwind")
    add_message(db, actor=bright, ticket_id=ticket.id, body="Looking into it.", visibility="customer")
    escalate_ticket(db, actor=bright, ticket_id=ticket.id, body="Can you check the mail platform?")
    update_ticket(db, actor=bright, ticket_id=ticket.id, upstream_writes_to_customer=True)
    add_message(db, actor=northwind, ticket_id=ticket.id, body="We restarted the relay.", visibility="customer")
    db.commit()

    shop_sign_in()
    pages = [client.get(path, base_url=BRIGHT) for path in ("/support", f"/support/{ticket.id}")]
    for page in pages:
        assert page.status_code == 200
        assert "northwind" not in page.get_data(as_text=True).lower()
        assert "cascade" not in page.get_data(as_text=True).lower()
    thread = text_of(pages[1])
    assert "Bright IT · 2 Mar 2026, 09:30 UTC Looking into it." in thread
    assert "Bright IT · 2 Mar 2026, 09:30 UTC We restarted the relay." in thread
    assert "Can you check the mail platform?" not in thread


def test_the_customer_marks_its_request_solved_and_replying_opens_it_again(
        frozen_clock, client, db, shops, actor_for, shop_sign_in, shop_post):
    ticket = _asked(db, actor_for)
    add_message(db, actor=actor_for("bright"), ticket_id=ticket.id, body="Try now.", visibility="customer")
    db.commit()
    shop_sign_in()
    assert "Mail stopped Waiting on you" in text_of(client.get(f"/support/{ticket.id}", base_url=BRIGHT))

    assert shop_post(f"/support/{ticket.id}/solved").status_code == 302
    solved = text_of(client.get(f"/support/{ticket.id}", base_url=BRIGHT))
    assert "Mail stopped Solved" in solved and "reply within 14 days" in solved
    assert "Now: Solved · 2 Mar 2026, 09:30 UTC · Owner at Harbour" in solved
    assert "Now: Waiting on you · 2 Mar 2026, 09:30 UTC · Bright IT" in solved
    assert shop_post(f"/support/{ticket.id}/messages", {"body": "It stopped again."}).status_code == 302
    assert "Mail stopped Open" in text_of(client.get(f"/support/{ticket.id}", base_url=BRIGHT))


def test_a_disguised_file_or_an_empty_message_is_refused_with_why_and_nothing_is_stored(
        client, db, shops, actor_for, shop_sign_in, shop_post):
    shop_sign_in()
    disguised = shop_post("/support/new", {"subject": "Invoice", "body": "See attached.",
                                           "attachments": [(BytesIO(DISGUISED), "x.pdf")]})
    assert disguised.status_code == 422
    assert "x.pdf cannot be sent: attach a PDF, PNG, JPEG, plain text (.txt) or e-mail (.eml) file of at most 5 MB" \
        in text_of(disguised)
    empty = shop_post("/support/new", {"subject": "Invoice", "body": "  "})
    assert empty.status_code == 422 and "Write a message of 1 to 20000 characters." in text_of(empty)
    assert 'value="Invoice"' in empty.get_data(as_text=True)  # the form keeps what was typed
    assert _count(db, Ticket) == 0

    ticket = _asked(db, actor_for)
    refused = shop_post(f"/support/{ticket.id}/messages", {"body": "Here it is.",
                                                           "attachments": [(BytesIO(DISGUISED), "x.pdf")]})
    assert refused.status_code == 422 and "x.pdf cannot be sent" in text_of(refused)
    assert _count(db, TicketMessage) == 1


def test_files_larger_than_other_forms_take_are_sent_and_a_file_over_5_mb_is_refused(client, db, shops, shop_sign_in):
    shop_sign_in()
    two_megabytes, six_megabytes = PDF + b"0" * (2 * 1024 * 1024), PDF + b"0" * (6 * 1024 * 1024)
    refused = _send_files(client, {"page1.pdf": two_megabytes, "page2.pdf": six_megabytes})
    assert refused.status_code == 422
    assert "page2.pdf cannot be sent" in text_of(refused) and "page1.pdf cannot" not in text_of(refused)
    assert _count(db, Ticket) == 0
    assert _send_files(client, {"page1.pdf": two_megabytes}).status_code == 302
    assert _count(db, Ticket) == 1


def _send_files(client, files):
    """Post a new request with ``files`` as a browser does, its body encoded in memory: the test client would
    spool a large body to a temporary file it never closes."""
    fields = MultiDict({"csrf_token": shop_csrf(client), "subject": "Scans", "body": "The pages."})
    for name, content in files.items():
        fields.add("attachments", FileStorage(BytesIO(content), filename=name, content_type="application/pdf"))
    boundary, body = encode_multipart(fields)
    return client.post("/support/new", data=body, content_type=f"multipart/form-data; boundary={boundary}",
                       base_url=BRIGHT)


def test_another_customers_request_and_its_files_are_not_found(client, db, shops, actor_for, shop_sign_in, shop_post):
    ticket = _asked(db, actor_for, [UploadedFile("scan.pdf", PDF)])
    attachment = _first_message(db, ticket).attachments[0]
    shop_sign_in("owner@maple.example")
    assert "Mail stopped" not in text_of(client.get("/support", base_url=BRIGHT))
    assert client.get(f"/support/{ticket.id}", base_url=BRIGHT).status_code == 404
    assert client.get(f"/support/{ticket.id}/attachments/{attachment.id}", base_url=BRIGHT).status_code == 404
    assert shop_post(f"/support/{ticket.id}/messages", {"body": "Hello"}).status_code == 404
    assert shop_post(f"/support/{ticket.id}/solved").status_code == 404
    assert _count(db, TicketMessage) == 1


def test_the_support_pages_speak_french(frozen_clock, client, db, shops, actor_for, shop_sign_in):
    ticket = _asked(db, actor_for)
    add_message(db, actor=actor_for("bright"), ticket_id=ticket.id, body="Looking into it.", visibility="customer")
    db.commit()
    shop_sign_in()
    french = {"Accept-Language": "fr"}
    listed = text_of(client.get("/support", base_url=BRIGHT, headers=french))
    assert "Nouvelle demande" in listed and "En attente de votre réponse" in listed
    thread = text_of(client.get(f"/support/{ticket.id}", base_url=BRIGHT, headers=french))
    assert "Marquer comme résolue" in thread and "Historique" in thread
    form = text_of(client.get("/support/new", base_url=BRIGHT, headers=french))
    assert "Objet" in form and "Pièces jointes" in form


def test_the_support_pages_wear_the_shops_theme(client, db, shops, actor_for, shop_sign_in):
    choose_theme(db, actor=actor_for("bright"), theme="harbour", available=ThemeRegistry().themes)
    ticket = _asked(db, actor_for)
    shop_sign_in()
    for path in ("/support", "/support/new", f"/support/{ticket.id}"):
        page = client.get(path, base_url=BRIGHT).get_data(as_text=True)
        assert '<a href="/support">Support</a>' in page and "<strong>Bright IT</strong>" in page  # harbour's footer

from io import BytesIO

import pytest
from sqlalchemy import func, select
from werkzeug.datastructures import FileStorage
from werkzeug.test import encode_multipart

from core.models.support import Ticket, TicketAttachment
from tests.bss.api.conftest import documented

MISSING_ID = 987_654_321
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + bytes(32)


def multipart(**fields):
    """A multipart/form-data body, encoded in memory (the test client would spool a large one to a file it never closes)."""
    boundary, body = encode_multipart(fields)
    return {"data": body, "content_type": f"multipart/form-data; boundary={boundary}"}


def file(content, filename):
    return FileStorage(BytesIO(content), filename=filename)


@pytest.fixture
def asked(api_as):
    """Harbour Dental's question to Bright IT, through the API."""
    opened = api_as("harbour").post("/api/v1/tickets", json={"subject": "Mail stopped", "body": "Since this morning."})
    assert opened.status_code == 201, opened.json
    return opened.json


def bodies(response):
    return [message["body"] for message in response.json["items"]]


def test_a_customer_asks_and_its_seller_answers_with_an_internal_note_the_customer_never_reads(client, api_as, demo):
    harbour, bright = api_as("harbour"), api_as("bright")
    opened = harbour.post("/api/v1/tickets", json={"subject": "Mail stopped", "body": "Since this morning."})
    assert opened.status_code == 201, opened.json
    assert opened.headers["Location"].endswith(f"/api/v1/tickets/{opened.json['id']}")
    assert {key: opened.json[key] for key in ("subject", "status", "priority", "account", "escalated", "awaiting_since")} == {
        "subject": "Mail stopped", "status": "open", "priority": "normal", "escalated": False, "awaiting_since": None,
        "account": {"id": str(demo["harbour"].id), "name": demo["harbour"].name}}
    documented(client, opened, "/api/v1/tickets", "post")
    path = f"/api/v1/tickets/{opened.json['id']}"

    inbox = bright.get(f"/api/v1/tickets?status=open&account_id={demo['harbour'].id}")
    assert [item["id"] for item in inbox.json["items"]] == [opened.json["id"]]
    documented(client, inbox, "/api/v1/tickets", "get")
    seen = bright.get(path).json
    assert seen["awaiting_since"].endswith("Z") and seen["late"] is False
    assert bright.post(f"{path}/messages", json={"body": "Their MX looks wrong.", "visibility": "internal"}).status_code == 201
    answer = bright.post(f"{path}/messages", json={"body": "Fixed: try again?"})
    assert answer.status_code == 201, answer.json
    documented(client, answer, "/api/v1/tickets/{ticket_id}/messages", "post")

    thread = harbour.get(f"{path}/messages")
    assert bodies(thread) == ["Since this morning.", "Fixed: try again?"]
    assert thread.json["items"][1]["author"] == {"name": "Bright IT", "account": None}
    documented(client, thread, "/api/v1/tickets/{ticket_id}/messages", "get")
    assert bodies(bright.get(f"{path}/messages")) == ["Since this morning.", "Their MX looks wrong.", "Fixed: try again?"]
    assert harbour.get(path).json["status"] == "waiting_on_customer"
    assert harbour.patch(path, json={"status": "resolved"}).json["status"] == "resolved"


def test_the_distributor_finds_it_once_escalated_and_writes_to_the_customer_only_as_the_reseller(api_as, asked):
    harbour, bright, northwind = api_as("harbour"), api_as("bright"), api_as("northwind")
    path = f"/api/v1/tickets/{asked['id']}"
    bright.post(f"{path}/messages", json={"body": "Checking with our platform.", "visibility": "customer"})
    assert northwind.get(path).status_code == 404
    assert northwind.get("/api/v1/tickets").json["items"] == []

    question = bright.get(f"{path}/messages").json["items"][0]
    escalated = bright.post(f"{path}/escalate", json={"body": "Can you check the relay?", "copy_message_ids": [question["id"]]})
    assert escalated.status_code == 200, escalated.json
    assert (escalated.json["escalated"], escalated.json["status"]) == (True, "waiting_on_upstream")
    assert bright.post(f"{path}/escalate", json={"body": "Again?"}).status_code == 409
    assert northwind.get(path).json["account"]["name"] == "Harbour Dental"
    assert bodies(northwind.get(f"{path}/messages")) == ["Since this morning.", "Can you check the relay?"]
    refused = northwind.post(f"{path}/messages", json={"body": "Hello!", "visibility": "customer"})
    assert refused.status_code == 422 and "visibility" in refused.json["fields"]

    assert bright.patch(path, json={"upstream_writes_to_customer": True}).json["upstream_writes_to_customer"] is True
    written = northwind.post(f"{path}/messages", json={"body": "We restarted the relay.", "visibility": "customer"})
    assert written.status_code == 201, written.json
    assert written.json["author"]["account"]["name"] == "Northwind Distribution"

    seen_by_customer = [harbour.get(path), harbour.get("/api/v1/tickets"), harbour.get(f"{path}/messages")]
    assert seen_by_customer[2].json["items"][-1]["author"] == {"name": "Bright IT", "account": None}
    assert seen_by_customer[0].json["status"] == "waiting_on_customer"
    for response in seen_by_customer:
        assert response.status_code == 200
        assert "Northwind" not in response.get_data(as_text=True)
        assert "upstream" not in response.get_data(as_text=True).replace('"upstream_writes_to_customer"', "")


def test_files_go_up_as_multipart_and_come_back_as_sent(client, api_as):
    harbour, bright = api_as("harbour"), api_as("bright")
    large_pdf = PDF + b"%" + bytes(1_500_000)  # past the 1 MB that any other request may weigh
    opened = harbour.post("/api/v1/tickets", **multipart(
        subject="Invoice", body="See attached.", attachments=[file(large_pdf, "invoice.pdf"),
                                                              file(b"line one\n", "notes.txt")]))
    assert opened.status_code == 201, opened.json
    path = f"/api/v1/tickets/{opened.json['id']}"
    answered = bright.post(f"{path}/messages", **multipart(body="Here is what we see.", attachments=file(PNG, "screen.png")))
    assert answered.status_code == 201, answered.json
    assert [(file["filename"], file["media_type"]) for file in answered.json["attachments"]] == [("screen.png", "image/png")]

    thread = harbour.get(f"{path}/messages").json["items"]
    files = thread[0]["attachments"]
    assert [(file["filename"], file["media_type"], file["size"]) for file in files] == [
        ("invoice.pdf", "application/pdf", len(large_pdf)), ("notes.txt", "text/plain", 9)]
    downloaded = harbour.get(files[0]["url"])
    assert downloaded.status_code == 200
    assert downloaded.data == large_pdf
    assert downloaded.mimetype == "application/pdf"
    assert downloaded.headers["Content-Disposition"] == "attachment; filename=invoice.pdf"
    assert downloaded.headers["X-Content-Type-Options"] == "nosniff"
    assert bright.get(thread[1]["attachments"][0]["url"]).data == PNG
    oversized = bright.patch(path, data=b" " * 1_500_000, content_type="application/json")
    assert oversized.status_code == 413  # only what may carry files may weigh more than 1 MB


def stored(db):
    return [db.scalar(select(func.count()).select_from(model)) for model in (Ticket, TicketAttachment)]


def test_a_disguised_file_or_too_many_are_refused_and_nothing_is_stored(db, api_as):
    harbour = api_as("harbour")
    before = stored(db)
    disguised = harbour.post("/api/v1/tickets", **multipart(
        subject="Invoice", body="See attached.", attachments=file(b"MZ\x90\x00\x03\x00\x00\x00", "x.pdf")))
    assert disguised.status_code == 422
    assert list(disguised.json["fields"]) == ["attachments"]
    assert "x.pdf" in disguised.json["fields"]["attachments"][0]
    many = [file(b"note\n", f"note{n}.txt") for n in range(6)]
    crowded = harbour.post("/api/v1/tickets", **multipart(subject="Notes", body="Six notes.", attachments=many))
    assert crowded.status_code == 422 and "at most 5" in crowded.json["fields"]["attachments"][0]
    misplaced = harbour.post("/api/v1/tickets", **multipart(subject="Notes", body="A note.",
                                                            file=file(b"note\n", "note.txt")))
    assert misplaced.status_code == 422 and list(misplaced.json["fields"]) == ["file"]
    assert stored(db) == before


def test_html_in_a_message_comes_back_as_the_text_it_was(api_as, asked):
    html = '<script>alert("hi")</script><b>bold</b>'
    path = f"/api/v1/tickets/{asked['id']}/messages"
    assert api_as("harbour").post(path, json={"body": html}).status_code == 201
    read = api_as("bright").get(path)
    assert read.mimetype == "application/json"
    assert bodies(read)[-1] == html


@pytest.mark.parametrize(("method", "suffix", "body", "field"), [
    ("PATCH", "", {"priority": "asap"}, "priority"),
    ("PATCH", "", {"assignee_id": True}, "assignee_id"),
    ("PATCH", "", {"status": "resolved", "colour": "red"}, "colour"),
    ("POST", "/messages", {"body": 42}, "body"),
    ("POST", "/messages", {"body": "Hi", "visibility": "public"}, "visibility"),
    ("POST", "/messages", {"body": "   "}, "body"),
    ("POST", "/escalate", {"body": "Please.", "copy_message_ids": ["x"]}, "copy_message_ids.0"),
    ("POST", "/escalate", {"body": "Please.", "copy_message_ids": [MISSING_ID]}, "copy_message_ids"),
])
def test_bad_input_is_refused_naming_the_field(api_as, asked, method, suffix, body, field):
    refused = api_as("bright").open(method, f"/api/v1/tickets/{asked['id']}{suffix}", json=body)
    assert refused.status_code == 422, refused.json
    assert field in refused.json["fields"]


def test_a_new_tickets_bad_fields_and_a_customer_changing_what_is_the_sellers(api_as, asked):
    harbour = api_as("harbour")
    refused = harbour.post("/api/v1/tickets", json={"subject": 7, "body": "", "urgent": True})
    assert refused.status_code == 422
    assert set(refused.json["fields"]) == {"subject", "body", "urgent"}
    unknown = harbour.post("/api/v1/tickets", json={"subject": "Help", "body": "Hi", "subscription_id": MISSING_ID})
    assert unknown.status_code == 404
    priority = harbour.patch(f"/api/v1/tickets/{asked['id']}", json={"priority": "urgent"})
    assert priority.status_code == 422 and "priority" in priority.json["fields"]


def test_another_tenants_ticket_and_file_answer_as_missing_ones(api_as):
    opened = api_as("harbour").post("/api/v1/tickets", **multipart(
        subject="Invoice", body="See attached.", attachments=file(PDF, "invoice.pdf")))
    path = f"/api/v1/tickets/{opened.json['id']}"
    file_url = api_as("harbour").get(f"{path}/messages").json["items"][0]["attachments"][0]["url"]
    attachment_id = file_url.rsplit("/", 1)[-1]
    for slug in ("maple", "corner", "northwind"):
        stranger = api_as(slug)
        for method, suffix in (("GET", ""), ("PATCH", ""), ("GET", "/messages"), ("POST", "/messages"),
                               ("POST", "/escalate"), ("GET", f"/attachments/{attachment_id}")):
            body = {"body": "Hello."} if method == "POST" else {"status": "closed"}
            foreign = stranger.open(method, f"{path}{suffix}", json=body)
            missing = stranger.open(method, f"/api/v1/tickets/{MISSING_ID}{suffix}", json=body)
            assert (foreign.status_code, missing.status_code) == (404, 404), (slug, method, suffix)
        assert stranger.get("/api/v1/tickets").json["items"] == []
    assert api_as("harbour").get(f"/api/v1/tickets/{MISSING_ID}/attachments/{attachment_id}").status_code == 404


def test_answering_takes_the_support_permission(api_as, asked, make_team):
    buyers = make_team("bright", "Buyers", ["purchase"])
    refused = api_as("bright", buyers).get(f"/api/v1/tickets/{asked['id']}")
    assert refused.status_code == 403
    assert api_as("bright", buyers).get("/api/v1/tickets").json["items"] == []


def test_the_list_pages_newest_first(api_as):
    harbour = api_as("harbour")
    ids = [harbour.post("/api/v1/tickets", json={"subject": f"Question {n}", "body": "Hi"}).json["id"] for n in range(3)]
    first = harbour.get("/api/v1/tickets?limit=2").json
    assert [item["id"] for item in first["items"]] == ids[:0:-1]
    assert [item["id"] for item in harbour.get(first["next"]).json["items"]] == ids[:1]


def test_a_message_with_files_sent_again_with_its_key_is_written_once(api_as, asked):
    harbour = api_as("harbour")
    url, key = f"/api/v1/tickets/{asked['id']}/messages", {"Idempotency-Key": "reply-0001"}

    def send(content):
        return harbour.post(url, headers=key, **multipart(body="The scan.", attachments=file(content, "scan.pdf")))

    first, again = send(PDF), send(PDF)
    assert (first.status_code, again.status_code) == (201, 201), again.json
    assert again.json["id"] == first.json["id"] and again.headers["Idempotent-Replayed"] == "true"
    assert bodies(harbour.get(url)).count("The scan.") == 1
    other = send(PDF.replace(b"1.4", b"1.7"))  # the same key with another file: another request
    assert other.status_code == 409, other.json

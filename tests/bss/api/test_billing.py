"""``/invoices`` and ``/charges``: what an account billed and was billed, seen by its issuer and its recipient only."""

from __future__ import annotations

from datetime import date
from io import BytesIO

from pypdf import PdfReader

from core.services.billing_run import run_billing
from tests.bss.api.conftest import documented

MISSING_ID = 987_654_321


def eur(amount):
    return {"amount": amount, "currency": "EUR"}


def test_charges_wait_for_the_run_then_the_invoice_is_read_by_its_recipient_and_its_issuer(
        frozen_clock, client, db, api_as, subscribe):
    subscription = subscribe("harbour", quantity=3)
    harbour, bright = api_as("harbour"), api_as("bright")
    waiting = harbour.get(f"/api/v1/charges?subscription_id={subscription.id}")
    documented(client, waiting, "/api/v1/charges", "get")
    assert [(charge["kind"], charge["issuer"]["name"], charge["amount"]) for charge in waiting.json["items"]] == [
        ("recurring", "Bright IT", eur("43.14"))]  # Harbour never sees what Bright IT pays for it
    run_billing(db, date(2026, 4, 1))
    assert harbour.get("/api/v1/charges").json["items"] == []

    listed = harbour.get("/api/v1/invoices?period=2026-03")
    documented(client, listed, "/api/v1/invoices", "get")
    (invoice,) = listed.json["items"]
    assert {key: invoice[key] for key in ("number", "status", "issued_on", "due_on", "subtotal", "tax", "total")} == {
        "number": "BRIGHT-000001", "status": "open", "issued_on": "2026-04-01", "due_on": "2026-04-15",
        "subtotal": eur("43.14"), "tax": eur("0.00"), "total": eur("43.14")}
    assert (invoice["issuer"]["name"], invoice["recipient"]["name"]) == ("Bright IT", "Harbour Dental")
    assert {key: invoice[key] for key in ("issuer_tax_id", "recipient_tax_id", "reverse_charge", "reminders_sent")} == {
        "issuer_tax_id": None, "recipient_tax_id": None, "reverse_charge": False, "reminders_sent": 0}
    (line,) = invoice["lines"]
    assert {key: line[key] for key in ("kind", "description", "quantity", "unit_price", "amount")} == {
        "kind": "recurring", "description": "3 x Fake product Small", "quantity": 3, "unit_price": eur("14.38"),
        "amount": eur("43.14")}
    read = bright.get(f"/api/v1/invoices/{invoice['id']}")
    documented(client, read, "/api/v1/invoices/{invoice_id}", "get")
    assert read.json["number"] == "BRIGHT-000001"
    issued = bright.get(f"/api/v1/invoices?issuer_id={subscription.seller_id}").json["items"]
    received = bright.get(f"/api/v1/invoices?recipient_id={subscription.seller_id}").json["items"]
    assert ([i["number"] for i in issued], [i["number"] for i in received]) == (["BRIGHT-000001"], ["NORTHWIND-000001"])


def test_nobody_but_the_issuer_and_the_recipient_sees_an_invoice(frozen_clock, db, api_as, subscribe):
    subscribe("harbour")
    run_billing(db, date(2026, 4, 1))
    (invoice,) = api_as("harbour").get("/api/v1/invoices").json["items"]
    for outsider in ("northwind", "maple", "corner"):  # the distributor above, a neighbour, another reseller
        caller = api_as(outsider)
        assert caller.get(f"/api/v1/invoices/{invoice['id']}").status_code == 404
        assert invoice["id"] not in [found["id"] for found in caller.get("/api/v1/invoices").json["items"]]
    assert api_as("harbour").get(f"/api/v1/invoices/{MISSING_ID}").status_code == 404


def test_a_bad_period_is_refused_naming_the_field(api_as, demo):
    refused = api_as("harbour").get("/api/v1/invoices?period=March")
    assert refused.status_code == 422
    assert refused.json["fields"] == {"period": ["Write a month as YYYY-MM, such as 2026-03."]}


def test_the_issuer_records_a_payment_and_the_invoice_says_what_is_left(frozen_clock, client, db, demo, api_as,
                                                                         subscribe):
    subscribe("harbour", quantity=3)
    run_billing(db, date(2026, 4, 1))
    bright = api_as("bright")
    (invoice,) = bright.get(f"/api/v1/invoices?recipient_id={demo['harbour'].id}").json["items"]
    paid = bright.post(f"/api/v1/invoices/{invoice['id']}/payments",
                       json={"method": "bank_transfer", "reference": "TR-42", "amount": "40.00", "paid_on": "2026-03-02"})
    assert paid.status_code == 201, paid.json
    documented(client, paid, "/api/v1/invoices/{invoice_id}/payments", "post")
    assert (paid.json["status"], paid.json["balance_due"]) == ("open", eur("3.14"))
    assert [(p["reference"], p["amount"]) for p in paid.json["payments"]] == [("TR-42", eur("40.00"))]
    refused = bright.post(f"/api/v1/invoices/{invoice['id']}/payments",
                          json={"method": "bank_transfer", "reference": "", "amount": 3.14})
    assert refused.status_code == 422 and set(refused.json["fields"]) == {"reference", "amount"}
    assert api_as("harbour").post(f"/api/v1/invoices/{invoice['id']}/payments", json={
        "method": "card", "reference": "mine", "amount": "3.14"}).status_code == 404  # only the issuer records


def test_the_issuer_corrects_an_invoice_with_a_credit_note(frozen_clock, client, db, demo, api_as, subscribe):
    subscribe("harbour")
    run_billing(db, date(2026, 4, 1))
    bright = api_as("bright")
    (invoice,) = bright.get(f"/api/v1/invoices?recipient_id={demo['harbour'].id}").json["items"]
    noted = bright.post(f"/api/v1/invoices/{invoice['id']}/credit-notes", json={"reason": "Ordered by mistake"})
    assert noted.status_code == 201, noted.json
    documented(client, noted, "/api/v1/invoices/{invoice_id}/credit-notes", "post")
    assert (noted.json["credited_invoice_id"], noted.json["total"]) == (invoice["id"], eur("-14.38"))
    assert bright.get(f"/api/v1/invoices/{invoice['id']}").json["status"] == "void"
    refused = bright.post(f"/api/v1/invoices/{invoice['id']}/credit-notes", json={"reason": "Again"})
    assert refused.status_code == 409
    assert api_as("harbour").post(f"/api/v1/invoices/{invoice['id']}/credit-notes",
                                  json={"reason": "Mine"}).status_code == 404


def test_the_invoice_downloads_as_a_pdf_by_its_issuer_and_its_recipient_only(frozen_clock, client, db, api_as, subscribe):
    subscribe("harbour", quantity=3)
    run_billing(db, date(2026, 4, 1))
    (invoice,) = api_as("harbour").get("/api/v1/invoices").json["items"]
    path = f"/api/v1/invoices/{invoice['id']}/pdf"
    for caller in ("harbour", "bright"):
        pdf = api_as(caller).get(path)
        assert (pdf.status_code, pdf.mimetype) == (200, "application/pdf")
        assert pdf.headers["Content-Disposition"] == "attachment; filename=BRIGHT-000001.pdf"
        text = PdfReader(BytesIO(pdf.data)).pages[0].extract_text()
        assert "Invoice BRIGHT-000001" in text and "Harbour Dental" in text and "€43.14" in text
    for outsider in ("northwind", "maple", "corner"):
        refused = api_as(outsider).get(path)
        assert (refused.status_code, refused.mimetype) == (404, "application/problem+json")
    assert api_as("harbour").get(f"/api/v1/invoices/{MISSING_ID}/pdf").status_code == 404
    described = client.get("/api/v1/openapi.json").json["paths"]["/api/v1/invoices/{invoice_id}/pdf"]["get"]
    assert list(described["responses"]["200"]["content"]) == ["application/pdf"]
    assert {"401", "403", "404"} <= set(described["responses"])


def test_a_seller_charges_and_credits_its_customer_by_hand_for_the_next_invoice(frozen_clock, client, db, api_as,
                                                                               demo):
    bright = api_as("bright")
    harbour_id = str(demo["harbour"].id)
    added = bright.post("/api/v1/charges", json={"recipient_id": harbour_id, "kind": "fee",
                                                 "description": "On-site setup, 2 hours", "quantity": 2,
                                                 "unit_price": "45.00", "currency": "EUR"})
    assert added.status_code == 201, added.json
    documented(client, added, "/api/v1/charges", "post")
    assert (added.json["kind"], added.json["amount"]) == ("fee", eur("90.00"))
    credit = bright.post("/api/v1/charges", json={"recipient_id": harbour_id, "kind": "credit",
                                                  "description": "Sorry for the outage", "unit_price": "10",
                                                  "currency": "EUR"})
    assert credit.json["amount"] == eur("-10.00")
    waiting = api_as("harbour").get(f"/api/v1/charges?recipient_id={harbour_id}").json["items"]
    assert [(item["kind"], item["amount"]) for item in waiting] == [("fee", eur("90.00")), ("credit", eur("-10.00"))]
    run_billing(db, date(2026, 4, 1))
    (invoice,) = api_as("harbour").get("/api/v1/invoices").json["items"]
    assert invoice["total"] == eur("80.00")


def test_a_charge_by_hand_is_refused_by_field_and_only_to_an_account_sold_to(api_as, demo):
    bright = api_as("bright")
    refused = bright.post("/api/v1/charges", json={"recipient_id": str(demo["harbour"].id), "kind": "gift",
                                                   "description": "", "unit_price": "-1", "currency": "euro"})
    assert refused.status_code == 422
    assert set(refused.json["fields"]) == {"kind", "description", "unit_price", "currency"}
    priced = bright.post("/api/v1/charges", json={"recipient_id": str(demo["harbour"].id), "description": "x",
                                                  "unit_price": "1.234", "currency": "EUR"})
    assert priced.status_code == 422 and list(priced.json["fields"]) == ["unit_price"]
    for huge in ({"unit_price": "26513305515524", "quantity": 1}, {"unit_price": "100000000", "quantity": 1147}):
        too_much = bright.post("/api/v1/charges", json={"recipient_id": str(demo["harbour"].id), "description": "x",
                                                        "currency": "EUR", **huge})  # more than any column keeps
        assert too_much.status_code == 422 and list(too_much.json["fields"]) == ["unit_price"], too_much.json
    for stranger in ("solo", "northwind", "corner"):  # another's customer, its own seller, a neighbour
        assert bright.post("/api/v1/charges", json={"recipient_id": str(demo[stranger].id), "description": "x",
                                                    "unit_price": "1", "currency": "EUR"}).status_code == 404
    assert api_as("harbour").get("/api/v1/charges").json["items"] == []

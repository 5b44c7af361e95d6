"""Transfers in the back office: the list, each party's page and its answers, starting one, and French."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from core.models.charges import Charge
from core.models.support import Ticket, TicketMessage
from core.models.transfers import Transfer, TransferStatus
from core.services.transfers import consent_to_transfer, start_transfer
from plugin_kit.testing import text_of
from tests.bss.backoffice.conftest import sign_out


def sign_in_again(client, login_as, email):
    """Sign out, then in as ``email``."""
    sign_out(client)
    login_as(email)


def started_from(response):
    """The id of the transfer a form started, from where it sent the browser."""
    assert response.status_code == 302, text_of(response)
    path = response.headers["Location"]
    assert path.startswith("/bss/transfers/"), path
    return int(path.rsplit("/", 1)[1])


def consent(db, actor_for, slug, transfer_id):
    """The customer ``slug``'s owners consent, as its storefront would have them do."""
    consent_to_transfer(db, actor=actor_for(slug), transfer_id=transfer_id)
    db.commit()


def transfer_count(db):
    return db.scalar(select(func.count()).select_from(Transfer))


@pytest.fixture
def atlas_to_bright(client, db, shops, login_as, post):
    """Northwind moves its direct customer Atlas Legal to Bright IT, from Atlas's account page."""
    login_as("admin@northwind.example")
    page = text_of(client.get(f"/bss/accounts/{shops['atlas'].id}"))
    assert "Move to a reseller" in page and "Make direct" not in page
    transfer_id = started_from(post(f"/bss/accounts/{shops['atlas'].id}/transfer", {"to": str(shops["bright"].id)}))
    sign_out(client)
    return transfer_id


def test_a_reseller_receives_a_customer_by_its_domain_and_sees_its_name_once_it_consents(
        client, db, shops, login_as, post, actor_for):
    login_as("owner@bright.example")
    assert 'href="/bss/transfers"' in client.get("/bss/").get_data(as_text=True)  # in the navigation
    listed = text_of(client.get("/bss/transfers"))
    assert "Transfers" in listed and "Receive a customer" in listed and "No transfers." in listed
    transfer_id = started_from(post("/bss/transfers", {"domain": "Solo-Consulting.example"}))

    page = text_of(client.get(f"/bss/transfers/{transfer_id}"))
    assert "You asked to receive solo-consulting.example: its owners are asked to consent." in page
    assert "Solo Consulting" not in page and "You see its name once its owners consent." in page
    assert "Kind From direct to a reseller Old seller Northwind Distribution New seller Bright IT" in page
    assert "Status Awaiting the customer's consent" in page
    assert "We, solo-consulting.example, authorize the transfer of our account to Bright IT. Not given yet." in page
    assert "Cancel the transfer" in page and "Accept solo" not in page  # asking was its acceptance
    row = text_of(client.get("/bss/transfers"))
    assert f"#{transfer_id} solo-consulting.example From direct to a reseller Northwind Distribution Bright IT" in row
    assert "Solo Consulting" not in row

    consent(db, actor_for, "solo", transfer_id)

    page = client.get(f"/bss/transfers/{transfer_id}")
    text = text_of(page)
    assert "Solo Consulting solo-consulting.example" in text and "Status Completed" in text
    assert "Given by Owner at Solo on" in text
    moved = db.get(Transfer, transfer_id)
    # Solo wrote its consent to Bright IT, where the two talk about the move; Bright IT's acceptance went to Northwind.
    assert f"Written on ticket #{moved.customer_ticket_id}" in text and f"Written on ticket #{moved.receiver_ticket_id}" in text
    consent_ticket = text_of(client.get(f"/bss/tickets/{moved.customer_ticket_id}"))
    assert "We, solo-consulting.example, authorize the transfer of our account to Bright IT." in consent_ticket
    assert client.get(f"/bss/tickets/{moved.receiver_ticket_id}").status_code == 200
    assert "Completed" in text_of(client.get("/bss/transfers", query_string={"status": "completed"}))
    assert "No transfers." in text_of(client.get("/bss/transfers", query_string={"status": "expired"}))
    assert client.get("/bss/transfers", query_string={"status": "asleep"}).status_code == 422

    sign_in_again(client, login_as, "admin@northwind.example")  # the seller Bright IT wrote its acceptance to
    page = client.get(f"/bss/transfers/{transfer_id}")
    assert f"Written on ticket #{moved.receiver_ticket_id}" in text_of(page)
    assert f"/bss/tickets/{moved.customer_ticket_id}\"" not in page.get_data(as_text=True)  # Solo's, to Bright IT


def test_the_distributor_moves_a_direct_customer_and_the_reseller_accepts_it(
        client, db, shops, login_as, post, actor_for, atlas_to_bright):
    login_as("owner@bright.example")
    assert "atlas-legal.example" in text_of(client.get("/bss/transfers"))
    consent(db, actor_for, "atlas", atlas_to_bright)
    page = text_of(client.get(f"/bss/transfers/{atlas_to_bright}"))
    assert "Atlas Legal" in page and "Status Awaiting the new seller's acceptance" in page
    assert ("By accepting, you agree to these words, and they are written on a ticket to your own seller: We, Bright IT, "
            "accept atlas-legal.example into our account") in page
    assert "Refuse the transfer" in page and "Cancel the transfer" not in page

    accepted = post(f"/bss/transfers/{atlas_to_bright}/accept")

    assert accepted.status_code == 302, text_of(accepted)
    page = text_of(client.get(f"/bss/transfers/{atlas_to_bright}"))
    assert "The transfer is complete: Atlas Legal is your customer now." in page and "Status Completed" in page
    assert "Given by Owner at Bright on" in page and "Refuse the transfer" not in page
    db.expire_all()
    assert shops["atlas"].parent.slug == "bright"


def test_a_reseller_releases_its_customer_from_its_page(client, db, shops, login_as, post, actor_for):
    login_as("owner@bright.example")
    harbour = shops["harbour"]
    assert "Release to Northwind Distribution" in text_of(client.get(f"/bss/accounts/{harbour.id}"))
    transfer_id = started_from(post(f"/bss/accounts/{harbour.id}/transfer", {"to": "release"}))
    page = text_of(client.get(f"/bss/transfers/{transfer_id}"))
    assert "The transfer of Harbour Dental is started." in page and "Kind Released" in page
    assert "Given by rule on" in page

    consent(db, actor_for, "harbour", transfer_id)

    assert "Status Completed" in text_of(client.get(f"/bss/transfers/{transfer_id}"))
    db.expire_all()
    assert harbour.parent.slug == "northwind"


def test_starting_twice_shows_the_transfer_under_way_and_a_bad_choice_names_the_field(client, db, shops, login_as, post):
    login_as("admin@northwind.example")
    assert "Make direct It leaves Bright IT" in text_of(client.get(f"/bss/accounts/{shops['harbour'].id}"))
    atlas = shops["atlas"]
    refused = post(f"/bss/accounts/{atlas.id}/transfer", {"to": ""})
    assert refused.status_code == 422 and "Choose the reseller it moves to." in text_of(refused)
    refused = post(f"/bss/accounts/{atlas.id}/transfer", {"to": str(shops["harbour"].id)})
    assert refused.status_code == 422 and f"No reseller {shops['harbour'].id}." in text_of(refused)
    started_from(post(f"/bss/accounts/{atlas.id}/transfer", {"to": str(shops["corner"].id)}))
    again = post(f"/bss/accounts/{atlas.id}/transfer", {"to": str(shops["bright"].id)})
    assert again.status_code == 409
    assert "A transfer of Atlas Legal is under way already: answer or cancel it first." in text_of(again)
    assert transfer_count(db) == 1


def test_another_resellers_staff_get_not_found(client, db, shops, login_as, post, actor_for):
    started = start_transfer(db, actor=actor_for("bright"), domain="solo-consulting.example")
    db.commit()
    login_as("owner@corner.example")
    assert client.get(f"/bss/transfers/{started.id}").status_code == 404
    for action in ("accept", "refuse", "cancel"):
        assert post(f"/bss/transfers/{started.id}/{action}", {"reason": "Mine."}).status_code == 404
    assert "solo-consulting.example" not in text_of(client.get("/bss/transfers"))
    db.expire_all()
    assert db.get(Transfer, started.id).status is TransferStatus.AWAITING_CONSENT


def test_the_receiving_reseller_refuses_saying_why(client, db, shops, login_as, post, atlas_to_bright):
    login_as("owner@bright.example")
    too_long = post(f"/bss/transfers/{atlas_to_bright}/refuse", {"reason": "x" * 501})
    assert too_long.status_code == 422 and "Why: Say why in at most 500 characters." in text_of(too_long)
    db.expire_all()
    assert db.get(Transfer, atlas_to_bright).status is TransferStatus.REQUESTED

    refused = post(f"/bss/transfers/{atlas_to_bright}/refuse", {"reason": "We do not look after law firms."})

    assert refused.status_code == 302, text_of(refused)
    page = text_of(client.get(f"/bss/transfers/{atlas_to_bright}"))
    assert "The transfer is refused: nothing moves." in page and "Status Refused" in page
    assert "Reason given We do not look after law firms." in page and "Refuse the transfer" not in page
    db.expire_all()
    assert shops["atlas"].parent.slug == "northwind"


@pytest.mark.parametrize(("domain", "said"), [
    ("", "Customer's primary domain: Give the customer's primary domain."),
    ("nobody.example", "Customer's primary domain: No customer you could receive has the domain 'nobody.example'."),
    ("harbour-dental.example", "has the domain 'harbour-dental.example'."),  # already Bright IT's
])
def test_a_domain_that_names_no_customer_to_receive_answers_422(client, db, shops, login_as, post, domain, said):
    login_as("owner@bright.example")
    refused = post("/bss/transfers", {"domain": domain})
    assert refused.status_code == 422
    assert said in text_of(refused) and "Receive a customer" in text_of(refused)
    assert transfer_count(db) == 0


def test_accepting_after_it_expired_says_why_on_the_page_and_changes_nothing(
        client, db, shops, login_as, post, actor_for, frozen_clock, atlas_to_bright):
    consent(db, actor_for, "atlas", atlas_to_bright)
    frozen_clock.advance(timedelta(days=15))
    login_as("owner@bright.example")

    late = post(f"/bss/transfers/{atlas_to_bright}/accept")

    assert late.status_code == 409
    assert f"Transfer {atlas_to_bright} has expired: start a new one." in text_of(late)
    assert "Atlas Legal" in text_of(late)  # the transfer's page again, not an error page
    db.expire_all()
    moved = db.get(Transfer, atlas_to_bright)
    assert (moved.status, moved.accepted_at) == (TransferStatus.AWAITING_ACCEPTANCE, None)


def test_the_transfer_pages_speak_french_to_a_french_browser_who_accepts_in_french(
        client, db, shops, login_as, post, atlas_to_bright):
    french = {"Accept-Language": "fr-FR,fr;q=0.9"}
    login_as("owner@bright.example")
    listed = text_of(client.get("/bss/transfers", headers=french))
    assert "Recevoir un client" in listed and "D'un client direct à un revendeur" in listed
    page = text_of(client.get(f"/bss/transfers/{atlas_to_bright}", headers=french))
    assert "Le consentement du client" in page and "Refuser le transfert" in page
    words = "Nous, Bright IT, accueillons atlas-legal.example parmi nos clients"
    assert words in page and "We, Bright IT" not in page
    assert "Receive a customer" in text_of(client.get("/bss/transfers"))

    assert post(f"/bss/transfers/{atlas_to_bright}/accept", headers=french).status_code == 302

    ticket = db.get(Ticket, db.get(Transfer, atlas_to_bright).receiver_ticket_id)
    assert ticket.subject == "Transfert du compte atlas-legal.example"
    assert db.scalar(select(TicketMessage.body).where(TicketMessage.ticket_id == ticket.id)).startswith(words)


def test_the_distributor_sets_the_transfer_fee_and_the_days_to_answer(frozen_clock, client, db, demo, shops, login_as, post,
                                                                   actor_for):
    login_as("admin@northwind.example")
    assert "Transfer fee" in text_of(client.get("/bss/payments/settings"))
    refused = post("/bss/payments/transfers", {"transfer_fee": "-5", "transfer_expiry_days": "0"})
    assert refused.status_code == 422
    assert "Transfer fee: Give an amount from 0" in text_of(refused) and "Days to answer: Give a whole number" in text_of(refused)
    assert post("/bss/payments/transfers", {"transfer_fee": "40", "transfer_expiry_days": "7"}).status_code == 302

    started = start_transfer(db, actor=actor_for("bright"), domain="solo-consulting.example")
    assert started.transfer.expires_at - started.transfer.created_at == timedelta(days=7)
    consent_to_transfer(db, actor=actor_for("solo"), transfer_id=started.id)
    fee = db.scalar(select(Charge).where(Charge.key == started.transfer.fee_charge_key))
    assert str(fee.money) == "40.00 EUR"
    sign_in_again(client, login_as, "owner@bright.example")
    assert "Transfer fee" not in text_of(client.get("/bss/payments/settings"))  # a distributor's terms

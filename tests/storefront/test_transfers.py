"""A customer's moves to another provider on the shop (``storefront.transfers``), and signing in once moved."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from core.models.audit import AuditEvent
from core.models.outbox import OutboxEmail
from core.models.people import Team
from core.models.storefronts import Storefront
from core.models.subscriptions import SubscriptionStatus
from core.models.support import Ticket, TicketMessage
from core.models.transfers import Transfer, TransferStatus
from core.services.demo import DEMO_PASSWORD
from core.services.people import add_member, create_user
from core.services.transfers import accept_transfer, cancel_transfer, consent_to_transfer, start_transfer
from plugin_kit.testing import link_in_email, text_of
from tests.storefront.conftest import BRIGHT, NORTHWIND

SOLO = "owner@solo.example"
WORDS = "We, solo-consulting.example, authorize the transfer of our account to Bright IT."
FRENCH_WORDS = "Nous, solo-consulting.example, autorisons le transfert de notre compte vers Bright IT."


@pytest.fixture
def asked(db, shops, actor_for, frozen_clock):
    """Bright IT asks, through the core, to receive Solo Consulting (Northwind's direct customer) by its domain."""
    view = start_transfer(db, actor=actor_for("bright"), domain="solo-consulting.example")
    db.commit()
    return view.transfer


def count_transfers(db):
    return db.scalar(select(func.count()).select_from(Transfer))


def test_a_direct_customer_asks_to_move_to_a_reseller_and_then_signs_in_on_its_shop(
        frozen_clock, client, db, shops, subscribe, actor_for, shop_sign_in, shop_post):
    subscription = subscribe("solo")
    shop_sign_in(SOLO, base=NORTHWIND)
    home = client.get("/account", base_url=NORTHWIND).get_data(as_text=True)
    assert 'href="/transfers/new">Move to another provider</a>' in home
    form = text_of(client.get("/transfers/new", base_url=NORTHWIND))
    assert "Solo Consulting moves with its people, its subscriptions and their data" in form
    assert "Your new provider charges your subscriptions from the day of the move" in form

    sent = shop_post("/transfers/new", {"to_storefront": "bright.shop.localhost"}, base=NORTHWIND)
    transfer = db.scalar(select(Transfer))
    assert (sent.status_code, sent.location) == (302, f"/transfers/{transfer.id}")
    page = client.get(sent.location, base_url=NORTHWIND)
    assert "Your request is sent: Bright IT must now accept it." in text_of(page)
    assert "Move to Bright IT Waiting for Bright IT to accept" in text_of(page)
    assert "Asked by You (Owner at Solo) New provider Bright IT" in text_of(page)
    assert WORDS in text_of(page)
    assert "I authorize this transfer" not in text_of(page) and ">Cancel the move</button>" in page.get_data(as_text=True)
    assert "Move to Bright IT Waiting for Bright IT to accept" in text_of(client.get("/account", base_url=NORTHWIND))

    accept_transfer(db, actor=actor_for("bright"), transfer_id=transfer.id)
    db.commit()
    still_here = client.get("/subscriptions", base_url=NORTHWIND)  # signed in before it moved: signed out now
    assert still_here.status_code == 200
    assert "Your account has moved to Bright IT. Sign in on the shop of Bright IT" in text_of(still_here)
    assert client.get("/account", base_url=NORTHWIND).status_code == 302
    moved = shop_post("/sign-in", {"email": SOLO, "password": DEMO_PASSWORD}, base=NORTHWIND)
    assert moved.status_code == 401
    assert "Your account has moved to Bright IT. Sign in on the shop of Bright IT" in text_of(moved)
    assert "do not match" not in text_of(moved)
    assert 'href="http://bright.shop.localhost' in moved.get_data(as_text=True)
    assert shop_post("/sign-in", {"email": SOLO, "password": "wrong"}, base=NORTHWIND).status_code == 401
    assert "moved" not in text_of(shop_post("/sign-in", {"email": SOLO, "password": "wrong"}, base=NORTHWIND))

    shop_sign_in(SOLO, base=BRIGHT)
    assert client.get(f"/subscriptions/{subscription.id}", base_url=BRIGHT).status_code == 200
    assert "Done: your account is with Bright IT" in text_of(client.get("/account", base_url=BRIGHT))


def test_the_customer_asked_by_its_new_reseller_reads_the_words_it_authorizes_and_consents(
        client, db, asked, shop_sign_in, shop_post):
    emailed = db.scalars(select(OutboxEmail).where(OutboxEmail.to_address == SOLO)).all()[-1]
    assert "http://northwind.shop.localhost" in emailed.text_body  # its shop of the day, no other address
    link = link_in_email(db, SOLO, "/transfers/")
    assert link == f"/transfers/{asked.id}"
    shop_sign_in(SOLO, base=NORTHWIND)
    page = client.get(link, base_url=NORTHWIND)
    assert "Move to Bright IT Waiting for your consent" in text_of(page)
    assert "Asked by Bright IT" in text_of(page) and WORDS in text_of(page)
    assert ">I authorize this transfer</button>" in page.get_data(as_text=True) and "Refuse" in text_of(page)

    done = shop_post(f"/transfers/{asked.id}/consent", base=NORTHWIND)

    assert done.status_code == 200
    assert "Your account has moved to Bright IT." in text_of(done)
    db.expire_all()
    assert asked.status is TransferStatus.COMPLETED and asked.account.parent.slug == "bright"
    assert client.get("/account", base_url=NORTHWIND).status_code == 302  # signed out here: it shops at Bright IT now


def test_a_customer_who_reads_french_signs_the_words_in_french_on_its_ticket(
        client, db, asked, shop_sign_in, shop_post):
    shop_sign_in(SOLO, base=NORTHWIND)
    client.get("/language/fr", base_url=NORTHWIND)

    assert shop_post(f"/transfers/{asked.id}/consent", base=NORTHWIND).status_code == 200

    db.expire_all()
    ticket = db.get(Ticket, asked.customer_ticket_id)
    signed = db.scalar(select(TicketMessage.body).where(TicketMessage.ticket_id == ticket.id))
    assert (ticket.subject, signed) == ("Transfert du compte Solo Consulting", FRENCH_WORDS)
    consented = db.scalar(select(AuditEvent).where(AuditEvent.action == "transfer.consented"))
    assert consented.changes == {"words": FRENCH_WORDS, "language": "fr"}
    assert asked.consent_words == WORDS  # the record's English words, for the API and the accounting, are unchanged


def test_the_customer_refuses_with_a_reason(client, db, asked, shop_sign_in, shop_post):
    shop_sign_in(SOLO, base=NORTHWIND)
    too_long = shop_post(f"/transfers/{asked.id}/reject", {"reason": "x" * 501}, base=NORTHWIND)
    assert too_long.status_code == 422 and "Say why in at most 500 characters." in text_of(too_long)
    assert 'id="f-reason" name="reason"' in too_long.get_data(as_text=True)
    assert asked.status is TransferStatus.AWAITING_CONSENT

    refused = shop_post(f"/transfers/{asked.id}/reject", {"reason": "We stay where we are."}, base=NORTHWIND)

    assert refused.status_code == 302
    page = text_of(client.get(refused.location, base_url=NORTHWIND))
    assert "You refused the move. Nothing changed." in page
    assert "Move to Bright IT Refused" in page and "Reason given We stay where we are." in page
    assert "I authorize this transfer" not in page
    db.expire_all()
    assert (asked.status, asked.reason, asked.account.parent.slug) == (TransferStatus.REJECTED, "We stay where we are.",
                                                                       "northwind")


def test_an_answer_the_transfer_can_no_longer_take_is_explained_with_a_409(
        client, db, asked, actor_for, frozen_clock, shop_sign_in, shop_post):
    shop_sign_in(SOLO, base=NORTHWIND)
    cancel_transfer(db, actor=actor_for("bright"), transfer_id=asked.id)
    db.commit()
    late = shop_post(f"/transfers/{asked.id}/consent", base=NORTHWIND)
    assert late.status_code == 409
    assert "This move was answered meanwhile and can change no more: it is now “Cancelled”." in text_of(late)

    again = start_transfer(db, actor=actor_for("bright"), domain="solo-consulting.example").transfer
    db.commit()
    frozen_clock.advance(timedelta(days=15))
    shop_sign_in(SOLO, base=NORTHWIND)  # its sign-in of two weeks ago is over
    assert "Move to Bright IT Expired" in text_of(client.get(f"/transfers/{again.id}", base_url=NORTHWIND))
    expired = shop_post(f"/transfers/{again.id}/consent", base=NORTHWIND)
    assert expired.status_code == 409 and "This move has expired" in text_of(expired)
    db.expire_all()
    assert again.consented_at is None and again.account.parent.slug == "northwind"


def test_a_move_the_new_provider_cannot_take_yet_is_explained_with_a_409_and_nothing_changes(
        client, db, shops, subscribe, asked, shop_sign_in, shop_post):
    subscription = subscribe("solo")
    subscription.status = SubscriptionStatus.PENDING  # still being set up: it cannot move half done
    db.commit()
    shop_sign_in(SOLO, base=NORTHWIND)
    refused = shop_post(f"/transfers/{asked.id}/consent", base=NORTHWIND)
    assert refused.status_code == 409
    assert "The move cannot complete yet: Bright IT cannot take over all of your subscriptions today" in text_of(refused)
    db.expire_all()
    assert (asked.status, asked.consented_at, asked.account.parent.slug) == (TransferStatus.AWAITING_CONSENT, None,
                                                                             "northwind")


def test_once_moved_the_old_shop_sends_its_people_to_the_new_shops_own_domain(
        frozen_clock, client, db, shops, asked, actor_for, shop_post):
    storefront = db.scalar(select(Storefront).where(Storefront.account_id == shops["bright"].id))
    storefront.custom_domain, storefront.custom_domain_verified_at = "shop.bright-it.example", frozen_clock.now()
    consent_to_transfer(db, actor=actor_for("solo"), transfer_id=asked.id)
    db.commit()
    moved = shop_post("/sign-in", {"email": SOLO, "password": DEMO_PASSWORD}, base=NORTHWIND)
    assert moved.status_code == 401
    # On the back office's scheme and port, as every link to a shop is (``core.links``): the one it is served on.
    assert '<a href="http://shop.bright-it.example:5000/sign-in">Sign in on the shop of Bright IT</a>' in moved.get_data(
        as_text=True)


def test_another_customers_transfer_answers_404(client, db, asked, shop_sign_in, shop_post):
    shop_sign_in("owner@atlas.example", base=NORTHWIND)
    assert client.get(f"/transfers/{asked.id}", base_url=NORTHWIND).status_code == 404
    assert shop_post(f"/transfers/{asked.id}/consent", base=NORTHWIND).status_code == 404
    shop_post("/sign-out", base=NORTHWIND)
    shop_sign_in()  # Harbour Dental, on Bright IT's shop: the shop the transfer goes to
    assert client.get(f"/transfers/{asked.id}", base_url=BRIGHT).status_code == 404
    db.expire_all()
    assert asked.status is TransferStatus.AWAITING_CONSENT


def test_a_member_outside_the_owner_team_reads_the_transfer_but_cannot_answer_it(
        client, db, demo, asked, shop_sign_in, shop_post):
    team = Team(account=demo["solo"], name="Bookkeeping", permissions=["view_billing"])
    db.add(team)
    add_member(db, team, create_user(db, email="books@solo.example", name="Books", password=DEMO_PASSWORD))
    db.commit()
    shop_sign_in("books@solo.example", base=NORTHWIND)
    page = client.get(f"/transfers/{asked.id}", base_url=NORTHWIND)
    assert page.status_code == 200 and WORDS in text_of(page)
    assert "I authorize this transfer" not in text_of(page)
    assert "Only the owners of Solo Consulting answer for it." in text_of(page)
    assert "Move to another provider</a>" not in client.get("/account", base_url=NORTHWIND).get_data(as_text=True)
    assert shop_post(f"/transfers/{asked.id}/consent", base=NORTHWIND).status_code == 403
    assert shop_post(f"/transfers/{asked.id}/reject", base=NORTHWIND).status_code == 403
    assert shop_post("/transfers/new", {"to_storefront": "bright.shop.localhost"}, base=NORTHWIND).status_code == 403
    db.expire_all()
    assert asked.status is TransferStatus.AWAITING_CONSENT and asked.consented_at is None


@pytest.mark.parametrize(("address", "problem"), [
    ("nowhere.shop.localhost", "No provider you can move to has a shop at this address. Check the address it gave you."),
    ("northwind.shop.localhost", "No provider you can move to has a shop at this address."),
    ("  ", "Enter the address of your new provider's shop."),
])
def test_an_address_that_names_no_provider_is_refused_by_field_and_nothing_is_stored(
        client, db, shops, shop_sign_in, shop_post, address, problem):
    shop_sign_in(SOLO, base=NORTHWIND)
    refused = shop_post("/transfers/new", {"to_storefront": address}, base=NORTHWIND)
    assert refused.status_code == 422 and problem in text_of(refused)
    assert 'aria-invalid="true" aria-describedby="f-to_storefront-error"' in refused.get_data(as_text=True)
    assert count_transfers(db) == 0


def test_a_second_move_while_one_is_under_way_is_refused_with_a_409(client, db, asked, shop_sign_in, shop_post):
    shop_sign_in(SOLO, base=NORTHWIND)
    refused = shop_post("/transfers/new", {"to_storefront": "bright.shop.localhost"}, base=NORTHWIND)
    assert refused.status_code == 409 and "A move of your account is under way already" in text_of(refused)
    assert count_transfers(db) == 1


def test_the_transfer_page_in_french(client, db, asked, shop_sign_in):
    shop_sign_in(SOLO, base=NORTHWIND)
    page = text_of(client.get(f"/transfers/{asked.id}", base_url=NORTHWIND, headers={"Accept-Language": "fr"}))
    assert "Passer chez Bright IT En attente de votre accord" in page
    assert "Demandé par Bright IT" in page and FRENCH_WORDS in page and WORDS not in page
    assert "J’autorise ce transfert" in page and "Refuser" in page

"""The emails a ticket sends (``core.services.ticket_notices``), each in its reader's language."""

from __future__ import annotations

from sqlalchemy import select

from core.models.outbox import OutboxEmail
from core.services.tickets import add_message, open_ticket, update_ticket


def _texts_to(db, address):
    return [email.text_body for email in db.scalars(select(OutboxEmail).where(OutboxEmail.to_address == address)
                                                    .order_by(OutboxEmail.id))]


def test_a_requester_who_chose_french_reads_the_answer_and_the_resolution_in_french(db, shops, actor_for, french_owner):
    french, english = french_owner("harbour")
    ticket = open_ticket(db, actor=actor_for("harbour"), subject="Mail stopped", body="Since this morning.")
    add_message(db, actor=actor_for("bright"), ticket_id=ticket.id, body="Fixed: try again.")
    update_ticket(db, actor=actor_for("bright"), ticket_id=ticket.id, status="resolved")

    answered, resolved = _texts_to(db, french)
    assert answered.startswith("Bonjour Owner at Harbour,\n\nBright IT a répondu à votre demande :\n\nFixed: try again.")
    assert "Bright IT a marqué votre demande « Mail stopped » comme résolue." in resolved
    answered, resolved = _texts_to(db, english)
    assert answered.startswith("Hello Colleague,\n\nBright IT answered your request:\n\nFixed: try again.")
    assert 'Bright IT marked your request "Mail stopped" resolved.' in resolved

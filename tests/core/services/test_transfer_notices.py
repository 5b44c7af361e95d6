"""The emails a transfer sends (``core.services.transfer_notices``), each in its reader's language."""

from __future__ import annotations

from sqlalchemy import select

from core.models.outbox import OutboxEmail
from core.services.transfers import reject_transfer, start_transfer


def _emails_to(db, address):
    return db.scalars(select(OutboxEmail).where(OutboxEmail.to_address == address).order_by(OutboxEmail.id)).all()


def test_a_customer_who_chose_french_is_asked_and_told_in_french(db, shops, actor_for, french_owner):
    french, english = french_owner("solo")
    started = start_transfer(db, actor=actor_for("bright"), domain="solo-consulting.example")
    reject_transfer(db, actor=actor_for("solo"), transfer_id=started.transfer.id, reason="Not now.")

    asked, told = _emails_to(db, french)
    assert asked.subject == "Merci de confirmer : transférer Solo Consulting chez Bright IT ?"
    assert "Rien n'est transféré sans votre accord." in asked.text_body
    assert told.subject == "Le transfert concernant solo-consulting.example est refusé"
    assert ("Le transfert chez Bright IT concernant solo-consulting.example est refusé : rien n'a changé.\n\n"
            "Motif indiqué : Not now.") in told.text_body
    asked, told = _emails_to(db, english)
    assert asked.subject == "Please confirm: move Solo Consulting to Bright IT?"
    assert told.subject == "The move of solo-consulting.example is rejected"
    assert "nothing changed.\n\nThe reason given: Not now." in told.text_body

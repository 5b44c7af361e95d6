"""The emails about orders, subscriptions and invoices (``core.services.notifications``): each person reads
theirs in the language they chose, English when they chose none."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select

from core.models.outbox import OutboxEmail
from core.services.billing_run import run_billing
from core.services.invoice_notices import announce_all
from core.services.orders import LineRequest, place_order
from plugin_kit.testing import provision_due


def _emails_to(db, address):
    return {email.subject: email for email in db.scalars(select(OutboxEmail).where(OutboxEmail.to_address == address))}


def test_an_order_and_its_trial_are_told_to_each_person_in_their_language(db, shops, fake_catalog, fake_plugin,
                                                                          frozen_clock, actor_for, french_owner):
    french, english = french_owner("harbour")
    order = place_order(db, actor=actor_for("harbour"), lines=[LineRequest(fake_catalog["large"].id)],
                        payment_method="card")
    db.commit()
    provision_due(db)

    in_french = _emails_to(db, french)
    received = in_french[f"Commande {order.id} reçue"]
    assert received.text_body.startswith("Bonjour Owner at Harbour,\n\nNous avons bien reçu la commande")
    assert "par période" in received.text_body and '<html lang="fr">' in received.html_body
    assert "L'essai dure jusqu'au 1 avr. 2026." in in_french["Fake product est prêt"].text_body
    in_english = _emails_to(db, english)
    assert in_english[f"Order {order.id} received"].text_body.startswith("Hello Colleague,\n\nWe have received order")
    assert '<html lang="en">' in in_english[f"Order {order.id} received"].html_body
    assert "Its trial runs until 1 Apr 2026." in in_english["Fake product is ready"].text_body


def test_an_invoice_is_announced_in_french_with_its_amount_and_days_as_french_writes_them(db, shops, frozen_clock,
                                                                                           subscribe, french_owner):
    french, english = french_owner("harbour")
    subscribe("harbour")
    run_billing(db, date(2026, 4, 1))
    announce_all(db)

    email = _emails_to(db, french)["Facture BRIGHT-000001 émise par Bright IT"]
    assert ("Bright IT a adressé la facture BRIGHT-000001 à Harbour Dental pour mars 2026 : 14,38\xa0€. "
            "Elle est à régler au plus tard le 15 avr. 2026.") in email.text_body
    assert ("Bright IT has issued invoice BRIGHT-000001 to Harbour Dental for March 2026: €14.38. "
            "It is due by 15 Apr 2026.") in _emails_to(db, english)["Invoice BRIGHT-000001 from Bright IT"].text_body

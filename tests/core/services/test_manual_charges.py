"""Charges and credits a seller adds by hand (``core.services.manual_charges``)."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select

from core.errors import NotFoundError, PermissionDeniedError
from core.models.audit import AuditEvent
from core.models.charges import ChargeKind
from core.models.invoices import Invoice
from core.services.billing_run import run_billing
from core.services.manual_charges import add_charge


def test_a_credit_beyond_the_months_charges_is_carried_to_the_next_invoice(frozen_clock, db, demo, actor_for):
    added = add_charge(db, actor=actor_for("bright"), recipient_id=demo["harbour"].id, kind="credit",
                       description="Goodwill", unit_price="20.00", currency="EUR")
    assert (added.kind, str(added.money), added.issuer_id) == (ChargeKind.CREDIT, "-20.00 EUR", demo["bright"].id)
    assert db.scalar(select(AuditEvent.action).where(AuditEvent.action == "charge.added"))
    run_billing(db, date(2026, 4, 1))
    invoice = db.scalars(select(Invoice).where(Invoice.recipient_id == demo["harbour"].id)).one()
    assert str(invoice.total) == "0.00 EUR"
    assert [line.description for line in invoice.lines] == ["Goodwill", "Credit carried to the next invoice"]


def test_a_person_without_the_pay_permission_charges_nobody(db, demo, actor_for, make_team):
    team = make_team("bright", "Buyers", ["purchase"])
    with pytest.raises(PermissionDeniedError):
        add_charge(db, actor=actor_for("bright", team=team), recipient_id=demo["harbour"].id, description="x",
                   unit_price="1", currency="EUR")


def test_only_an_account_sold_to_directly_is_charged(db, demo, actor_for):
    with pytest.raises(NotFoundError):
        add_charge(db, actor=actor_for("northwind"), recipient_id=demo["harbour"].id, description="x",
                   unit_price="1", currency="EUR")

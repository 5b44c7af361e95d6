"""Volume discounts: a month's units of a product, priced at the tier they reach together, as a
discount line on the month's invoice (``core.services.volume_discounts``)."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select

from core.models.charges import ChargeKind
from core.models.invoices import Invoice
from core.models.prices import PriceList, PriceListKind
from core.services.billing_run import run_billing
from core.services.price_lists import set_price


def _wholesale_tiers(db, demo, plan, tiers):
    wholesale = db.scalar(select(PriceList).where(PriceList.seller_id == demo["northwind"].id,
                                                  PriceList.kind == PriceListKind.WHOLESALE))
    set_price(db, price_list=wholesale, plan=plan, by=None, unit_price="11.50", volume_tiers=tiers)
    db.commit()


def _invoice_to(db, demo, slug):
    return db.scalars(select(Invoice).where(Invoice.recipient_id == demo[slug].id)).one()


def test_a_resellers_month_of_units_together_reaches_the_tier_none_reaches_alone(frozen_clock, db, demo, fake_catalog,
                                                                                  subscribe):
    _wholesale_tiers(db, demo, fake_catalog["small"], [(3, "10.00")])
    subscribe("harbour", quantity=2)  # each of Bright IT's customers buys 2 at 11.50 wholesale
    subscribe("maple", quantity=2)
    run_billing(db, date(2026, 4, 1))
    invoice = _invoice_to(db, demo, "bright")
    assert [(line.kind, line.quantity, str(line.unit_price), str(line.money)) for line in invoice.lines] == [
        (ChargeKind.RECURRING, 2, "11.50 EUR", "23.00 EUR"),
        (ChargeKind.RECURRING, 2, "11.50 EUR", "23.00 EUR"),
        (ChargeKind.DISCOUNT, 4, "-1.50 EUR", "-6.00 EUR"),
    ]
    assert invoice.lines[-1].description == (
        "Volume discount: 4 units of Fake product this month, Fake product Small at €10.00 instead of €11.50")
    assert str(invoice.total) == "40.00 EUR"
    assert all(line.kind is not ChargeKind.DISCOUNT for line in _invoice_to(db, demo, "harbour").lines)
    assert run_billing(db, date(2026, 4, 1)).lines == 0  # twice: discounted once


def test_below_the_first_tier_nothing_is_discounted(frozen_clock, db, demo, fake_catalog, subscribe):
    _wholesale_tiers(db, demo, fake_catalog["small"], [(5, "10.00")])
    subscribe("harbour", quantity=2)
    subscribe("maple", quantity=2)
    run_billing(db, date(2026, 4, 1))
    assert str(_invoice_to(db, demo, "bright").total) == "46.00 EUR"

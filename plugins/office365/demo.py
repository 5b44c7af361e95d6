"""The plugin's part of the demo: volume discounts on seats, Bright IT's own price, two tenants."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import timedelta
from decimal import Decimal

from sqlalchemy.orm import Session

from core.clock import clock, utcnow
from core.models.accounts import Account
from core.models.prices import PriceListKind
from core.money import Money
from core.services.demo import demo_plans, demo_price_list, wholesale_unit_price
from core.services.demo_activity import demo_order
from core.services.price_lists import set_price
from plugins.office365.product import Microsoft365

#: Northwind's volume discounts on seats: from this many seats, this share of the unit price.
VOLUME_DISCOUNTS = ((10, Decimal("0.97")), (50, Decimal("0.94")))


def load_demo_prices(session: Session, accounts: Mapping[str, Account]) -> None:
    """Northwind discounts seats by volume; Bright IT sells Business Basic at 7.50."""
    plans = demo_plans(session, Microsoft365.key)
    wholesale = demo_price_list(session, accounts["northwind"], PriceListKind.WHOLESALE)
    for plan in plans.values():
        unit = wholesale_unit_price(plan)
        set_price(session, price_list=wholesale, plan=plan, by=None, unit_price=unit, volume_tiers=[
            (quantity, Money(unit * share, wholesale.currency).rounded().amount) for quantity, share in VOLUME_DISCOUNTS])
    set_price(session, price_list=demo_price_list(session, accounts["bright"], PriceListKind.RETAIL),
              plan=plans["business-basic"], by=None, unit_price="7.50")


def load_demo_orders(session: Session, accounts: Mapping[str, Account]) -> None:
    """Harbour Dental and Atlas Legal bought seats 45 days ago; each got its tenant at the vendor
    (the Microsoft 365 simulator, in the demo)."""
    with clock.frozen(utcnow() - timedelta(days=45)):
        demo_order(session, accounts, "harbour", "microsoft-365/business-basic", 8, "card",
                   params={"tenant_prefix": "harbourdental"})
        demo_order(session, accounts, "atlas", "microsoft-365/business-standard", 3, "card",
                   params={"tenant_prefix": "atlaslegal"})

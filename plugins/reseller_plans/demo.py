"""The plugin's part of the demo: Northwind's prices for the plans, and Bright IT on Standard."""

from __future__ import annotations

from collections.abc import Mapping

from sqlalchemy.orm import Session

from core.models.accounts import Account
from core.models.prices import PriceListKind
from core.services.demo import demo_plans, demo_price_list
from core.services.demo_activity import demo_order
from core.services.price_lists import set_price
from plugins.reseller_plans import ResellerPlan

#: Northwind's wholesale price of each plan, a month.
PRICES = {"basic": "0", "free": "0", "standard": "49.00"}


def load_demo_prices(session: Session, accounts: Mapping[str, Account]) -> None:
    wholesale = demo_price_list(session, accounts["northwind"], PriceListKind.WHOLESALE)
    plans = demo_plans(session, ResellerPlan.key)
    for code, price in PRICES.items():
        set_price(session, price_list=wholesale, plan=plans[code], by=None, unit_price=price)


def load_demo_orders(session: Session, accounts: Mapping[str, Account]) -> None:
    """Northwind activates Standard for Bright IT: its storefront goes live."""
    demo_order(session, accounts, "bright", f"{ResellerPlan.key}/standard", 1, "on_account", by="northwind")

"""The plugin's part of the demo: Bright IT's hosting price, a domain due for renewal, a hosting order waiting."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import timedelta

from sqlalchemy.orm import Session

from core.clock import clock, utcnow
from core.models.accounts import Account
from core.models.prices import PriceListKind
from core.services.demo import demo_plans, demo_price_list
from core.services.demo_activity import demo_order
from core.services.price_lists import set_price
from plugins.hosting.web_hosting import WebHosting


def load_demo_prices(session: Session, accounts: Mapping[str, Account]) -> None:
    """Bright IT sells Web hosting Starter at 4.99 a month with a 19.00 setup fee."""
    set_price(session, price_list=demo_price_list(session, accounts["bright"], PriceListKind.RETAIL),
              plan=demo_plans(session, WebHosting.key)["starter"], by=None, unit_price="4.99", setup_fee="19.00")


def load_demo_orders(session: Session, accounts: Mapping[str, Account]) -> None:
    """Bright IT registered Harbour Dental's domain eleven months ago, so it is due for renewal;
    Maple Bakery's hosting order waits for Bright IT to confirm its bank transfer."""
    with clock.frozen(utcnow() - timedelta(days=340)):
        demo_order(session, accounts, "harbour", "domain-name/com", 1, "on_account", by="bright", payer="buyer",
                   params={"domain_name": "harbour-dental.com"})
    demo_order(session, accounts, "maple", "web-hosting/starter", 1, "bank_transfer", params={"domain": "maple-bakery.example"})

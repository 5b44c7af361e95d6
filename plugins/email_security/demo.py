"""The plugin's part of the demo: Bright IT's price for filtering, and Maple Bakery's account."""

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
from plugins.email_security.addons import ACCOUNT_PRODUCT, ARCHIVING, DOMAINS_PRODUCT, AddonSet

#: Maple Bakery's account: filtering with archiving, for its shop's domain and its old one.
MAPLE_PLAN = AddonSet(frozenset({ARCHIVING.key})).code


def load_demo_prices(session: Session, accounts: Mapping[str, Account]) -> None:
    """Bright IT sells filtering alone at a round 1.50 per user (its markup prices the rest)."""
    set_price(session, price_list=demo_price_list(session, accounts["bright"], PriceListKind.RETAIL),
              plan=demo_plans(session, ACCOUNT_PRODUCT)["filtering"], by=None, unit_price="1.50")


def load_demo_orders(session: Session, accounts: Mapping[str, Account]) -> None:
    """Maple Bakery protects its 6 users' mail with archiving since three weeks, on maple-bakery.example
    and one extra domain (the email security simulator holds the account)."""
    with clock.frozen(utcnow() - timedelta(days=21)):
        demo_order(session, accounts, "maple", f"{ACCOUNT_PRODUCT}/{MAPLE_PLAN}", 6, "card",
                   params={"domain": "maple-bakery.example", "extra_domains": ["maple-cakes.example"]})
        demo_order(session, accounts, "maple", f"{DOMAINS_PRODUCT}/extra-domain", 1, "card",
                   params={"domain": "maple-bakery.example"})

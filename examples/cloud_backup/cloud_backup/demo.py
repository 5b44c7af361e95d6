"""The plugin's part of the demo: Bright IT's price for a vault, and Harbour Dental's vault with a restore asked for."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import timedelta
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session

from cloud_backup.product import KEY
from cloud_backup.restores import request_restore
from core.clock import clock, utcnow
from core.models.accounts import Account
from core.models.prices import PriceListKind
from core.models.subscriptions import Subscription
from core.money import Money
from core.services.actors import acting_as
from core.services.demo import demo_plans, demo_price_list, wholesale_unit_price
from core.services.demo_activity import demo_order, demo_user
from core.services.price_lists import set_price


def load_demo_prices(session: Session, accounts: Mapping[str, Account]) -> None:
    """Northwind sells the 100 GB vault for less from ten vaults on (the resellers' retail lists
    mark the vaults up like everything else)."""
    plan = demo_plans(session, KEY)["vault-100"]
    unit = wholesale_unit_price(plan)
    set_price(session, price_list=demo_price_list(session, accounts["northwind"], PriceListKind.WHOLESALE), plan=plan,
              by=None, unit_price=unit, volume_tiers=[(10, Money(unit * Decimal("0.9"), "EUR").rounded().amount)])


def load_demo_orders(session: Session, accounts: Mapping[str, Account]) -> None:
    """Harbour Dental backs up to a 100 GB vault since a month, and asked for last week's copy back."""
    harbour = accounts["harbour"]
    with clock.frozen(utcnow() - timedelta(days=30)):
        demo_order(session, accounts, "harbour", f"{KEY}/vault-100", 1, "card")
    vault = session.scalars(select(Subscription).where(Subscription.owner_id == harbour.id)
                            .order_by(Subscription.id.desc())).first()
    request_restore(session, actor=acting_as(session, demo_user(session, harbour), harbour), subscription_id=vault.id,
                    restore_point=(utcnow() - timedelta(days=7)).date(), note="The reception PC")

"""Demo data: a small, believable distribution channel to try Cascade with.

Every demo person signs in with ``DEMO_PASSWORD``: demo data is for trying the product, and
it is never loaded into a production platform.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import exists, select
from sqlalchemy.orm import Session

from core.models.accounts import Account, AccountKind
from core.models.catalog import Product
from core.models.prices import PriceListKind
from core.money import Money
from core.plugins import product_types
from core.services.accounts import create_account
from core.services.catalog import sync_catalog
from core.services.people import add_member, create_user, owner_team
from core.services.price_lists import create_price_list, set_price, set_product_offered
from core.services.pricing import purchasable_plans

DEMO_PASSWORD = "cascade-demo"


@dataclass(frozen=True)
class DemoLogin:
    email: str
    accounts: tuple[str, ...]


def has_data(session: Session) -> bool:
    """Return whether the database holds any account (demo data only goes into an empty one)."""
    return bool(session.scalar(select(exists().where(Account.id.is_not(None)))))


def load_demo(session: Session) -> list[DemoLogin]:
    """Create the demo accounts, their people and prices; return each login with its accounts."""
    sync_catalog(session, product_types())
    northwind = create_account(
        session,
        kind=AccountKind.DISTRIBUTOR,
        name="Northwind Distribution",
        slug="northwind",
        tier="diamond",
        addons=["standard-edition-resellers"],
        service_manager_active=True,
    )
    bright = create_account(
        session, kind=AccountKind.RESELLER, name="Bright IT", slug="bright",
        parent=northwind, reselling_enabled=True,
    )
    corner = create_account(
        session, kind=AccountKind.RESELLER, name="Corner Computers", slug="corner",
        parent=northwind, reselling_enabled=True,
    )
    harbour = create_account(
        session, kind=AccountKind.CUSTOMER, name="Harbour Dental", slug="harbour",
        parent=bright, primary_domain="harbour-dental.example",
    )
    maple = create_account(
        session, kind=AccountKind.CUSTOMER, name="Maple Bakery", slug="maple",
        parent=bright, primary_domain="maple-bakery.example",
    )
    solo = create_account(
        session, kind=AccountKind.CUSTOMER, name="Solo Consulting", slug="solo",
        parent=northwind, primary_domain="solo-consulting.example",
    )
    atlas = create_account(
        session, kind=AccountKind.CUSTOMER, name="Atlas Legal", slug="atlas",
        parent=northwind, primary_domain="atlas-legal.example",
    )
    logins: dict[str, list[Account]] = {"admin@northwind.example": [northwind]}
    for account in (bright, corner, harbour, maple, solo, atlas):
        logins[f"owner@{account.slug}.example"] = [account]
    # A bookkeeper who works for two of Bright IT's customers: one login, two accounts.
    logins["sam@books.example"] = [harbour, maple]

    for email, accounts in logins.items():
        user = create_user(session, email=email, name=_name_for(email), password=DEMO_PASSWORD)
        for account in accounts:
            add_member(session, owner_team(session, account), user)
    _load_demo_prices(session, northwind, bright, corner)
    operator = create_user(session, email="operator@cascade.example", name="Platform Operator", password=DEMO_PASSWORD)
    operator.platform_operator = True
    return [
        *(DemoLogin(email, tuple(account.name for account in accounts)) for email, accounts in logins.items()),
        DemoLogin(operator.email, ("the platform (operator)",)),
    ]


def _load_demo_prices(session: Session, northwind: Account, bright: Account, corner: Account) -> None:
    """Northwind sells everything: wholesale at 15 % over the vendor's cost, with volume discounts
    on Microsoft 365 seats; Bright IT and Corner Computers mark their cost up, Bright IT with a
    few prices of its own."""
    for product in session.scalars(select(Product).where(Product.retired_at.is_(None))):
        set_product_offered(session, distributor=northwind, product=product, offered=True, actor=None)
    plans = {f"{plan.product.key}/{plan.code}": plan for plan in purchasable_plans(session, northwind)}
    wholesale = create_price_list(session, seller=northwind, actor=None, kind=PriceListKind.WHOLESALE,
                                  name="Northwind wholesale", currency="EUR")
    for key, plan in plans.items():
        if plan.cost_price is None:
            continue
        unit = (plan.cost_price * Decimal("1.15")).rounded().amount
        tiers = [(10, unit * Decimal("0.97")), (50, unit * Decimal("0.94"))] if key.startswith("microsoft-365/") else []
        set_price(session, price_list=wholesale, plan=plan, actor=None, unit_price=unit,
                  volume_tiers=[(quantity, Money(price, "EUR").rounded().amount) for quantity, price in tiers])
    for code, price in (("basic", "0"), ("free", "0"), ("standard", "49.00")):
        set_price(session, price_list=wholesale, plan=plans[f"reseller-plan/{code}"], actor=None, unit_price=price)
    create_price_list(session, seller=northwind, actor=None, kind=PriceListKind.RETAIL,
                      name="Northwind direct customers", currency="EUR", markup_percent=40)
    bright_retail = create_price_list(session, seller=bright, actor=None, kind=PriceListKind.RETAIL,
                                      name="Bright IT prices", currency="EUR", markup_percent=25)
    set_price(session, price_list=bright_retail, plan=plans["microsoft-365/business-basic"], actor=None,
              unit_price="7.50")
    set_price(session, price_list=bright_retail, plan=plans["web-hosting/starter"], actor=None,
              unit_price="4.99", setup_fee="19.00")
    create_price_list(session, seller=corner, actor=None, kind=PriceListKind.RETAIL,
                      name="Corner Computers prices", currency="EUR", markup_percent=30)


def _name_for(email: str) -> str:
    local, domain = email.split("@")
    return f"{local.title()} at {domain.removesuffix('.example').title()}"

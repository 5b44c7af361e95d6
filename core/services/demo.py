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
from core.models.catalog import Plan, Product
from core.models.prices import PriceList, PriceListKind
from core.plugins import pm, product_types
from core.services.accounts import create_account
from core.services.catalog import sync_catalog
from core.services.people import add_member, create_user, owner_team
from core.services.price_lists import create_price_list, set_price, set_product_offered
from core.services.pricing import purchasable_plans

DEMO_PASSWORD = "cascade-demo"
#: The demo distributor's wholesale prices are its cost times this.
WHOLESALE_MARKUP = Decimal("1.15")


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
    session.flush()
    pm.hook.load_demo_data(session=session, accounts={account.slug: account for account in
                                                      (northwind, bright, corner, harbour, maple, solo, atlas)})
    operator = create_user(session, email="operator@cascade.example", name="Platform Operator", password=DEMO_PASSWORD)
    operator.platform_operator = True
    return [
        *(DemoLogin(email, tuple(account.name for account in accounts)) for email, accounts in logins.items()),
        DemoLogin(operator.email, ("the platform (operator)",)),
    ]


def _load_demo_prices(session: Session, northwind: Account, bright: Account, corner: Account) -> None:
    """Northwind sells every product: wholesale at 15 % over the vendor's cost; direct customers
    pay 40 % over that, Bright IT's customers 25 % and Corner Computers' 30 % (the plugins' demo
    data adds their own prices on top)."""
    for product in session.scalars(select(Product).where(Product.retired_at.is_(None))):
        set_product_offered(session, distributor=northwind, product=product, offered=True, by=None)
    wholesale = create_price_list(session, seller=northwind, by=None, kind=PriceListKind.WHOLESALE,
                                  name="Northwind wholesale", currency="EUR")
    for plan in purchasable_plans(session, northwind):
        if plan.cost_price is not None:
            set_price(session, price_list=wholesale, plan=plan, by=None, unit_price=wholesale_unit_price(plan))
    create_price_list(session, seller=northwind, by=None, kind=PriceListKind.RETAIL,
                      name="Northwind direct customers", currency="EUR", markup_percent=40)
    create_price_list(session, seller=bright, by=None, kind=PriceListKind.RETAIL,
                      name="Bright IT prices", currency="EUR", markup_percent=25)
    create_price_list(session, seller=corner, by=None, kind=PriceListKind.RETAIL,
                      name="Corner Computers prices", currency="EUR", markup_percent=30)


def wholesale_unit_price(plan: Plan) -> Decimal:
    """What the demo distributor charges its resellers for one unit of ``plan``: 15 % over its cost."""
    assert plan.cost_price is not None
    return (plan.cost_price * WHOLESALE_MARKUP).rounded().amount


def demo_price_list(session: Session, seller: Account, kind: PriceListKind) -> PriceList:
    """The demo seller's one price list of ``kind``, for a plugin's demo data to add prices to."""
    return session.scalars(select(PriceList).where(PriceList.seller_id == seller.id, PriceList.kind == kind)).one()


def demo_plans(session: Session, product_key: str) -> dict[str, Plan]:
    """The plans of the product ``product_key``, by code."""
    return {plan.code: plan for plan in session.scalars(select(Plan).join(Product).where(Product.key == product_key))}


def _name_for(email: str) -> str:
    local, domain = email.split("@")
    return f"{local.title()} at {domain.removesuffix('.example').title()}"

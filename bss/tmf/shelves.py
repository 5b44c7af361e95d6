"""Which catalogs an account sees through TMF620, and what is in them (``bss.tmf.catalog_mapping.Shelf``).

An account sees the catalog of the seller it buys from, with the plans priced for it at its
prices, and, unless it is a customer, its own: what it offers its customers at its retail
prices, with, for a distributor, the plans it hides (its retired offerings). The API reads them
for its caller, and the event hub for the account that registered a listener.
"""

from __future__ import annotations

from sqlalchemy import and_, select
from sqlalchemy.orm import Session

from bss.tmf.catalog_mapping import Shelf, offering_id
from core.models.accounts import Account, AccountKind
from core.models.catalog import Plan, Product
from core.models.prices import HiddenPlan, OfferedProduct
from core.services.pricing import prospect_prices, purchasable_plans, resolve_prices


def shelves(session: Session, account: Account) -> list[Shelf]:
    """The catalog ``account`` buys from, with the plans priced for it, and its own if it sells."""
    found = []
    if account.parent is not None:
        prices = resolve_prices(session, account)
        plans = [plan for plan in purchasable_plans(session, account) if plan.id in prices]
        found.append(Shelf(account.parent, own=False, plans=plans, prices=prices))
    if account.kind is not AccountKind.CUSTOMER:
        hidden = hidden_plans(session, account) if account.kind is AccountKind.DISTRIBUTOR else []
        plans = sorted([*purchasable_plans(session, account), *hidden], key=lambda plan: (plan.product.name, plan.rank))
        found.append(Shelf(account, own=True, plans=plans, prices=prospect_prices(session, account),
                           retired=frozenset(plan.id for plan in hidden)))
    return found


def hidden_plans(session: Session, distributor: Account) -> list[Plan]:
    """The plans of the products ``distributor`` offers that it hides: its retired offerings."""
    return list(session.scalars(
        select(Plan)
        .join(Product, Product.id == Plan.product_id)
        .join(OfferedProduct, and_(OfferedProduct.product_id == Product.id,
                                   OfferedProduct.distributor_id == distributor.id))
        .join(HiddenPlan, and_(HiddenPlan.plan_id == Plan.id, HiddenPlan.distributor_id == distributor.id))
        .where(Plan.retired_at.is_(None), Product.retired_at.is_(None))
    ))


def find_offering(session: Session, account: Account, offering: str) -> tuple[Shelf, Plan] | None:
    """The shelf and plan of the offering ``offering`` among those ``account`` sees, or ``None``."""
    for shelf in shelves(session, account):
        for plan in shelf.plans:
            if offering_id(shelf, plan) == offering:
                return shelf, plan
    return None

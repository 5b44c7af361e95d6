"""Price resolution: what a buyer pays for a plan, always from its own seller's lists.

Resolution takes a bounded number of queries however many plans are priced: the purchasable
plans (once: a seller's tree is its buyer's), the buyer's list with its entries and tiers, and,
for markup lists, the seller's own list one level up. Prices are rounded once, here, half-up to
the currency's minor unit.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable
from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import and_, inspect, select
from sqlalchemy.orm import Session, contains_eager, selectinload

from core.models.accounts import Account, AccountKind
from core.models.catalog import Plan, Product
from core.models.prices import HiddenPlan, OfferedProduct, PriceEntry, PriceList, PriceListKind
from core.money import Money

#: The list kind a buyer is priced from, by the buyer's kind.
LIST_KIND_FOR_BUYER = {AccountKind.RESELLER: PriceListKind.WHOLESALE, AccountKind.CUSTOMER: PriceListKind.RETAIL}
#: What pricing from a list reads besides the list: its entries and their volume tiers, in two more statements.
WITH_PRICES = selectinload(PriceList.entries).selectinload(PriceEntry.volume_tiers)


@dataclass(frozen=True)
class ResolvedPrice:
    """The price of one plan for one buyer at one quantity."""

    plan_id: int
    quantity: int
    #: Per unit and billing period, rounded to the currency's minor unit.
    unit_price: Money
    #: Charged once on the first purchase, if the seller asks for one.
    setup_fee: Money | None
    #: ``list``, ``volume tier`` or ``markup``: how the price was found.
    source: str

    @property
    def total(self) -> Money:
        """What ``quantity`` units cost per billing period (the setup fee aside)."""
        return self.unit_price * self.quantity


def audience_key(tier: str | None, buyer_id: int | None) -> str:
    """The uniqueness key of a price list's audience."""
    if buyer_id is not None:
        return f"buyer:{buyer_id}"
    return f"tier:{tier}" if tier else "all"


def root_distributor_id(account: Account) -> int:
    return int(account.path.strip("/").split("/")[0])


def purchasable_plans(session: Session, buyer: Account) -> list[Plan]:
    """Plans on sale in the buyer's tree: offered by its distributor, not hidden, not retired."""
    return _purchasable(session, buyer, None)


def _purchasable(session: Session, buyer: Account, plan_ids: Collection[int] | None) -> list[Plan]:
    """The plans on sale in the buyer's tree, in catalog order; only those of ``plan_ids`` unless it is ``None``."""
    distributor_id = root_distributor_id(buyer)
    statement = (
        select(Plan)
        .join(Product, Product.id == Plan.product_id)
        .join(OfferedProduct, and_(OfferedProduct.product_id == Product.id,
                                   OfferedProduct.distributor_id == distributor_id))
        .outerjoin(HiddenPlan, and_(HiddenPlan.plan_id == Plan.id, HiddenPlan.distributor_id == distributor_id))
        .where(HiddenPlan.id.is_(None), Plan.retired_at.is_(None), Product.retired_at.is_(None))
        .options(contains_eager(Plan.product))
        .order_by(Product.name, Plan.rank)
    )
    if plan_ids is not None:
        statement = statement.where(Plan.id.in_(plan_ids))
    return list(session.scalars(statement))


def price_list_for(session: Session, buyer: Account, *, with_prices: bool = True) -> PriceList | None:
    """The most specific list of the buyer's seller that fits it: its own, its tier's, or the default;
    ``with_prices=False`` to know which one without reading its prices."""
    kind = LIST_KIND_FOR_BUYER.get(buyer.kind)
    if kind is None or buyer.parent_id is None:
        return None
    audiences = [audience_key(None, buyer.id), audience_key(buyer.tier, None), audience_key(None, None)]
    candidates = {
        price_list.audience: price_list
        for price_list in session.scalars(
            select(PriceList)
            .where(PriceList.seller_id == buyer.parent_id, PriceList.kind == kind, PriceList.audience.in_(audiences))
            .options(*([WITH_PRICES] if with_prices else []))
        )
    }
    return next((candidates[key] for key in audiences if key in candidates), None)


def resolve_prices(
    session: Session, buyer: Account, plans: Iterable[Plan] | None = None, quantity: int = 1
) -> dict[int, ResolvedPrice]:
    """Price ``plans`` (default: every purchasable plan) for ``buyer`` at ``quantity`` units.

    A plan that is not on sale in the buyer's tree, or that the seller has no price for, is
    left out: it is not for sale to this buyer. Given ``plans``, only their entries are read.
    """
    return _priced_from(session, price_list_for(session, buyer, with_prices=plans is None), plans, quantity)


def prospect_prices(
    session: Session, seller: Account, plans: Iterable[Plan] | None = None, quantity: int = 1
) -> dict[int, ResolvedPrice]:
    """Price ``plans`` for a customer ``seller`` does not have yet, such as its storefront's visitor.

    A new customer has no list of its own and no tier, so its price comes from the seller's
    retail list for all its customers: exactly what it pays once it signs up.
    """
    return _priced_from(session, prospect_price_list(session, seller), plans, quantity)


def prospect_price_list(session: Session, seller: Account, *, with_prices: bool = True) -> PriceList | None:
    """The list ``seller`` prices a new customer from: its retail list for all its customers."""
    return session.scalar(
        select(PriceList)
        .where(PriceList.seller_id == seller.id, PriceList.kind == PriceListKind.RETAIL,
               PriceList.audience == audience_key(None, None))
        .options(*([WITH_PRICES] if with_prices else []))
    )


def list_prices(session: Session, price_list: PriceList) -> tuple[list[Plan], dict[int, ResolvedPrice]]:
    """Every plan on sale in the tree of ``price_list``'s seller, in catalog order, and what the list
    charges for one unit of those it prices."""
    on_sale = purchasable_plans(session, price_list.seller)
    return on_sale, _priced_on_sale(session, price_list, on_sale, 1)


def _priced_from(
    session: Session, price_list: PriceList | None, plans: Iterable[Plan] | None, quantity: int
) -> dict[int, ResolvedPrice]:
    """Price the plans on sale in the tree of ``price_list``'s seller from that list (and its markup)."""
    if quantity < 1:
        raise ValueError("quantity must be at least 1")
    if price_list is None:
        return {}
    return _priced_on_sale(session, price_list, _on_sale(session, price_list.seller, plans), quantity)


def _on_sale(session: Session, account: Account, plans: Iterable[Plan] | None) -> list[Plan]:
    """``plans`` (default: all) that are on sale in ``account``'s tree, in catalog order."""
    return _purchasable(session, account, None if plans is None else {plan.id for plan in plans})


def _priced_on_sale(session: Session, price_list: PriceList, plans: list[Plan], quantity: int) -> dict[int, ResolvedPrice]:
    """Price ``plans``, on sale in the tree of the list's seller, from the list, or by its markup over the seller's cost."""
    if not plans:
        return {}
    entries = _entries(session, price_list, plans)
    resolved: dict[int, ResolvedPrice] = {}
    unpriced: list[Plan] = []
    for plan in plans:
        entry = entries.get(plan.id)
        if entry is None:
            unpriced.append(plan)
            continue
        resolved[plan.id] = _from_entry(entry, price_list.currency, quantity)
    if unpriced and price_list.markup_percent is not None:
        # The seller's tree is the buyer's: the plans it sells are on sale to it too.
        costs = _costs_on_sale(session, price_list.seller, unpriced, quantity)
        for plan in unpriced:
            unit = marked_up(costs.get(plan.id), price_list)
            if unit is not None:
                resolved[plan.id] = ResolvedPrice(plan.id, quantity, unit, None, "markup")
    return resolved


def _entries(session: Session, price_list: PriceList, plans: list[Plan]) -> dict[int, PriceEntry]:
    """The list's entries with their tiers, by plan: all those it has loaded, or else only those of ``plans``."""
    if "entries" not in inspect(price_list).unloaded:
        return {entry.plan_id: entry for entry in price_list.entries}
    return {entry.plan_id: entry for entry in session.scalars(
        select(PriceEntry)
        .where(PriceEntry.price_list_id == price_list.id, PriceEntry.plan_id.in_([plan.id for plan in plans]))
        .options(selectinload(PriceEntry.volume_tiers))
    )}


def marked_up(cost: Money | None, price_list: PriceList) -> Money | None:
    """The list's markup over ``cost``, rounded; ``None`` without a markup or in another currency."""
    if cost is None or price_list.markup_percent is None or cost.currency != price_list.currency:
        return None
    return Money(cost.amount * (1 + price_list.markup_percent / Decimal(100)), cost.currency).rounded()


def seller_costs(session: Session, seller: Account, plans: Iterable[Plan], quantity: int = 1) -> dict[int, Money]:
    """What ``seller`` itself pays for each plan: its wholesale price, or for a distributor the
    vendor's cost price."""
    if seller.kind is not AccountKind.DISTRIBUTOR:
        plans = _on_sale(session, seller, plans)
    return _costs_on_sale(session, seller, plans, quantity)


def _costs_on_sale(session: Session, seller: Account, plans: Iterable[Plan], quantity: int) -> dict[int, Money]:
    if seller.kind is AccountKind.DISTRIBUTOR:
        return {plan.id: plan.cost_price for plan in plans if plan.cost_price is not None}
    price_list = price_list_for(session, seller)
    if price_list is None:
        return {}
    return {plan_id: price.unit_price for plan_id, price in _priced_on_sale(session, price_list, list(plans), quantity).items()}


def _from_entry(entry: PriceEntry, currency: str, quantity: int) -> ResolvedPrice:
    tier = next((tier for tier in reversed(entry.volume_tiers) if tier.min_quantity <= quantity), None)
    amount, source = (tier.unit_price, "volume tier") if tier else (entry.unit_price, "list")
    setup_fee = Money(entry.setup_fee, currency).rounded() if entry.setup_fee is not None else None
    return ResolvedPrice(entry.plan_id, quantity, Money(amount, currency).rounded(), setup_fee, source)

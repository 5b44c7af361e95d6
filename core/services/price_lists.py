"""Keeping price lists: what a seller offers down its tree and what it charges for it.

Each change is announced to the TMF catalog listeners of the seller and of its buyers
(``publish_to_buyers``): an offering created, retired or launched, or deleted, and a price changed.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from core.code_words import kind_said
from core.errors import NotFoundError, PermissionDeniedError, ValidationError, raise_field_errors
from core.languages import say
from core.models.accounts import Account, AccountKind
from core.models.catalog import Plan, Product
from core.models.people import User
from core.models.prices import HiddenPlan, OfferedProduct, PriceEntry, PriceList, PriceListKind, VolumeTier
from core.money import Money, to_decimal
from core.permissions import Permission
from core.services.audit import record_event
from core.services.event_hubs import publish_to_buyers
from core.services.people import require_permission
from core.services.pricing import audience_key, purchasable_plans, seller_costs
from core.wording import in_each_language

#: Which accounts a seller's lists of each kind are for.
_BUYER_KINDS = {PriceListKind.WHOLESALE: AccountKind.RESELLER, PriceListKind.RETAIL: AccountKind.CUSTOMER}


def _require(session: Session, by: User | None, seller: Account) -> None:
    if by is not None:
        require_permission(session, by, seller, Permission.MANAGE_PRICES)


def _require_distributor(account: Account) -> None:
    if account.kind is not AccountKind.DISTRIBUTOR:
        raise PermissionDeniedError(say("Only a distributor chooses what is on sale in its tree."))


def get_price_list(session: Session, *, seller: Account, price_list_id: int) -> PriceList:
    """Return one of ``seller``'s lists, freshly loaded with its prices; another seller's is not found."""
    price_list = session.scalar(
        select(PriceList)
        .where(PriceList.id == price_list_id, PriceList.seller_id == seller.id)
        .options(
            selectinload(PriceList.entries).selectinload(PriceEntry.volume_tiers),
            selectinload(PriceList.entries).selectinload(PriceEntry.plan).selectinload(Plan.product),
        )
        .execution_options(populate_existing=True)
    )
    if price_list is None:
        raise NotFoundError(say("No price list %(id)s.", id=price_list_id))
    return price_list


def wholesale_tiers(session: Session, seller_id: int) -> list[str]:
    """The tiers ``seller_id`` keeps wholesale price lists for: what it may put its resellers in."""
    return list(session.scalars(select(PriceList.tier).distinct().where(
        PriceList.seller_id == seller_id, PriceList.kind == PriceListKind.WHOLESALE, PriceList.tier.is_not(None))
        .order_by(PriceList.tier)))


def set_product_offered(
    session: Session, *, distributor: Account, product: Product, offered: bool, by: User | None
) -> None:
    """Put a product on sale down the distributor's tree, or take it off."""
    _require(session, by, distributor)
    _require_distributor(distributor)
    row = session.scalar(
        select(OfferedProduct).where(OfferedProduct.distributor_id == distributor.id,
                                     OfferedProduct.product_id == product.id)
    )
    if offered and row is None:
        session.add(OfferedProduct(distributor_id=distributor.id, product_id=product.id))
    elif not offered and row is not None:
        session.delete(row)
    else:
        return
    record_event(session, account=distributor, by=by, action="catalog.product_offered" if offered
                 else "catalog.product_withdrawn", target=product, changes={"product": in_each_language(product.name_in)})
    hidden = set(session.scalars(select(HiddenPlan.plan_id).where(HiddenPlan.distributor_id == distributor.id)))
    plans = [plan for plan in product.plans if plan.retired_at is None and plan.id not in hidden]
    publish_to_buyers(session, distributor, "ProductOfferingCreateEvent" if offered else "ProductOfferingDeleteEvent",
                      [_offering(distributor, plan, on_sale=offered) for plan in plans])


def set_plan_hidden(session: Session, *, distributor: Account, plan: Plan, hidden: bool, by: User | None) -> None:
    """Hide a plan of an offered product, or show it again."""
    _require(session, by, distributor)
    _require_distributor(distributor)
    row = session.scalar(
        select(HiddenPlan).where(HiddenPlan.distributor_id == distributor.id, HiddenPlan.plan_id == plan.id)
    )
    if hidden and row is None:
        session.add(HiddenPlan(distributor_id=distributor.id, plan_id=plan.id))
    elif not hidden and row is not None:
        session.delete(row)
    else:
        return
    record_event(session, account=distributor, by=by, action="catalog.plan_hidden" if hidden
                 else "catalog.plan_shown", target=plan, changes={"plan": in_each_language(plan.title)})
    publish_to_buyers(session, distributor, "ProductOfferingStateChangeEvent",
                      [_offering(distributor, plan, on_sale=not hidden)])


def _offering(seller: Account, plan: Plan, *, on_sale: bool) -> dict[str, object]:
    return {"seller_id": seller.id, "plan_id": plan.id, "on_sale": on_sale}


def _prices_changed(session: Session, price_list: PriceList, plans: Iterable[Plan], *, setup_fee: bool = False) -> None:
    """Announce new prices of ``plans`` in ``price_list`` (and their setup fees, with ``setup_fee``)."""
    parts = ("unit", "setup") if setup_fee else ("unit",)
    publish_to_buyers(session, price_list.seller, "ProductOfferingPriceAttributeValueChangeEvent",
                      [{"seller_id": price_list.seller_id, "plan_id": plan.id, "price": part}
                       for plan in plans for part in parts])


def create_price_list(
    session: Session,
    *,
    seller: Account,
    by: User | None,
    kind: PriceListKind,
    name: str,
    currency: str,
    tier: str | None = None,
    buyer: Account | None = None,
    markup_percent: Decimal | int | str | None = None,
) -> PriceList:
    """Open a list of ``seller`` for all its buyers of the kind, one reseller tier, or one buyer."""
    _require(session, by, seller)
    kind = PriceListKind(kind)
    if seller.kind is AccountKind.CUSTOMER:
        raise PermissionDeniedError(say("%(seller)s sells to nobody: a customer keeps no price lists.", seller=seller.name))
    errors: dict[str, list[str]] = {}
    unknown: dict[str, list[str]] = {}
    taken: dict[str, list[str]] = {}
    buyer_kind = _BUYER_KINDS[kind]
    if kind is PriceListKind.WHOLESALE and seller.kind is not AccountKind.DISTRIBUTOR:
        errors["kind"] = [say("Only a distributor sells wholesale, to its resellers.")]
    if not name.strip():
        errors["name"] = [say("Name the list.")]
    try:
        currency = Money(0, currency.strip().upper()).currency
    except ValidationError as error:
        errors.update(error.fields)
    if tier is not None and kind is not PriceListKind.WHOLESALE:
        errors["tier"] = [say("Tiers are for the wholesale lists of resellers.")]
    elif tier is not None and buyer is not None:
        errors["tier"] = [say("A list is for one reseller tier or one buyer: leave the tier out for a buyer's own list.")]
    if buyer is not None and (buyer.parent_id != seller.id or buyer.kind is not buyer_kind):
        unknown["buyer_id"] = [say("The buyer must be a %(kind)s that %(seller)s sells to.", kind=kind_said(buyer_kind),
                                   seller=seller.name)]
    markup = None
    if markup_percent is not None:
        markup = to_decimal(markup_percent, "markup_percent")
        if not Decimal(-100) < markup < Decimal(10_000):
            errors["markup_percent"] = [say("A markup is more than -100 % and less than 10000 %.")]
    audience = audience_key(tier or None, buyer.id if buyer else None)
    if session.scalar(select(PriceList.id).where(PriceList.seller_id == seller.id, PriceList.kind == kind,
                                                 PriceList.audience == audience)):
        taken["audience"] = [say("This seller already has a list for these buyers: change that one.")]
    raise_field_errors(errors, unknown=unknown, taken=taken)
    price_list = PriceList(
        seller=seller, kind=kind, name=name.strip(), currency=currency, tier=tier or None,
        buyer_id=buyer.id if buyer else None, audience=audience, markup_percent=markup,
    )
    session.add(price_list)
    record_event(session, account=seller, by=by, action="price_list.created", target=price_list,
                 changes={"name": price_list.name, "kind": str(kind), "currency": currency, "audience": audience,
                          "markup_percent": str(markup) if markup is not None else None})
    return price_list


def set_markup(
    session: Session, *, price_list: PriceList, by: User | None, markup_percent: Decimal | int | str | None
) -> None:
    """Change what a list charges over the seller's cost for the plans it has no price for.

    ``None`` sells only the plans the list prices by hand.
    """
    _require(session, by, price_list.seller)
    markup = to_decimal(markup_percent, "markup_percent") if markup_percent is not None else None
    if markup is not None and not Decimal(-100) < markup < Decimal(10_000):
        raise ValidationError({"markup_percent": [say("A markup is more than -100 % and less than 10000 %.")]})
    before = price_list.markup_percent
    if before == markup:
        return
    price_list.markup_percent = markup
    record_event(session, account=price_list.seller, by=by, action="price_list.markup_changed",
                 target=price_list, changes={"before": str(before) if before is not None else None,
                                             "markup_percent": str(markup) if markup is not None else None})
    by_hand = {entry.plan_id for entry in price_list.entries}
    marked_up = [plan for plan in purchasable_plans(session, price_list.seller) if plan.id not in by_hand]
    _prices_changed(session, price_list, marked_up)


def set_price(
    session: Session,
    *,
    price_list: PriceList,
    plan: Plan,
    by: User | None,
    unit_price: Decimal | int | str,
    setup_fee: Decimal | int | str | None = None,
    volume_tiers: Iterable[tuple[int, Decimal | int | str]] = (),
) -> PriceEntry:
    """Set a plan's price in a list, replacing any earlier one with its volume tiers."""
    _require(session, by, price_list.seller)
    errors: dict[str, list[str]] = {}
    off_sale: dict[str, list[str]] = {}
    if plan.id not in {p.id for p in purchasable_plans(session, price_list.seller)}:
        off_sale["plan_id"] = [say("%(plan)s is not on sale in %(seller)s's catalog.", plan=plan.said_title,
                                    seller=price_list.seller.name)]
    amount = to_decimal(unit_price, "unit_price")
    fee = to_decimal(setup_fee, "setup_fee") if setup_fee is not None else None
    tiers = sorted((int(quantity), to_decimal(price, "volume_tiers")) for quantity, price in volume_tiers)
    if amount < 0:
        errors["unit_price"] = [say("A price cannot be negative.")]
    if fee is not None and fee < 0:
        errors["setup_fee"] = [say("A setup fee cannot be negative.")]
    quantities = [quantity for quantity, _ in tiers]
    if any(q < 2 for q in quantities) or len(set(quantities)) != len(quantities):
        errors["volume_tiers"] = [say("Each tier starts at a different quantity of 2 or more.")]
    elif any(price < 0 for _, price in tiers) or any(
        later > earlier for (_, earlier), (_, later) in zip([(1, amount), *tiers], tiers, strict=False)
    ):
        errors["volume_tiers"] = [say("The more units, the lower (or equal) the unit price; never negative.")]
    raise_field_errors(errors, taken=off_sale)
    entry = session.scalar(
        select(PriceEntry).where(PriceEntry.price_list_id == price_list.id, PriceEntry.plan_id == plan.id)
    )
    before, had_fee = None, entry is not None and entry.setup_fee is not None
    if entry is None:
        entry = PriceEntry(price_list=price_list, plan=plan)
        session.add(entry)
    else:
        before = {"unit_price": str(entry.unit_price), "volume_tiers": len(entry.volume_tiers)}
        entry.volume_tiers.clear()
        session.flush()  # the old tiers go before new ones with the same quantities arrive
    entry.unit_price, entry.setup_fee = amount, fee
    entry.volume_tiers.extend(VolumeTier(min_quantity=quantity, unit_price=price) for quantity, price in tiers)
    record_event(session, account=price_list.seller, by=by, action="price.set", target=price_list,
                 changes={"plan": in_each_language(plan.title), "before": before, "unit_price": str(amount),
                          "setup_fee": str(fee) if fee is not None else None,
                          "volume_tiers": [[q, str(p)] for q, p in tiers]})
    _prices_changed(session, price_list, [plan], setup_fee=had_fee or fee is not None)
    return entry


def remove_price(session: Session, *, price_list: PriceList, plan: Plan, by: User | None) -> None:
    """Take a plan out of a list: its buyers then pay the list's markup price, or cannot buy it."""
    _require(session, by, price_list.seller)
    entry = session.scalar(
        select(PriceEntry).where(PriceEntry.price_list_id == price_list.id, PriceEntry.plan_id == plan.id)
    )
    if entry is None:
        raise NotFoundError(say("%(plan)s has no price in %(list)s.", plan=plan.said_title, list=price_list.name))
    session.delete(entry)  # with its volume tiers
    record_event(session, account=price_list.seller, by=by, action="price.removed", target=price_list,
                 changes={"plan": in_each_language(plan.title)})
    _prices_changed(session, price_list, [plan], setup_fee=entry.setup_fee is not None)


@dataclass(frozen=True)
class BelowCost:
    """A retail price under what the seller itself pays: a loss on every unit sold."""

    plan: Plan
    price: Money
    cost: Money


def below_cost_prices(session: Session, price_list: PriceList) -> list[BelowCost]:
    """Return the list's prices that are lower than the seller's own cost for the plan."""
    plans = {entry.plan_id: entry.plan for entry in price_list.entries}
    costs = seller_costs(session, price_list.seller, plans.values())
    warnings = []
    for entry in price_list.entries:
        cost = costs.get(entry.plan_id)
        price = Money(entry.unit_price, price_list.currency)
        if cost is not None and cost.currency == price.currency and price < cost:
            warnings.append(BelowCost(plans[entry.plan_id], price.rounded(), cost))
    return warnings

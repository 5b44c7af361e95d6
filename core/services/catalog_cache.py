"""Kept catalogs: the plans on sale in a seller's tree at one price list's prices, resolved once per version.

Pricing a catalog takes a dozen statements and tens of milliseconds (``core.services.pricing``);
a storefront's catalog reads it from here instead. A kept catalog is valid while the stamps it
was resolved under are current: one ``PriceVersion`` per scope its prices depend on, the catalog
itself and each account from the root distributor down to the viewer, all read in one query.
Every ORM write that can change a price (a price or a list, a plan or a product, what a
distributor offers or hides, a storefront, an account's tier or seller) replaces the stamp of its
scope in its own transaction (a flush listener, ``core.models.prices``), so the next page reads
another stamp and resolves afresh: a change shows at once, in every process, and one rolled back
is never believed, for a stamp is never drawn twice.

Each process keeps the catalogs it served last, their plans loaded once per tree and detached from
any session (every seller of a tree sells the same plans), so that a page builds no ORM object.
With Redis, processes also share the prices they resolve.
What is kept is for showing: an order always prices its lines afresh (``core.services.orders``).
"""

from __future__ import annotations

import json
import logging
import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import redis
from sqlalchemy import bindparam, select
from sqlalchemy.orm import Session

from core.models.accounts import Account
from core.models.catalog import Plan
from core.models.prices import CATALOG_SCOPE, PriceList, PriceVersion, account_scope
from core.money import Money
from core.services.pricing import (
    WITH_PRICES,
    ResolvedPrice,
    list_prices,
    price_list_for,
    prospect_price_list,
    purchasable_plans,
)

log = logging.getLogger(__name__)

#: What each process keeps at most, the least recently served going first: catalogs (a few kilobytes of prices
#: each), which list prices whom, and the plans on sale in each tree.
MAX_CATALOGS = 1024
MAX_LISTS = 4096
MAX_TREES = 64
#: How long Redis keeps an entry: one under an old stamp is never asked for again, so it only waits to go.
SHARED_SECONDS = 24 * 3600
#: How long a page waits on Redis before resolving the prices itself.
REDIS_TIMEOUT_SECONDS = 0.5


def _path_ids(account: Account) -> list[int]:
    return [int(part) for part in account.path.strip("/").split("/")]


@dataclass(frozen=True)
class KeptCatalog:
    """The plans on sale in a seller's tree that one list prices, in catalog order, at its prices for one unit."""

    #: Detached from any session, with their products, and shared by every catalog of the tree: read them, never
    #: change them or add them to a session.
    plans: tuple[Plan, ...]
    prices: Mapping[int, ResolvedPrice]


NOTHING = KeptCatalog((), {})


class Kept:
    """Values kept by one process, the least recently served going first beyond ``size``."""

    def __init__(self, size: int) -> None:
        self.values: OrderedDict[Hashable, Any] = OrderedDict()
        self.size = size
        self.lock = threading.Lock()

    def get(self, key: Hashable) -> Any:
        with self.lock:
            found = self.values.get(key)
            if found is not None:
                self.values.move_to_end(key)
            return found

    def keep(self, key: Hashable, value: Any) -> None:
        with self.lock:
            self.values[key] = value
            self.values.move_to_end(key)
            while len(self.values) > self.size:
                self.values.popitem(last=False)


class CatalogCache:
    """The catalogs one process keeps (and which list prices each buyer) and, given a Redis URL, what it shares."""

    def __init__(self, redis_url: str | None = None) -> None:
        self.lists = Kept(MAX_LISTS)
        self.catalogs = Kept(MAX_CATALOGS)
        self.trees = Kept(MAX_TREES)
        self.shared = redis.Redis.from_url(redis_url, socket_timeout=REDIS_TIMEOUT_SECONDS,
                                           socket_connect_timeout=REDIS_TIMEOUT_SECONDS) if redis_url else None

    def get_shared(self, key: str) -> Any:
        """What a process resolved under ``key``, or ``None``; Redis being away only costs the time to resolve."""
        if self.shared is None:
            return None
        try:
            found = self.shared.get(f"cascade:prices:{key}")
        except redis.RedisError as error:
            log.warning("kept catalogs: Redis unavailable (%s)", error)
            return None
        return json.loads(found) if found is not None else None

    def share(self, key: str, value: Any) -> None:
        if self.shared is None:
            return
        try:
            self.shared.set(f"cascade:prices:{key}", json.dumps(value), ex=SHARED_SECONDS)
        except redis.RedisError as error:
            log.warning("kept catalogs: Redis unavailable (%s)", error)


def kept_catalog(session: Session, cache: CatalogCache, seller: Account, buyer: Account | None) -> KeptCatalog:
    """What ``buyer`` (``None``: a visitor, priced as a new customer) is offered in ``seller``'s tree at its own
    prices, resolved once per version of those prices: one statement when this process has it."""
    viewer = buyer or seller
    path = _path_ids(viewer)
    stamps = current_stamps(session, [CATALOG_SCOPE, *map(account_scope, path)])
    # Which list prices the viewer (its own, its tier's, its seller's default) depends on all of these stamps;
    # what a list charges, on those down to its seller.
    choice = f"list:{seller.id}:{viewer.id if buyer else '-'}:{':'.join(stamps)}"
    seller_stamps = ":".join(stamps[:path.index(seller.id) + 2])
    # What is on sale in the tree: the catalog's plans, and what its distributor offers and hides.
    tree = f"plans:{path[0]}:{stamps[0]}:{stamps[1]}"
    list_id = cache.lists.get(choice)
    if list_id == 0:
        return NOTHING
    if list_id is not None and (found := cache.catalogs.get(f"prices:{list_id}:{seller_stamps}")) is not None:
        return found
    with _reader(session) as reader:
        list_id = _shared_or(cache, choice, lambda: _list_id(reader, seller, buyer))
        if not list_id:
            return NOTHING
        key = f"prices:{list_id}:{seller_stamps}"
        on_sale = cache.trees.get(tree)
        shared = cache.get_shared(key)
        if shared is not None:
            plans, prices = _from_shared(shared)
        else:
            loaded, prices = _resolved(reader, list_id)
            plans = [plan.id for plan in loaded if plan.id in prices]
            cache.share(key, _to_shared(plans, prices))
            on_sale = on_sale or {plan.id: plan for plan in loaded}
        if on_sale is None:
            on_sale = {plan.id: plan for plan in purchasable_plans(reader, seller)}
        cache.trees.keep(tree, on_sale)
        # The same stamps put a plan on sale in the tree and in the list's catalog: none is missing.
        catalog = KeptCatalog(tuple(on_sale[plan_id] for plan_id in plans if plan_id in on_sale), prices)
        cache.catalogs.keep(key, catalog)
        return catalog


def _list_id(session: Session, seller: Account, buyer: Account | None) -> int:
    """The id of the list that prices ``buyer`` (a visitor: ``seller``'s for new customers); 0 for none."""
    price_list = (price_list_for(session, session.get_one(Account, buyer.id), with_prices=False) if buyer
                  else prospect_price_list(session, session.get_one(Account, seller.id), with_prices=False))
    return price_list.id if price_list else 0


def _shared_or(cache: CatalogCache, key: str, resolve: Callable[[], int]) -> int:
    """The value kept under ``key`` here or in Redis, else ``resolve()``'s, then kept and shared."""
    found = cache.lists.get(key)
    if found is None:
        found = cache.get_shared(key)
        if found is None:
            found = resolve()
            cache.share(key, found)
        cache.lists.keep(key, found)
    return int(found)


@contextmanager
def _reader(session: Session) -> Iterator[Session]:
    """A session of its own on ``session``'s connection and transaction: what it loads is kept beyond the
    request, so none of it may be the request's own objects."""
    reader = Session(bind=session.connection(), autoflush=False)
    try:
        yield reader
    finally:
        reader.close()  # its objects stay loaded, detached


def _resolved(session: Session, list_id: int) -> tuple[list[Plan], dict[int, ResolvedPrice]]:
    """Every plan on sale in the tree of list ``list_id``'s seller, and what the list charges for those it prices."""
    price_list = session.scalars(select(PriceList).where(PriceList.id == list_id).options(WITH_PRICES)).one()
    return list_prices(session, price_list)


def _to_shared(plans: list[int], prices: Mapping[int, ResolvedPrice]) -> list[list[Any]]:
    """The prices as JSON can hold them, in the catalog's order; amounts as decimal strings."""
    shared: list[list[Any]] = []
    for plan_id in plans:
        price = prices[plan_id]
        setup_fee = str(price.setup_fee.amount) if price.setup_fee else None
        shared.append([plan_id, str(price.unit_price.amount), price.unit_price.currency, setup_fee, price.source])
    return shared


def _from_shared(shared: list[list[Any]]) -> tuple[list[int], dict[int, ResolvedPrice]]:
    prices = {plan_id: ResolvedPrice(plan_id, 1, Money(Decimal(amount), currency),
                                     Money(Decimal(fee), currency) if fee is not None else None, source)
              for plan_id, amount, currency, fee, source in shared}
    return list(prices), prices


# --- stamps ---------------------------------------------------------------------------------------


#: Built once: a page reads its stamps with this and nothing else when its catalog is kept.
_STAMPS = select(PriceVersion.scope, PriceVersion.stamp).where(PriceVersion.scope.in_(bindparam("scopes", expanding=True)))


def current_stamps(session: Session, scopes: list[str]) -> tuple[str, ...]:
    """The stamp of each scope, ``-`` for one never changed (the catalog's, stamped by the migration, always is)."""
    found = dict(session.execute(_STAMPS, {"scopes": scopes}).all())
    return tuple(found.get(scope, "-") for scope in scopes)

"""Price resolution for 10,000 buyers: Cascade's resolver against a plan-by-plan baseline.

Builds the demo platform in a fresh SQLite file (or the PostgreSQL database named by
``--database-url``), adds ``--buyers`` customers spread over the two demo resellers, and prices
the whole catalog for each of them with ``core.services.pricing.resolve_prices``: a constant
number of queries per buyer, however many plans there are. The baseline, measured in the same
run on a sample of the same buyers, looks each plan's price up on its own, the way a template
calling a "price of this plan" helper in a loop would. Prints buyers per second for both and
their ratio.

Run from the repository root (never part of the test suite)::

    .venv/bin/python bench/price_resolution.py [--buyers 10000] [--sample 500]
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from decimal import Decimal
from pathlib import Path

from argon2 import PasswordHasher, profiles
from sqlalchemy import Engine, insert, select, text
from sqlalchemy.orm import Session

from bss.migrations import upgrade_database
from core.db import make_engine, make_session_factory
from core.models.accounts import Account, AccountKind
from core.models.prices import PriceEntry, PriceList
from core.money import Money
from core.passwords import hasher
from core.plugins import load_plugins
from core.services.demo import load_demo
from core.services.pricing import price_list_for, purchasable_plans, resolve_prices, seller_costs


def build(engine: Engine, buyers: int) -> list[int]:
    """Migrate, load the demo and add ``buyers`` customers; return their ids."""
    upgrade_database(engine)
    load_plugins()
    factory = make_session_factory(engine)
    with factory() as session, hasher(PasswordHasher.from_parameters(profiles.CHEAPEST)):
        load_demo(session)
        session.commit()
        resellers = list(session.scalars(select(Account).where(Account.kind == AccountKind.RESELLER)))
        first_id = (session.scalar(text("SELECT max(id) FROM accounts")) or 0) + 1
        rows = []
        for n in range(buyers):
            seller = resellers[n % len(resellers)]
            account_id = first_id + n
            rows.append({
                "id": account_id, "kind": AccountKind.CUSTOMER, "parent_id": seller.id, "name": f"Buyer {n}",
                "slug": f"buyer-{n}", "path": f"{seller.path}{account_id}/", "reselling_enabled": False,
                "addons": [], "service_manager_active": False,
            })
        session.execute(insert(Account), rows)
        session.commit()
        return [row["id"] for row in rows]


def baseline_prices(session: Session, buyer: Account) -> dict[int, Money]:
    """Price plan by plan: a query for each plan's entry, and one for each marked-up cost."""
    prices: dict[int, Money] = {}
    price_list = price_list_for(session, buyer)
    if price_list is None:
        return prices
    for plan in purchasable_plans(session, buyer):
        entry = session.scalar(
            select(PriceEntry).where(PriceEntry.price_list_id == price_list.id, PriceEntry.plan_id == plan.id)
        )
        if entry is not None:
            prices[plan.id] = Money(entry.unit_price, price_list.currency).rounded()
        elif price_list.markup_percent is not None:
            cost = seller_costs(session, buyer.parent, [plan]).get(plan.id)  # type: ignore[arg-type]
            if cost is not None:
                prices[plan.id] = Money(cost.amount * (1 + price_list.markup_percent / Decimal(100)),
                                        cost.currency).rounded()
    return prices


def run(engine: Engine, buyer_ids: list[int], sample: int) -> None:
    factory = make_session_factory(engine)
    with factory() as session:
        plans = session.scalar(text("SELECT count(*) FROM plans"))
        lists = session.scalar(select(text("count(*)")).select_from(PriceList))
        print(f"{len(buyer_ids)} buyers, {plans} plans, {lists} price lists on {engine.dialect.name}")

        started = time.perf_counter()
        priced = 0
        for buyer_id in buyer_ids:
            priced += len(resolve_prices(session, session.get(Account, buyer_id)))
            session.expunge_all()  # each buyer is priced cold, as in its own request
        cascade_seconds = time.perf_counter() - started

        checked = buyer_ids[:: max(len(buyer_ids) // sample, 1)][:sample]
        timings = []
        for buyer_id in checked:
            buyer = session.get(Account, buyer_id)
            started = time.perf_counter()
            expected = baseline_prices(session, buyer)
            timings.append(time.perf_counter() - started)
            resolved = {plan_id: price.unit_price for plan_id, price in resolve_prices(session, buyer).items()}
            assert resolved == expected, f"buyer {buyer_id}: the two disagree"
            session.expunge_all()
        baseline_per_buyer = statistics.fmean(timings)

    cascade_per_buyer = cascade_seconds / len(buyer_ids)
    print(f"cascade  : {len(buyer_ids) / cascade_seconds:8.0f} buyers/s  ({cascade_per_buyer * 1000:.2f} ms per buyer, "
          f"{priced} prices, {cascade_seconds:.1f} s in all)")
    print(f"baseline : {1 / baseline_per_buyer:8.0f} buyers/s  ({baseline_per_buyer * 1000:.2f} ms per buyer, "
          f"{len(checked)} buyers sampled; same prices)")
    print(f"ratio    : cascade resolves {baseline_per_buyer / cascade_per_buyer:.1f}x as many buyers per second")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--buyers", type=int, default=10_000)
    parser.add_argument("--sample", type=int, default=500, help="buyers the baseline prices")
    parser.add_argument("--database-url", help="an empty PostgreSQL database (default: a temporary SQLite file)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as directory:
        engine = make_engine(args.database_url or f"sqlite:///{Path(directory) / 'bench.db'}")
        buyer_ids = build(engine, args.buyers)
        run(engine, buyer_ids, args.sample)
        engine.dispose()


if __name__ == "__main__":
    main()

"""The billing run against a bare bulk insert of the same rows, at two sizes.

For each size (``--sizes``, subscriptions), on a fresh SQLite file migrated by Alembic: one
distributor, ``--resellers`` resellers and one customer per subscription spread over them, and
two charges per subscription, as a month of a reseller's customer makes them (the retail one,
reseller to customer, and the wholesale one, distributor to reseller). Then it times:

* **run**: ``run_billing`` closing that month: every invoice, its numbers, its totals and
  every line, in one transaction per issuer;
* **baseline**: a bare Core ``executemany`` writing the very lines the run wrote again (read,
  deleted, then inserted as they were into the same table, its indexes kept), in one transaction.

It prints the invoice lines per second of each, and the run's as a ratio of the baseline's
(target: at least 0.5); then the run's time per subscription at each size and the ratio of the
largest to the smallest (target: at most 1.2, the run growing no faster than its work).

Run from the repository root (never part of the test suite); about a minute with the defaults::

    .venv/bin/python bench/billing.py [--sizes 10000 100000] [--resellers 100]
"""

from __future__ import annotations

import argparse
import tempfile
import time
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, delete, func, insert, select
from sqlalchemy.orm import Session

from bss.migrations import upgrade_database
from core.db import make_engine
from core.models.accounts import Account, AccountKind
from core.models.charges import Charge, ChargeKind
from core.models.invoices import InvoiceLine
from core.services.billing_run import run_billing

CHARGED_AT = datetime(2026, 3, 15, 9, 0, tzinfo=UTC)
PERIOD = (datetime(2026, 3, 15, tzinfo=UTC), datetime(2026, 4, 15, tzinfo=UTC))
BATCH = 10_000


def _account(id_: int, kind: AccountKind, parent: dict[str, Any] | None, slug: str) -> dict[str, Any]:
    return {"id": id_, "kind": kind, "parent_id": parent["id"] if parent else None,
            "path": f"{parent['path'] if parent else '/'}{id_}/", "name": slug, "slug": slug,
            "reselling_enabled": kind is not AccountKind.CUSTOMER, "primary_domain": None, "tier": None,
            "addons": [], "service_manager_active": False, "created_at": CHARGED_AT}


def _charge(key: str, issuer: dict[str, Any], recipient: dict[str, Any], unit: Decimal) -> dict[str, Any]:
    return {"key": key, "issuer_id": issuer["id"], "recipient_id": recipient["id"], "subscription_id": None,
            "kind": ChargeKind.RECURRING, "description": "3 x Microsoft 365 Business Basic", "quantity": 3,
            "unit_amount": unit, "amount": unit * 3, "currency": "EUR", "period_start": PERIOD[0],
            "period_end": PERIOD[1], "created_at": CHARGED_AT}


def build(engine: Engine, subscriptions: int, resellers: int) -> None:
    """Migrate, then bulk-insert the tree and a month of charges."""
    upgrade_database(engine)
    distributor = _account(1, AccountKind.DISTRIBUTOR, None, "distributor")
    sellers = [_account(2 + n, AccountKind.RESELLER, distributor, f"reseller-{n}") for n in range(resellers)]
    customers = [_account(2 + resellers + n, AccountKind.CUSTOMER, sellers[n % resellers], f"customer-{n}")
                 for n in range(subscriptions)]
    charges = []
    for n, customer in enumerate(customers):
        seller = sellers[n % resellers]
        charges.append(_charge(f"s{n}:retail", seller, customer, Decimal("7.34")))
        charges.append(_charge(f"s{n}:wholesale", distributor, seller, Decimal("5.87")))
    with Session(engine) as session, session.begin():
        for rows, table in (([distributor, *sellers, *customers], Account.__table__), (charges, Charge.__table__)):
            for start in range(0, len(rows), BATCH):
                session.execute(insert(table), rows[start:start + BATCH])


def time_run(engine: Engine) -> tuple[float, int]:
    """Seconds the billing run takes, and the invoice lines it wrote."""
    with Session(engine) as session:
        started = time.perf_counter()
        result = run_billing(session, date(2026, 4, 1))
        elapsed = time.perf_counter() - started
        assert result.lines == session.scalar(select(func.count()).select_from(InvoiceLine))
    return elapsed, result.lines


def time_baseline(engine: Engine) -> float:
    """Seconds a bare Core executemany takes to write the invoice lines the run wrote, again: read, deleted,
    then inserted as they were into the same table (its indexes and constraints kept)."""
    lines = InvoiceLine.__table__
    with engine.begin() as connection:
        rows = [dict(row) for row in connection.execute(select(lines)).mappings()]
        connection.execute(delete(lines))
    started = time.perf_counter()
    with engine.begin() as connection:
        connection.execute(insert(lines), rows)
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000])
    parser.add_argument("--resellers", type=int, default=100)
    args = parser.parse_args()
    per_subscription = {}
    for size in args.sizes:
        with tempfile.TemporaryDirectory() as folder:
            engine = make_engine(f"sqlite:///{Path(folder) / 'billing.db'}")
            build(engine, size, args.resellers)
            run, lines = time_run(engine)
            baseline = time_baseline(engine)
            engine.dispose()
        per_subscription[size] = run / size
        print(f"{size:>7} subscriptions, {lines} invoice lines: run {lines / run:,.0f} lines/s, baseline "
              f"{lines / baseline:,.0f} lines/s, ratio {baseline / run:.2f} (target >= 0.5); "
              f"{run / size * 1e6:.1f} us per subscription")
    smallest, largest = min(per_subscription), max(per_subscription)
    if smallest != largest:
        print(f"time per subscription at {largest} / at {smallest}: "
              f"{per_subscription[largest] / per_subscription[smallest]:.2f} (target <= 1.2)")


if __name__ == "__main__":
    main()

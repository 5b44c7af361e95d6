"""Demo data: a small, believable distribution channel to try Cascade with."""

from __future__ import annotations

from sqlalchemy import exists, select
from sqlalchemy.orm import Session

from core.models.accounts import Account, AccountKind
from core.services.accounts import create_account


def has_data(session: Session) -> bool:
    """Return whether the database holds any account (demo data only goes into an empty one)."""
    return bool(session.scalar(select(exists().where(Account.id.is_not(None)))))


def load_demo(session: Session) -> list[Account]:
    """Create the demo account tree and return its accounts, parents first."""
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
    customers = [
        create_account(session, kind=AccountKind.CUSTOMER, name="Harbour Dental", slug="harbour",
                       parent=bright, primary_domain="harbour-dental.example"),
        create_account(session, kind=AccountKind.CUSTOMER, name="Maple Bakery", slug="maple",
                       parent=bright, primary_domain="maple-bakery.example"),
        create_account(session, kind=AccountKind.CUSTOMER, name="Solo Consulting", slug="solo",
                       parent=northwind, primary_domain="solo-consulting.example"),
        create_account(session, kind=AccountKind.CUSTOMER, name="Atlas Legal", slug="atlas",
                       parent=northwind, primary_domain="atlas-legal.example"),
    ]
    return [northwind, bright, corner, *customers]

"""Demo data: a small, believable distribution channel to try Cascade with.

Every demo person signs in with ``DEMO_PASSWORD``: demo data is for trying the product, and
it is never loaded into a production platform.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import exists, select
from sqlalchemy.orm import Session

from core.models.accounts import Account, AccountKind
from core.services.accounts import create_account
from core.services.people import add_member, create_user, owner_team

DEMO_PASSWORD = "cascade-demo"


@dataclass(frozen=True)
class DemoLogin:
    email: str
    accounts: tuple[str, ...]


def has_data(session: Session) -> bool:
    """Return whether the database holds any account (demo data only goes into an empty one)."""
    return bool(session.scalar(select(exists().where(Account.id.is_not(None)))))


def load_demo(session: Session) -> list[DemoLogin]:
    """Create the demo accounts and their people; return each login with its accounts."""
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
    operator = create_user(session, email="operator@cascade.example", name="Platform Operator", password=DEMO_PASSWORD)
    operator.platform_operator = True
    return [
        *(DemoLogin(email, tuple(account.name for account in accounts)) for email, accounts in logins.items()),
        DemoLogin(operator.email, ("the platform (operator)",)),
    ]


def _name_for(email: str) -> str:
    local, domain = email.split("@")
    return f"{local.title()} at {domain.removesuffix('.example').title()}"

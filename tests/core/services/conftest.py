"""Fixtures of the core's services' tests."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from core.models.accounts import Account
from core.models.people import User
from core.services.people import add_member, create_user, owner_team
from plugin_kit.testing.accounts import owner_email


@pytest.fixture
def french_owner(db: Session, demo: dict[str, Account]) -> Callable[[str], tuple[str, str]]:
    """Have the demo owner of ``slug`` choose French, beside a new colleague of its owner team who chose no
    language; their email addresses, French first."""

    def make(slug: str) -> tuple[str, str]:
        owner = db.scalars(select(User).where(User.email == owner_email(slug))).one()
        owner.locale = "fr"
        colleague = create_user(db, email=f"colleague@{slug}.example", name="Colleague",
                                password="a long enough password")
        add_member(db, owner_team(db, demo[slug]), colleague)
        db.flush()
        return owner.email, colleague.email

    return make

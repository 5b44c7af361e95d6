"""Fixtures for the back-office pages: people with fewer rights, and signing out."""

from __future__ import annotations

import pytest
from flask.testing import FlaskClient
from sqlalchemy.orm import Session

from core.models.accounts import Account
from core.models.people import Team
from core.services.people import add_member, create_user
from plugin_kit.testing import post_form

#: Password of the people these fixtures make.
PASSWORD = "a long enough password"


@pytest.fixture
def buyer(db: Session, demo: dict[str, Account]) -> str:
    """Sign-in email of someone in Bright IT who may buy but not manage teams."""
    team = Team(account=demo["bright"], name="Buyers", permissions=["purchase"], payment_methods=["card"])
    db.add(team)
    add_member(db, team, create_user(db, email="buyer@bright.example", name="Buyer", password=PASSWORD))
    db.commit()
    return "buyer@bright.example"


def sign_out(client: FlaskClient) -> None:
    assert post_form(client, "/bss/logout").status_code == 302

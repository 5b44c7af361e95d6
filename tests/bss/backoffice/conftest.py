"""Fixtures for the back-office pages: people with fewer rights, and links read from emails."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any
from urllib.parse import urlsplit

import pytest
from flask.testing import FlaskClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from core.models.accounts import Account
from core.models.outbox import OutboxEmail
from core.models.people import Team
from core.services.people import add_member, create_user
from tests.conftest import csrf

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


@pytest.fixture
def post(client: FlaskClient) -> Callable[..., Any]:
    """Post a form as a browser would, with the session's CSRF token."""

    def send(url: str, data: dict[str, Any] | None = None, **kwargs: Any) -> Any:
        return client.post(url, data={**(data or {}), "csrf_token": csrf(client)}, **kwargs)

    return send


def link_in_email(db: Session, to: str, path: str) -> str:
    """Return the site-relative link under ``path`` in the newest email to ``to``, checking it is absolute."""
    email = db.scalars(
        select(OutboxEmail).where(OutboxEmail.to_address == to).order_by(OutboxEmail.id.desc())
    ).first()
    assert email is not None, f"no email to {to}"
    url = re.search(rf"https?://\S+{re.escape(path)}\S+", email.text_body).group(0)
    parts = urlsplit(url)
    assert parts.scheme and parts.netloc, "links in emails are absolute"
    return parts.path

"""Fixtures for the back-office pages: people with fewer rights, and links read from emails."""

from __future__ import annotations

import html
import re
from collections.abc import Callable
from typing import Any
from urllib.parse import urlsplit

import pytest
from flask.testing import FlaskClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from core.models.accounts import Account
from core.models.catalog import Plan
from core.models.outbox import OutboxEmail
from core.models.people import Team, User
from core.models.subscriptions import Subscription
from core.services.actors import acting_as
from core.services.orders import LineRequest, place_order
from core.services.people import add_member, create_user
from tests.conftest import csrf
from tests.provisioning import provision_due

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


@pytest.fixture
def provision_all(db: Session) -> Callable[[], int]:
    """Carry out every provisioning request that is due, as the worker would; return how many ran."""
    return lambda: provision_due(db)


def sign_out(client: FlaskClient) -> None:
    assert client.post("/bss/logout", data={"csrf_token": csrf(client)}).status_code == 302


def text_of(response: Any) -> str:
    """A page's text as a person reads it: no tags, entities decoded, whitespace collapsed."""
    page = re.sub(r"<(script|style)\b.*?</\1>", " ", response.get_data(as_text=True), flags=re.S)
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", page)).split())


@pytest.fixture
def make_subscription(
    db: Session, demo: dict[str, Account], fake_catalog: dict[str, Plan], provision_all: Callable[[], int]
) -> Callable[..., Subscription]:
    """Order a fake-product plan for ``owner`` (a demo slug) through the core, paid by card, and
    provision it; ``buyer`` orders it for ``owner`` and pays when ``payer="buyer"``."""

    def make(owner: str = "harbour", plan: str = "small", *, buyer: str | None = None, payer: str = "owner",
             quantity: int = 1) -> Subscription:
        buying = demo[buyer or owner]
        person = db.scalar(select(User).where(User.email == f"owner@{buying.slug}.example"))
        order = place_order(db, actor=acting_as(db, person, buying), owner_id=demo[owner].id, payer=payer,
                            lines=[LineRequest(fake_catalog[plan].id, quantity)], payment_method="card")
        db.commit()
        provision_all()
        subscription = order.lines[0].subscription
        assert subscription is not None
        return subscription

    return make

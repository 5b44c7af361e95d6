"""Hosting test helpers: the demo's hosting and domain plans, the simulators over HTTP, the clock moved on."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import timedelta
from typing import Any
from urllib.request import Request, urlopen

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from core.clock import FrozenTime
from core.models.accounts import Account
from core.models.catalog import Plan
from core.models.orders import Order
from core.models.outbox import OutboxEmail
from core.models.provisioning import ManualTask, TaskStatus
from core.services.actors import Actor
from core.services.manual_tasks import complete_task
from core.services.orders import LineRequest, place_order
from plugin_kit.testing import ServedSimulator, provision_due
from plugins.hosting.domain_registration import TLDS, plan_code


def vendor(served: ServedSimulator, method: str, path: str, body: dict[str, Any] | None = None) -> Any:
    """Ask a simulator over HTTP, as an operator with curl would."""
    data = json.dumps(body).encode() if body is not None else None
    request = Request(f"{served.url}{path}", data=data, method=method, headers={"Content-Type": "application/json"})
    with urlopen(request, timeout=5) as response:
        return json.loads(response.read())


@pytest.fixture
def registrar(simulators: dict[str, ServedSimulator]) -> ServedSimulator:
    return simulators["registrar"]


@pytest.fixture
def panel(simulators: dict[str, ServedSimulator]) -> ServedSimulator:
    return simulators["hosting-panel"]


@pytest.fixture
def order_domain(db: Session, plans: dict[str, Plan], actor_for: Callable[..., Actor]) -> Callable[..., Order]:
    """Order a domain and run what provisioning is due; by default Bright IT registers one for Harbour Dental itself."""

    def order(name: str = "harbour-dental.com", *, by: str = "bright", for_: str = "harbour", payer: str = "buyer",
              method: str = "on_account", **params: str) -> Order:
        tld = plan_code(next(tld for tld in sorted(TLDS, key=len, reverse=True) if name.endswith(f".{tld}")))
        owner_id = None if by == for_ else db.scalar(select(Account.id).where(Account.slug == for_))
        placed = place_order(db, actor=actor_for(by), owner_id=owner_id, payer=payer, payment_method=method,
                             lines=[LineRequest(plans[f"domain-name/{tld}"].id, params={"domain_name": name, **params})])
        db.commit()
        provision_due(db)
        return placed

    return order


@pytest.fixture
def open_tasks(db: Session, actor_for: Callable[..., Actor]) -> Callable[[str], list[ManualTask]]:
    def tasks(slug: str) -> list[ManualTask]:
        db.expire_all()
        return list(db.scalars(select(ManualTask).where(ManualTask.account_id == actor_for(slug).account.id,
                                                        ManualTask.status == TaskStatus.OPEN)))

    return tasks


@pytest.fixture
def do_task(db: Session, actor_for: Callable[..., Actor]) -> Callable[..., None]:
    """Mark a task done as its seller's owner, and let provisioning go on."""

    def done(task: ManualTask, slug: str = "bright", note: str = "paid, ref 4411") -> None:
        complete_task(db, actor=actor_for(slug), task_id=task.id, note=note)
        db.commit()
        provision_due(db)

    return done


@pytest.fixture
def emails(db: Session) -> Callable[..., list[OutboxEmail]]:
    """The emails queued so far whose subject contains ``text``, oldest first."""

    def found(text: str = "") -> list[OutboxEmail]:
        db.expire_all()
        return list(db.scalars(select(OutboxEmail).where(OutboxEmail.subject.contains(text)).order_by(OutboxEmail.id)))

    return found


def move_on(frozen_clock: FrozenTime, db: Session, delta: timedelta) -> None:
    """Let time pass, and the workers do what became due."""
    frozen_clock.advance(delta)
    provision_due(db)

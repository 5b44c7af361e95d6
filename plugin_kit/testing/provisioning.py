"""Carrying out provisioning in the test process with the worker's own ``provision`` task."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from bss.tasks import provision
from core.clock import utcnow
from core.models.provisioning import ProvisioningRequest, RequestStatus


def provision_due(db: Session, rounds: int = 10) -> int:
    """Run every request that is due now, again while that makes more due; return how many ran.

    The task runs in a session of its own, as in a worker; ``db`` then forgets what it held,
    so that the test reads what the task committed.
    """
    ran = 0
    for _ in range(rounds):
        due = db.scalars(
            select(ProvisioningRequest.id)
            .where(ProvisioningRequest.status.in_((RequestStatus.PENDING, RequestStatus.WAITING)),
                   ProvisioningRequest.next_attempt_at <= utcnow())
            .order_by(ProvisioningRequest.id)
        ).all()
        if not due:
            break
        for request_id in due:
            provision(request_id)
            ran += 1
        db.expire_all()
    return ran


@pytest.fixture
def provision_all(db: Session) -> Callable[[], int]:
    """Carry out every provisioning request that is due, as the worker would; return how many ran."""
    return lambda: provision_due(db)

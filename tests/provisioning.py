"""Carrying out provisioning in the test process, as a worker would, one request at a time."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from core.clock import utcnow
from core.models.provisioning import ProvisioningRequest, RequestStatus
from core.services.provisioning import call_product, claim_request, record_answer


def provision_due(db: Session, rounds: int = 10) -> int:
    """Run every request that is due now, again while that makes more due; return how many ran."""
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
            claim = claim_request(db, request_id)
            db.commit()
            if claim is not None:
                record_answer(db, request_id, claim.attempt, call_product(claim))
                db.commit()
                ran += 1
    return ran

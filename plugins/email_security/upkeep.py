"""What the scheduler does for the plugin every minute: extra domains outlive no account.

Cancelling an account (or its seller terminating it) leaves the account's extra domains
subscription behind, as nothing else links the two. The job cancels it too, once the account no
longer stands; its product refunds unused time, so the days left are credited back at every level.
"""

from __future__ import annotations

from sqlalchemy import exists, select
from sqlalchemy.orm import Session

from core.models.catalog import Product
from core.models.provisioning import OPEN_REQUEST_STATUSES, ProvisioningRequest
from core.models.subscriptions import LIVE_STATUSES, Subscription
from core.product_lifecycle import LifecycleAction
from core.services.provisioning import request_provisioning
from plugins.email_security.addons import DOMAINS_PRODUCT
from plugins.email_security.reservations import stands


def end_orphaned_extra_domains(session: Session, limit: int = 500) -> int:
    """Cancel the extra domains whose account has ended; answer how many."""
    busy = exists().where(ProvisioningRequest.subscription_id == Subscription.id,
                          ProvisioningRequest.status.in_(OPEN_REQUEST_STATUSES))
    live = session.scalars(
        select(Subscription).join(Product, Product.id == Subscription.product_id)
        .where(Product.key == DOMAINS_PRODUCT, Subscription.status.in_(LIVE_STATUSES), ~busy)
        .order_by(Subscription.id).limit(limit).with_for_update(skip_locked=True, of=Subscription)
    )
    orphaned = [extra for extra in live if not stands(session, extra.owner_id, extra.params["domain"])]
    for extra in orphaned:
        request_provisioning(session, extra, LifecycleAction.CANCEL, payload={"note": "its email security account ended"})
    session.flush()
    return len(orphaned)

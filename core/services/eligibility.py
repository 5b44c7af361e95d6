"""Whether a buyer may buy a plan: the prerequisites its product type declares."""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy.orm import Session

from core.languages import say
from core.models.accounts import Account
from core.models.catalog import Plan
from core.plugins import product_types
from core.products import PurchaseContext
from core.services.pricing import root_distributor_id


def purchase_blockers(session: Session, buyer: Account, plans: Iterable[Plan]) -> dict[int, list[str]]:
    """Return, for each plan, why ``buyer`` may not buy it yet, for a person to act on (empty
    when it may)."""
    declared = product_types()
    distributor = session.get(Account, root_distributor_id(buyer))
    blockers: dict[int, list[str]] = {}
    for plan in plans:
        found = declared.get(plan.product.key)
        if found is None:
            blockers[plan.id] = [say("%(product)s is no longer supplied by any plugin.", product=plan.product.said_name)]
            continue
        product_type = found[1]
        context = PurchaseContext(buyer=buyer, distributor=distributor, plan=product_type.plan(plan.code))  # type: ignore[arg-type]
        blockers[plan.id] = product_type.unmet_prerequisites(context)
    return blockers

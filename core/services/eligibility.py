"""Whether a buyer may buy a plan: the prerequisites its product type declares."""

from __future__ import annotations

from sqlalchemy.orm import Session

from core.models.accounts import Account
from core.models.catalog import Plan
from core.plugins import product_types
from core.products import PurchaseContext
from core.services.pricing import root_distributor_id


def purchase_blockers(session: Session, buyer: Account, plan: Plan) -> list[str]:
    """Return the reasons ``buyer`` may not buy ``plan`` yet, for a person to act on; none when it may."""
    declared = product_types().get(plan.product.key)
    if declared is None:
        return [f"{plan.product.name} is no longer supplied by any plugin."]
    product_type = declared[1]
    distributor = session.get(Account, root_distributor_id(buyer))
    context = PurchaseContext(buyer=buyer, distributor=distributor, plan=product_type.plan(plan.code))  # type: ignore[arg-type]
    return product_type.unmet_prerequisites(context)

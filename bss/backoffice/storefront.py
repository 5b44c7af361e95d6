"""A seller's storefront in the back office: whether it is live, and the plans that decide it."""

from __future__ import annotations

from flask import render_template
from flask_login import login_required

from bss.auth import acting_account
from bss.backoffice import bp
from bss.extensions import db
from core.errors import NotFoundError
from core.links import links
from core.models.accounts import AccountKind
from core.services.eligibility import purchase_blockers
from core.services.entitlements import OWN_STOREFRONT
from core.services.pricing import resolve_prices
from core.services.storefronts import storefront_of, storefront_plans, storefront_subscription


@bp.get("/storefront")
@login_required
def storefront() -> str:
    account = acting_account()
    if account.kind is not AccountKind.RESELLER:
        raise NotFoundError("Storefronts come with reseller plans: this page is for resellers.")
    plans = storefront_plans(db.session, account)
    features = sorted({name for plan in plans for name in plan.features} - {OWN_STOREFRONT})
    return render_template(
        "backoffice/storefront.html",
        account=account,
        storefront=storefront_of(db.session, account),
        address=links.storefront(account.slug),
        subscription=storefront_subscription(db.session, account),
        plans=plans,
        features=[OWN_STOREFRONT, *features],
        prices=resolve_prices(db.session, account, plans),
        blockers=purchase_blockers(db.session, account, plans),
    )

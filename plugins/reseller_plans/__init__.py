"""Reseller plans: Basic, Free and Standard, sold to resellers as subscriptions like any product.

Buying Free or Standard switches on the reseller's own white-label storefront. The plans'
differences are declared here as features, never tested for by plan code elsewhere.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping

from sqlalchemy.orm import Session

from core.clock import utcnow
from core.models.accounts import Account
from core.models.catalog import BillingPeriod
from core.plugins import hookimpl
from core.product_lifecycle import LifecycleRequest, Result
from core.products import PlanSpec, ProductType, PurchaseContext, Unit

#: The distributor tiers whose resellers may have a storefront of their own.
STOREFRONT_TIERS = ("diamond", "diamond-distribution")
STOREFRONT_ADDON = "standard-edition-resellers"


def reselling_enabled(context: PurchaseContext) -> str | None:
    if context.buyer.reselling_enabled:
        return None
    return f"{context.buyer.name} does not have reselling enabled: its seller must tick \"Enable Reselling\" first."


def distributor_tier(context: PurchaseContext) -> str | None:
    if not context.plan.features.get("own_storefront") or context.distributor.tier in STOREFRONT_TIERS:
        return None
    return (f"{context.distributor.name} is on the {context.distributor.tier or 'no'} tier: own storefronts need "
            "Diamond or Diamond with Distribution Rights.")


def storefront_addon(context: PurchaseContext) -> str | None:
    if not context.plan.features.get("own_storefront") or STOREFRONT_ADDON in context.distributor.addons:
        return None
    return f"{context.distributor.name} does not have the {STOREFRONT_ADDON} add-on active."


def service_manager(context: PurchaseContext) -> str | None:
    if not context.plan.features.get("own_storefront") or context.distributor.service_manager_active:
        return None
    return f"{context.distributor.name} has not activated the Service Manager."


class ResellerPlan(ProductType):
    key = "reseller-plan"
    name = {"en": "Reseller plan", "fr": "Forfait revendeur"}
    description = {
        "en": "What a reseller can do on the platform: shop at wholesale, or run its own storefront.",
        "fr": "Ce qu'un revendeur peut faire sur la plateforme : acheter en gros, ou tenir sa propre boutique.",
    }
    unit = "licence"
    unit_words = Unit(one={"en": "licence", "fr": "licence"}, other={"en": "licences", "fr": "licences"})
    #: A reseller is on one plan at a time: ordering another plan upgrades or downgrades it.
    one_subscription_per_account = True
    #: Every reselling-enabled account has Basic from the start; cancelling Free or Standard
    #: takes it back to Basic.
    starter_plan = "basic"
    cancel_to = "basic"
    prerequisites = (reselling_enabled, distributor_tier, storefront_addon, service_manager)
    plans = (
        PlanSpec(
            code="basic",
            name="Basic",
            billing_period=BillingPeriod.MONTHLY,
            rank=10,
            features={"own_storefront": False, "custom_domain": False, "theme_choice": False, "api_access": False,
                      "own_sender_name": False, "fast_track_support": False},
        ),
        PlanSpec(
            code="free",
            name="Free",
            billing_period=BillingPeriod.MONTHLY,
            rank=20,
            features={"own_storefront": True, "custom_domain": False, "theme_choice": False, "api_access": False,
                      "own_sender_name": False, "fast_track_support": False},
        ),
        PlanSpec(
            code="standard",
            name="Standard",
            billing_period=BillingPeriod.MONTHLY,
            rank=30,
            features={"own_storefront": True, "custom_domain": True, "theme_choice": True, "api_access": True,
                      "own_sender_name": True, "fast_track_support": True},
        ),
    )


    def activate(self, request: LifecycleRequest) -> Result:
        return Result.done(data={"licence": _licence(request, request.plan_code)})

    def change(self, request: LifecycleRequest) -> Result:
        return Result.done(data={"licence": _licence(request, request.new_plan_code or request.plan_code)})


def _licence(request: LifecycleRequest, plan_code: str) -> dict[str, str]:
    """The reseller's licence for ``plan_code``: its key is derived from the request, so a repeated
    call issues the same one."""
    digest = hashlib.sha256(request.idempotency_key.encode()).hexdigest()[:16].upper()
    key = "-".join(["RSL", *(digest[n:n + 4] for n in range(0, 16, 4))])
    return {"plan": plan_code, "key": key, "valid_from": utcnow().isoformat()}


@hookimpl
def register_product_types() -> list[ProductType]:
    return [ResellerPlan()]


@hookimpl
def load_demo_data(session: Session, accounts: Mapping[str, Account]) -> None:
    from plugins.reseller_plans import demo  # it needs ResellerPlan, defined above

    demo.load_demo_prices(session, accounts)


@hookimpl(tryfirst=True)  # resellers on their plans before the other products' demo orders
def load_demo_activity(session: Session, accounts: Mapping[str, Account]) -> None:
    from plugins.reseller_plans import demo

    demo.load_demo_orders(session, accounts)

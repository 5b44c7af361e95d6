"""Reseller plans: Basic, Free and Standard, sold to resellers as subscriptions like any product.

Buying Free or Standard switches on the reseller's own white-label storefront. The plans'
differences are declared here as features, never tested for by plan code elsewhere.
"""

from __future__ import annotations

from core.models.catalog import BillingPeriod
from core.plugins import hookimpl
from core.products import PlanSpec, ProductType


class ResellerPlan(ProductType):
    key = "reseller-plan"
    name = "Reseller plan"
    description = "What a reseller can do on the platform: shop at wholesale, or run its own storefront."
    unit = "licence"
    plans = (
        PlanSpec(
            code="basic",
            name="Basic",
            billing_period=BillingPeriod.MONTHLY,
            rank=10,
            features={"own_storefront": False, "custom_domain": False, "theme_choice": False, "api_access": False},
        ),
        PlanSpec(
            code="free",
            name="Free",
            billing_period=BillingPeriod.MONTHLY,
            rank=20,
            features={"own_storefront": True, "custom_domain": False, "theme_choice": False, "api_access": False},
        ),
        PlanSpec(
            code="standard",
            name="Standard",
            billing_period=BillingPeriod.MONTHLY,
            rank=30,
            features={"own_storefront": True, "custom_domain": True, "theme_choice": True, "api_access": True},
        ),
    )


@hookimpl
def register_product_types() -> list[ProductType]:
    return [ResellerPlan()]

"""A fake product plugin, as a third party would write one."""

from __future__ import annotations

from core.models.catalog import BillingPeriod
from core.plugins import hookimpl
from core.products import PlanSpec, ProductType


class FakeProduct(ProductType):
    key = "fake-product"
    name = "Fake product"
    description = "A product that exists only in tests."
    unit = "widget"
    plans = (
        PlanSpec(code="small", name="Small", billing_period=BillingPeriod.MONTHLY, rank=10),
        PlanSpec(code="large", name="Large", billing_period=BillingPeriod.YEARLY, rank=20, trial_days=30,
                 features={"widgets": 100}),
    )


class FakePlugin:
    """Declares ``FakeProduct``; a test may swap the product types it returns."""

    name = "fake"
    __version__ = "9.9.9"

    def __init__(self) -> None:
        self.product_types: list[ProductType] = [FakeProduct()]

    @hookimpl
    def register_product_types(self) -> list[ProductType]:
        return list(self.product_types)

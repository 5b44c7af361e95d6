"""A fake product plugin, as a third party would write one, and the fake vendor behind it."""

from __future__ import annotations

from collections.abc import Callable

from core.models.catalog import BillingPeriod
from core.money import Money
from core.plugins import forget_registry, hookimpl
from core.product_lifecycle import LifecycleAction, LifecycleRequest, Result
from core.products import PlanSpec, ProductType

#: A scripted answer: a ``Result``, an exception to raise, or a function of the request.
Answer = Result | Exception | Callable[[LifecycleRequest], Result]


class FakeVendor:
    """Stands in for a vendor's API: it acts once per idempotency key, and answers as scripted.

    ``effects`` holds what the vendor really did, by idempotency key: a request carried out
    twice would show there twice. ``script[action]`` lists answers to give, in turn, before
    the vendor does the work.
    """

    def __init__(self) -> None:
        self.calls: list[tuple[LifecycleAction, int, bool]] = []
        self.effects: dict[str, list[LifecycleAction]] = {}
        self.script: dict[LifecycleAction, list[Answer]] = {}

    def answer(self, action: LifecycleAction, *answers: Answer) -> None:
        self.script.setdefault(action, []).extend(answers)

    def handle(self, request: LifecycleRequest, polling: bool = False) -> Result:
        self.calls.append((request.action, request.id, polling))
        scripted = self.script.get(request.action)
        if scripted:
            answer = scripted.pop(0)
            if isinstance(answer, Exception):
                raise answer
            return answer(request) if callable(answer) else answer
        done = self.effects.setdefault(request.idempotency_key, [])
        if not done:
            done.append(request.action)
        return Result.done(data={"vendor_id": f"fake-{request.subscription_id}"})

    def actions_done(self) -> list[LifecycleAction]:
        return [action for actions in self.effects.values() for action in actions]


class FakeProduct(ProductType):
    key = "fake-product"
    name = "Fake product"
    description = "A product that exists only in tests."
    unit = "widget"
    plans = (
        PlanSpec(code="small", name="Small", billing_period=BillingPeriod.MONTHLY, rank=10,
                 cost_price=Money("10.00", "EUR")),
        PlanSpec(code="large", name="Large", billing_period=BillingPeriod.YEARLY, rank=20, trial_days=30,
                 features={"widgets": 100}, cost_price=Money("100.00", "EUR")),
    )

    def __init__(self, vendor: FakeVendor | None = None) -> None:
        self.vendor = vendor or FakeVendor()

    def activate(self, request: LifecycleRequest) -> Result:
        return self.vendor.handle(request)

    def change(self, request: LifecycleRequest) -> Result:
        return self.vendor.handle(request)

    def suspend(self, request: LifecycleRequest) -> Result:
        return self.vendor.handle(request)

    def resume(self, request: LifecycleRequest) -> Result:
        return self.vendor.handle(request)

    def cancel(self, request: LifecycleRequest) -> Result:
        return self.vendor.handle(request)

    def renew(self, request: LifecycleRequest) -> Result:
        return self.vendor.handle(request)

    def poll(self, request: LifecycleRequest) -> Result:
        return self.vendor.handle(request, polling=True)


class FakePlugin:
    """Declares ``FakeProduct``; a test may swap the product types it returns."""

    name = "fake"
    __version__ = "9.9.9"

    def __init__(self) -> None:
        self.vendor = FakeVendor()
        self._product_types: list[ProductType] = [FakeProduct(self.vendor)]

    @property
    def product_types(self) -> list[ProductType]:
        return self._product_types

    @product_types.setter
    def product_types(self, declared: list[ProductType]) -> None:
        # A real plugin declares its product types once; this one changes them while registered.
        self._product_types = declared
        forget_registry()

    @hookimpl
    def register_product_types(self) -> list[ProductType]:
        return list(self.product_types)

"""What a product plugin declares: product types and their plans.

A plugin returns ``ProductType`` instances from its ``register_product_types`` hook. The
declaration is data; ``cascade catalog sync`` copies it into ``Product`` and ``Plan`` rows.
Later parts of the lifecycle (activate, suspend, ...) are methods of the same object, so one
owner decides for each product.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any

from core.models.catalog import BillingPeriod
from core.money import Money

_KEY = re.compile(r"^[a-z][a-z0-9_-]{1,79}$")


def _check_key(kind: str, value: str) -> None:
    if not _KEY.match(value):
        raise ValueError(
            f"{kind} {value!r}: use 2-80 lowercase letters, digits, '-' or '_', starting with a letter"
        )


@dataclass(frozen=True)
class PlanSpec:
    """One plan of a product type, as its plugin declares it."""

    code: str
    name: str
    billing_period: BillingPeriod
    #: Orders plans for upgrade and downgrade: a higher rank is an upgrade.
    rank: int
    term_months: int = 0
    trial_days: int = 0
    features: Mapping[str, Any] = field(default_factory=dict)
    #: The vendor's suggested cost of one unit for one billing period, if the vendor charges.
    cost_price: Money | None = None

    def __post_init__(self) -> None:
        _check_key("plan code", self.code)
        object.__setattr__(self, "billing_period", BillingPeriod(self.billing_period))
        if self.term_months < 0 or self.trial_days < 0:
            raise ValueError(f"plan {self.code!r}: term_months and trial_days cannot be negative")
        object.__setattr__(self, "features", MappingProxyType(dict(self.features)))


class ProductType:
    """Base class of the product types plugins supply; subclasses set the class attributes."""

    #: Stable identifier, never changed once published (it keys the ``products`` row).
    key: str
    name: str
    description: str = ""
    #: What one unit of an order line's quantity is.
    unit: str = "unit"
    plans: tuple[PlanSpec, ...] = ()

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        _check_key("product type key", cls.key)
        codes = [plan.code for plan in cls.plans]
        duplicates = sorted({code for code in codes if codes.count(code) > 1})
        if duplicates:
            raise ValueError(f"product type {cls.key!r}: duplicate plan codes {duplicates}")

    def __repr__(self) -> str:
        return f"<ProductType {self.key}>"

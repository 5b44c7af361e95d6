"""Microsoft 365 seats, with end customers managing their own users from their reseller's portal."""

from __future__ import annotations

from core.models.catalog import BillingPeriod
from core.money import Money
from core.plugins import hookimpl
from core.products import PlanSpec, ProductType


class Microsoft365(ProductType):
    key = "microsoft-365"
    name = "Microsoft 365"
    description = {
        "en": "Office apps, mail and collaboration for businesses, sold per seat.",
        "fr": "Les applications Office, la messagerie et le travail d'équipe pour les entreprises, par utilisateur.",
    }
    unit = "seat"
    plans = (
        PlanSpec(code="exchange-online", name="Exchange Online (Plan 1)", billing_period=BillingPeriod.MONTHLY, rank=5, term_months=12, cost_price=Money("3.40", "EUR")),
        PlanSpec(code="business-basic", name="Microsoft 365 Business Basic", billing_period=BillingPeriod.MONTHLY, rank=10, term_months=12, cost_price=Money("5.10", "EUR")),
        PlanSpec(code="business-standard", name="Microsoft 365 Business Standard", billing_period=BillingPeriod.MONTHLY, rank=20, term_months=12, cost_price=Money("10.50", "EUR")),
        PlanSpec(code="business-premium", name="Microsoft 365 Business Premium", billing_period=BillingPeriod.MONTHLY, rank=30, term_months=12, cost_price=Money("18.70", "EUR")),
    )


@hookimpl
def register_product_types() -> list[ProductType]:
    return [Microsoft365()]

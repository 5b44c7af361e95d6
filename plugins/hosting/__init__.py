"""Web hosting from trial to live, and domain names registered with the reseller in the loop."""

from __future__ import annotations

from core.models.catalog import BillingPeriod
from core.money import Money
from core.plugins import hookimpl
from core.products import PlanSpec, ProductType


class WebHosting(ProductType):
    key = "web-hosting"
    name = {"en": "Web hosting", "fr": "Hébergement web"}
    description = {
        "en": "Websites on a managed hosting panel, from free trial to live.",
        "fr": "Des sites sur un panneau d'hébergement géré, de l'essai gratuit à la mise en ligne.",
    }
    unit = "package"
    plans = (
        PlanSpec(code="starter", name="Starter", billing_period=BillingPeriod.MONTHLY, rank=10, trial_days=14, features={"sites": 1, "storage_gb": 10}, cost_price=Money("2.00", "EUR")),
        PlanSpec(code="business", name="Business", billing_period=BillingPeriod.MONTHLY, rank=20, trial_days=14, features={"sites": 5, "storage_gb": 50}, cost_price=Money("6.00", "EUR")),
        PlanSpec(code="pro", name="Pro", billing_period=BillingPeriod.MONTHLY, rank=30, trial_days=14, features={"sites": 25, "storage_gb": 200}, cost_price=Money("15.00", "EUR")),
    )


class DomainName(ProductType):
    key = "domain-name"
    name = {"en": "Domain name", "fr": "Nom de domaine"}
    description = {
        "en": "Register, renew and transfer domain names.",
        "fr": "Enregistrer, renouveler et transférer des noms de domaine.",
    }
    unit = "domain"
    #: A domain is renewed when its owner pays for it (or its reseller sets it to renew by itself).
    manual_renewal = True
    plans = (
        PlanSpec(code="registration", name="Registration", billing_period=BillingPeriod.YEARLY, rank=10, term_months=12,
                 cost_price=Money("8.00", "EUR")),
    )


@hookimpl
def register_product_types() -> list[ProductType]:
    return [WebHosting(), DomainName()]

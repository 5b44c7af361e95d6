"""The Cloud backup product: a vault per subscription, sized by its plan.

The vendor here is imaginary and instant: activating a vault names it from the request, so a
repeated call answers the same vault. A plugin with a real vendor calls it through the plugin
kit's ``VendorClient`` instead, and ships a simulator of it.
"""

from __future__ import annotations

import hashlib

from core.models.catalog import BillingPeriod
from core.money import Money
from core.product_lifecycle import LifecycleRequest, Result
from core.products import PlanSpec, ProductType, Unit

KEY = "cloud-backup"


class CloudBackup(ProductType):
    key = KEY
    name = {"en": "Cloud backup", "fr": "Sauvegarde en ligne"}
    description = {
        "en": "Off-site backups of your computers and servers, restored on request.",
        "fr": "Des sauvegardes hors site de vos ordinateurs et serveurs, restaurées sur demande.",
    }
    unit = "vault"
    unit_words = Unit(one={"en": "vault", "fr": "coffre"}, other={"en": "vaults", "fr": "coffres"})
    feature_words = {"gigabytes": {"en": "Gigabytes", "fr": "Gigaoctets"}}
    plans = (
        PlanSpec("vault-100", {"en": "Vault 100 GB", "fr": "Coffre 100 Go"}, BillingPeriod.MONTHLY, rank=1,
                 features={"gigabytes": 100},
                 cost_price=Money("3.00", "EUR")),
        PlanSpec("vault-1000", {"en": "Vault 1 TB", "fr": "Coffre 1 To"}, BillingPeriod.MONTHLY, rank=2,
                 features={"gigabytes": 1000},
                 cost_price=Money("20.00", "EUR")),
    )

    def activate(self, request: LifecycleRequest) -> Result:
        digest = hashlib.sha256(request.idempotency_key.encode()).hexdigest()[:12]
        return Result.done(data={"vault": f"vault-{digest}"})

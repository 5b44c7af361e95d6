"""The "Web hosting" product: packages on the hosting panel, monthly or yearly.

Each plan is a panel package (its sites and storage are plan features); a subscription is one
panel account, named after the subscription under its seller's prefix (``bright42``), whose
primary domain is the site's address given as ``params.domain``. A paid order starts at once:
free trials are started by the websites' service (``plugins.hosting.websites``), never by an order.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

import marshmallow

from core.domain_names import to_unicode
from core.models.catalog import BillingPeriod
from core.money import Money
from core.product_lifecycle import LifecycleRequest, Result
from core.products import PlanSpec, ProductType, Unit
from plugin_kit.naming import vendor_login
from plugin_kit.vendor_http import VendorError
from plugins.hosting.domain_names import DomainNameField
from plugins.hosting.panel import HostingPanel, PanelAccount, http_panel

#: A year paid up front costs ten months.
YEARLY_MONTHS = 10

#: The panel's packages: code, name, rank, sites, storage in GB and the vendor's monthly cost.
_PACKAGES = (
    ("starter", "Starter", 10, 1, 10, "2.00"),
    ("business", "Business", 20, 5, 50, "6.00"),
    ("pro", "Pro", 30, 25, 200, "15.00"),
)


class HostingParams(marshmallow.Schema):
    """``params`` of a hosting order line: the address of the site it hosts first."""

    domain = DomainNameField(required=True, metadata={
        "label": {"en": "Site address", "fr": "Adresse du site"},
        "description": {"en": "The address of the first site it hosts, such as www.example.com: the hosting account's "
                              "main domain.",
                        "fr": "L'adresse du premier site qu'il héberge, par exemple www.example.com : le domaine "
                              "principal du compte d'hébergement."}})


def _plans() -> tuple[PlanSpec, ...]:
    plans = []
    for code, name, rank, sites, storage, monthly in _PACKAGES:
        features = {"sites": sites, "storage_gb": storage}
        plans.append(PlanSpec(code=code, name=name, billing_period=BillingPeriod.MONTHLY, rank=rank,
                              features=features, cost_price=Money(monthly, "EUR"), params=HostingParams))
        plans.append(PlanSpec(code=f"{code}-yearly", name={"en": f"{name} yearly", "fr": f"{name} annuel"},
                              billing_period=BillingPeriod.YEARLY,
                              rank=rank + 1, term_months=12, features=features,
                              cost_price=Money(monthly, "EUR") * YEARLY_MONTHS, params=HostingParams))
    return tuple(plans)


#: The panel package of each plan: a yearly plan is the same package, paid by the year.
PACKAGE_OF = {plan.code: plan.code.removesuffix("-yearly") for plan in _plans()}


class WebHosting(ProductType):
    key = "web-hosting"
    name = {"en": "Web hosting", "fr": "Hébergement web"}
    description = {
        "en": "Websites on a managed hosting panel, from free trial to live.",
        "fr": "Des sites sur un panneau d'hébergement géré, de l'essai gratuit à la mise en ligne.",
    }
    unit = "package"
    unit_words = Unit(one={"en": "package", "fr": "formule"}, other={"en": "packages", "fr": "formules"})
    feature_words = {"sites": {"en": "Sites", "fr": "Sites"}, "storage_gb": {"en": "Storage GB", "fr": "Stockage (Go)"}}
    plans = _plans()

    def __init__(self, panel: Callable[[], HostingPanel] = http_panel) -> None:
        #: Builds the panel connector for each call (an adapter for a real panel goes here).
        self.panel = panel

    def label(self, params: Mapping[str, Any]) -> str:
        return to_unicode(params["domain"]) if params.get("domain") else ""

    def activate(self, request: LifecycleRequest) -> Result:
        # Kept as the panel answers it: a repeated key gets the account opened first, even under a prefix changed since.
        return self._at_panel(lambda panel: panel.create_account(
            username=vendor_login(request.seller, request.subscription_id), domain=request.params["domain"],
            package=PACKAGE_OF[request.plan_code], key=request.idempotency_key),
            kept=lambda account: {"panel_username": account.username})

    def change(self, request: LifecycleRequest) -> Result:
        package = PACKAGE_OF[request.new_plan_code or request.plan_code]
        return self._at_panel(lambda panel: panel.change_package(
            request.data["panel_username"], package, key=request.idempotency_key))

    def suspend(self, request: LifecycleRequest) -> Result:
        return self._at_panel(lambda panel: panel.suspend(
            request.data["panel_username"], reason=request.reason or "", key=request.idempotency_key))

    def resume(self, request: LifecycleRequest) -> Result:
        return self._at_panel(lambda panel: panel.unsuspend(request.data["panel_username"], key=request.idempotency_key))

    def cancel(self, request: LifecycleRequest) -> Result:
        if "panel_username" not in request.data:
            return Result.done()  # never opened at the panel
        return self._at_panel(lambda panel: panel.terminate(request.data["panel_username"], key=request.idempotency_key))

    def _at_panel(self, call: Callable[[HostingPanel], PanelAccount | None],
                  kept: Callable[[PanelAccount], Mapping[str, Any]] | None = None) -> Result:
        try:
            account = call(self.panel())
        except VendorError as error:
            if error.retryable:
                raise  # the core tries again later
            return Result.failed(f"The hosting panel refused: {error.message}")
        return Result.done(data=kept(account) if kept and account else None)

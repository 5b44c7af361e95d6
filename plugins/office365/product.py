"""The "Microsoft 365" product: its plans, what an order of it names, and its lifecycle at Microsoft.

Each plan is one of Microsoft's offers, sold in seats (an order line's quantity) on a yearly
commitment billed monthly. Activating a subscription creates the customer's tenant if it has
none yet, then a subscription of the offer with the seats bought; changes, suspensions and
cancellations go to the same subscription at Microsoft.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from decimal import Decimal
from typing import Any

import marshmallow
from marshmallow import fields, validate
from sqlalchemy.orm import Session

from core.models.accounts import Account
from core.models.catalog import BillingPeriod
from core.money import Money
from core.product_lifecycle import AccountRef, LifecycleRequest, Result
from core.product_users import UserDirectory
from core.products import Cancellation, OrderLineContext, ParamField, PlanChange, PlanSpec, ProductType, Timing, Unit
from plugin_kit.vendor_http import VendorError
from plugins.office365.connector import Office365Client
from plugins.office365.offers import MONTHLY, offer_of, term_duration
from plugins.office365.policy import CommercePolicy
from plugins.office365.settings import load_settings
from plugins.office365.tenants import MAX_PREFIX, ask_microsoft, initial_domain, prefix_problem, reserve_tenant, tenant_of
from plugins.office365.users import Office365Users


class TenantPrefix(fields.String):
    """A tenant's domain prefix as people type it: spaces around it dropped, in lower case."""

    def _deserialize(self, value: Any, attr: str | None, data: Mapping[str, Any] | None, **kwargs: Any) -> str:
        prefix = super()._deserialize(value, attr, data, **kwargs).strip().lower()
        if problem := prefix_problem(prefix):
            raise marshmallow.ValidationError(problem)
        return prefix


class Microsoft365Params(marshmallow.Schema):
    #: Only a customer's first purchase names it: later ones reuse the customer's tenant.
    tenant_prefix = TenantPrefix(load_default=None, validate=validate.Length(max=MAX_PREFIX), metadata={
        "label": {"en": "Tenant prefix", "fr": "Préfixe du tenant"},
        "description": {
            "en": "Your new Microsoft 365 tenant's domain is <prefix>.onmicrosoft.com: letters and digits, at most 27. "
                  "Only for a first purchase: later ones use the same tenant.",
            "fr": "Le domaine de votre nouveau tenant Microsoft 365 est <préfixe>.onmicrosoft.com : lettres et chiffres, "
                  "27 au plus. Seulement pour un premier achat : les suivants utilisent le même tenant.",
        }})


#: Each offer's name, rank and Microsoft's suggested cost of a seat a month on the yearly commitment.
_YEARLY_PLANS = (
    ("exchange-online", "Exchange Online (Plan 1)", 10, "3.40"),
    ("business-basic", "Microsoft 365 Business Basic", 20, "5.10"),
    ("business-standard", "Microsoft 365 Business Standard", 30, "10.50"),
    ("business-premium", "Microsoft 365 Business Premium", 40, "18.70"),
)


def _plans() -> tuple[PlanSpec, ...]:
    """Each offer on a yearly commitment and on a monthly one, a fifth dearer and ranked just below it
    (committing for the year is an upgrade)."""
    plans = []
    for code, name, rank, cost in _YEARLY_PLANS:
        plans.append(PlanSpec(code=code, name=name, billing_period=BillingPeriod.MONTHLY, rank=rank, term_months=12,
                              cost_price=Money(cost, "EUR"), params=Microsoft365Params))
        plans.append(PlanSpec(code=code + MONTHLY, name={"en": f"{name}, monthly commitment",
                                                         "fr": f"{name}, engagement mensuel"},
                              billing_period=BillingPeriod.MONTHLY,
                              rank=rank - 1, term_months=1, cost_price=(Money(cost, "EUR") * Decimal("1.2")).rounded(),
                              params=Microsoft365Params))
    return tuple(plans)


class Microsoft365(ProductType):
    key = "microsoft-365"
    name = "Microsoft 365"
    description = {
        "en": "Office apps, mail and collaboration for businesses, sold per seat.",
        "fr": "Les applications Office, la messagerie et le travail d'équipe pour les entreprises, par utilisateur.",
    }
    unit = "seat"
    unit_words = Unit(one={"en": "seat", "fr": "siège"}, other={"en": "seats", "fr": "sièges"})
    plans = _plans()

    def ask_vendor(self, plan_code: str, params: Mapping[str, Any]) -> dict[str, Any]:
        """Whether the tenant prefix the line names is still free at Microsoft."""
        prefix = params.get("tenant_prefix")
        return ask_microsoft(prefix) if prefix else {}

    def accept_params(self, line: OrderLineContext) -> dict[str, Any]:
        """The customer's tenant: the one it has, or a new one whose prefix is free at Microsoft."""
        tenant = reserve_tenant(line.session, line.owner, line.params.get("tenant_prefix"), line.vendor_answers)
        return {**line.params, "tenant_prefix": tenant.domain_prefix}

    def asked_params(self, session: Session, owner: Account, plan_code: str) -> list[ParamField]:
        """No tenant prefix for an account that has its tenant already: its seats go there."""
        fields = super().asked_params(session, owner, plan_code)
        return [field for field in fields if field.key != "tenant_prefix"] if tenant_of(session, owner) else fields

    def label(self, params: Mapping[str, Any]) -> str:
        """The tenant the seats are in: ``harbourdental.onmicrosoft.com``."""
        return initial_domain(params["tenant_prefix"]) if params.get("tenant_prefix") else ""

    def change_timing(self, change: PlanChange) -> Timing:
        return CommercePolicy.from_settings(load_settings()).change_timing(change)

    def cancel_timing(self, cancellation: Cancellation) -> Timing:
        return CommercePolicy.from_settings(load_settings()).cancel_timing(cancellation)

    def user_directory(self) -> UserDirectory:
        return Office365Users()

    def activate(self, request: LifecycleRequest) -> Result:
        domain = initial_domain(request.params["tenant_prefix"])

        def set_up(client: Office365Client) -> dict[str, Any]:
            customer = client.find_customer(domain) or client.create_customer(
                domain=domain, company_name=request.owner.name, request_key=f"{request.idempotency_key}:customer")
            subscription = client.create_subscription(
                customer.id, offer_id=offer_of(request.plan_code).offer_id, quantity=request.quantity,
                term_duration=term_duration(self.plan(request.plan_code).term_months),
                partner_id=partner_of_record(request.seller), request_key=f"{request.idempotency_key}:subscription")
            return {"customer_id": customer.id, "tenant_domain": customer.domain,
                    "vendor_subscription_id": subscription.id}

        return _at_microsoft(request, set_up)

    def change(self, request: LifecycleRequest) -> Result:
        old, new = self.plan(request.plan_code), self.plan(request.new_plan_code or request.plan_code)
        changes = {"quantity": request.new_quantity}
        if offer_of(new.code) != offer_of(old.code):
            changes["offer_id"] = offer_of(new.code).offer_id
        if new.term_months != old.term_months:
            changes["term_duration"] = term_duration(new.term_months)
        return _at_microsoft(request, lambda client: _update(client, request, **changes))

    def suspend(self, request: LifecycleRequest) -> Result:
        return _at_microsoft(request, lambda client: _update(client, request, status="suspended"))

    def resume(self, request: LifecycleRequest) -> Result:
        return _at_microsoft(request, lambda client: _update(client, request, status="active"))

    def cancel(self, request: LifecycleRequest) -> Result:
        if "vendor_subscription_id" not in request.data:
            return Result.done()  # never set up at Microsoft: nothing to end there
        return _at_microsoft(request, lambda client: _update(client, request, status="deleted"))

    def transfer(self, request: LifecycleRequest) -> Result:
        """Its account moved to another seller: Microsoft records the new reseller of record."""
        if "vendor_subscription_id" not in request.data:
            return Result.done()
        return _at_microsoft(request, lambda client: _update(client, request, partner_id=partner_of_record(request.seller)))


def partner_of_record(seller: AccountRef) -> str:
    """The indirect reseller Microsoft records for a subscription ``seller`` sells: the reseller, by its
    Cascade reference; none (empty) where the distributor sells it directly."""
    return "" if seller.distributor else seller.slug


def _update(client: Office365Client, request: LifecycleRequest, **changes: Any) -> dict[str, Any]:
    client.update_subscription(request.data["customer_id"], request.data["vendor_subscription_id"], **changes)
    return {}


def _at_microsoft(request: LifecycleRequest, act: Callable[[Office365Client], dict[str, Any]]) -> Result:
    """Do ``act`` with a client of the configured Microsoft; a refusal fails the request with its words.

    Timeouts and Microsoft's own failures are retryable ``VendorError``s, left for the core to retry.
    """
    try:
        return Result.done(data=act(Office365Client(load_settings())))
    except VendorError as error:
        if error.retryable:
            raise
        return Result.failed(f"Microsoft refused to {request.action} it: {error.message}")

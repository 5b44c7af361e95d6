"""The "Domain name" product: register, transfer in and renew names by the year, one plan per extension.

Each extension (TLD) is a plan of its own, ``com`` for ``.com``, ``co-uk`` for ``.co.uk``, so
its price is set, marked up and tiered in the price lists like any plan's. The name is the
order line's ``params.domain_name`` (checked against the plan's extension and, before the
order's transaction opens, with the registrar for availability); a ``params.transfer_code``
transfers a name in from another registrar instead of registering it.

Who pays decides who acts. A reseller (or a distributor) that pays is billed later on its
account, so its registrations and renewals run at once. A customer pays its seller: the
registration, and every renewal the seller has not set to renew by itself, waits as a task
on the seller's list, naming the customer, the name and the amount, until the seller
confirms the payment. The registrant and technical contacts are the owner's reseller (the
owner itself when it resells), their handle under its prefix, and the name points at its vanity
nameservers when it has chosen some: WHOIS and DNS lead to it and never to the distributor.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

import marshmallow

from core.domain_names import to_unicode
from core.errors import ValidationError
from core.languages import say
from core.models.catalog import BillingPeriod
from core.money import Money
from core.plugins import product_types
from core.product_lifecycle import AccountRef, LifecycleRequest, ManualStep, Result, RetryableError
from core.products import OrderLineContext, PlanSpec, ProductType, Unit
from plugin_kit.naming import vendor_handle
from plugin_kit.vendor_http import VendorError
from plugins.hosting.domain_names import DomainNameField, registrable
from plugins.hosting.registrar import Contact, DomainRecord, Registrar, http_registrar

KEY = "domain-name"
#: The extensions registered, with the registrar's suggested yearly cost of each.
TLDS = {"com": "8.00", "net": "10.00", "org": "9.00", "eu": "6.00", "co.uk": "7.00", "io": "32.00"}
#: The manual step a customer's registration or renewal waits for.
CONFIRM_PAYMENT = "confirm-payment"


def plan_code(tld: str) -> str:
    return tld.replace(".", "-")


class _RegistrableName(DomainNameField):
    """A name to register under its schema's extension."""

    def check(self, name: str) -> str:
        return registrable(name, self.parent.tld, TLDS)  # type: ignore[union-attr]


class _DomainOrder(marshmallow.Schema):
    """``params`` of a domain order line; ``tld`` is set per plan by ``_order_schema``."""

    tld = ""
    domain_name = _RegistrableName(required=True, metadata={
        "label": {"en": "Domain name", "fr": "Nom de domaine"},
        "description": {"en": "The name to register, or to transfer in, under this plan's extension: example.com.",
                        "fr": "Le nom à enregistrer, ou à transférer, sous l'extension de cette offre : example.com."}})
    #: The auth (EPP) code the current registrar gave: present, the name is transferred in.
    transfer_code = marshmallow.fields.String(load_default=None, validate=marshmallow.validate.Length(6, 64), metadata={
        "label": {"en": "Transfer code", "fr": "Code de transfert"},
        "description": {"en": "Only to transfer in a name registered elsewhere: the auth (EPP) code its registrar gave.",
                        "fr": "Seulement pour transférer un nom enregistré ailleurs : le code d'autorisation (EPP) que "
                              "son registrar a donné."}})

    @marshmallow.post_load
    def _checked(self, data: dict[str, Any], **kwargs: Any) -> dict[str, Any]:
        if data.get("transfer_code") is None:
            data.pop("transfer_code", None)
        return data


def _order_schema(tld: str) -> type[marshmallow.Schema]:
    return type(f"DomainOrder_{plan_code(tld).replace('-', '_')}", (_DomainOrder,), {"tld": tld})


def installed() -> DomainName:
    """The installed domain product (a distributor's subclass with its own registrar, say)."""
    return product_types()[KEY][1]  # type: ignore[return-value]


class DomainName(ProductType):
    key = KEY
    name = {"en": "Domain name", "fr": "Nom de domaine"}
    description = {
        "en": "Register, renew and transfer domain names.",
        "fr": "Enregistrer, renouveler et transférer des noms de domaine.",
    }
    unit = "domain"
    unit_words = Unit(one={"en": "domain", "fr": "domaine"}, other={"en": "domains", "fr": "domaines"})
    fixed_quantity = True
    #: A domain is renewed when its owner pays for it (or its reseller sets it to renew by itself).
    manual_renewal = True
    plans = tuple(
        PlanSpec(code=plan_code(tld), name=f".{tld}", billing_period=BillingPeriod.YEARLY, rank=10 * n, term_months=12,
                 cost_price=Money(cost, "EUR"), params=_order_schema(tld))
        for n, (tld, cost) in enumerate(TLDS.items(), start=1)
    )

    def __init__(self, registrar: Callable[[], Registrar] = http_registrar) -> None:
        #: Builds the registrar connector for each call (an adapter for a real registrar goes here).
        self.registrar = registrar

    def label(self, params: Mapping[str, Any]) -> str:
        return to_unicode(params["domain_name"]) if params.get("domain_name") else ""

    def ask_vendor(self, plan_code: str, params: Mapping[str, Any]) -> dict[str, Any]:
        """Whether the name is free at the registrar: ``{"domain_name": ..., "available": bool}``, or
        ``"unknown"`` instead of ``"available"`` when the registrar could not say."""
        name = params["domain_name"]
        try:
            return {"domain_name": name, "available": self.registrar().check(name)}
        except (RetryableError, OSError, VendorError) as error:
            return {"domain_name": name, "unknown": str(error)}

    def accept_params(self, line: OrderLineContext) -> dict[str, Any]:
        """A free name is registered, a registered one transferred in: the registrar said which, before."""
        name, answer = line.params["domain_name"], line.vendor_answers
        if answer.get("domain_name") != name or "unknown" in answer:
            problem = say("The registrar could not be asked whether %(domain)s is free: try again in a minute.",
                          domain=to_unicode(name))
        elif "transfer_code" in line.params and answer["available"]:
            problem = say("%(domain)s is not registered anywhere: register it instead (leave the transfer code out).",
                          domain=to_unicode(name))
        elif "transfer_code" not in line.params and not answer["available"]:
            problem = say("%(domain)s is registered already: transfer it in with its auth code, "
                          "or choose another name.", domain=to_unicode(name))
        else:
            return dict(line.params)
        raise ValidationError({"params.domain_name": [problem]})

    def activate(self, request: LifecycleRequest) -> Result:
        name = request.params["domain_name"]
        transfer_code = request.params.get("transfer_code")
        if _waits_for_payment(request):
            verb = "Transfer in" if transfer_code else "Register"
            return Result.manual(_confirm_payment(request, f"{verb} {to_unicode(name)}"))
        reseller = whois_account(request)
        contact = _contact(reseller)
        try:
            if transfer_code:
                record = self.registrar().transfer(name, auth_code=transfer_code, registrant=contact, technical=contact,
                                                   nameservers=reseller.nameservers, key=request.idempotency_key)
            else:
                record = self.registrar().register(name, years=1, registrant=contact, technical=contact,
                                                   nameservers=reseller.nameservers, key=request.idempotency_key)
        except VendorError as error:
            if error.retryable:
                raise  # the core tries again later
            return Result.failed(f"The registrar refused {to_unicode(name)}: {error.message}")
        return _transferring(record) or Result.done(data=_kept(record))

    def poll(self, request: LifecycleRequest) -> Result:
        record = self.registrar().info(request.params["domain_name"])
        return _transferring(record) or Result.done(data=_kept(record))

    def renew(self, request: LifecycleRequest) -> Result:
        name = request.params["domain_name"]
        if _waits_for_payment(request) and not request.auto_renew:
            return Result.manual(_confirm_payment(request, f"Renew {to_unicode(name)}"))
        try:
            record = self.registrar().renew(name, years=1, key=request.idempotency_key)
        except VendorError as error:
            if error.retryable:
                raise
            return Result.failed(f"The registrar could not renew {to_unicode(name)}: {error.message}")
        return Result.done(data=_kept(record))

    def change(self, request: LifecycleRequest) -> Result:
        return Result.failed("A domain name keeps its extension: register the name under the other extension instead.")

    # Suspending or cancelling changes nothing at the registrar: a name that is not renewed
    # lapses there by itself, through its grace and redemption periods (``registrar``).


def whois_account(request: LifecycleRequest) -> AccountRef:
    """Whom WHOIS names for the domain: its owner's reseller, or the owner itself when it resells."""
    payer = request.payer or request.owner
    if request.owner.resells:
        return request.owner
    return payer if payer.id != request.owner.id else request.seller


def _waits_for_payment(request: LifecycleRequest) -> bool:
    """A customer pays its seller, who confirms the payment first (once per request)."""
    payer = request.payer or request.owner
    return not payer.resells and CONFIRM_PAYMENT not in request.completed_steps


def _confirm_payment(request: LifecycleRequest, what: str) -> ManualStep:
    amount = request.price or "the price"
    contact = whois_account(request)
    return ManualStep(
        key=CONFIRM_PAYMENT,
        title=f"{what} for {request.owner.name} once they have paid you {amount}",
        instructions=(f"{request.owner.name} asked you to {what[0].lower()}{what[1:]} for a year, for {amount}. "
                      "Check your bank account or card payments for it; once it has arrived, mark this task done and "
                      f"the registrar is asked at once, with {contact.name} as registrant and technical contact."),
    )


def _contact(account: AccountRef) -> Contact:
    """The registry contact of ``account`` (the reseller WHOIS names), its handle under its prefix, never the platform's."""
    return Contact(handle=vendor_handle(account, account.id), name=account.name)


def _transferring(record: DomainRecord) -> Result | None:
    if record.status != "pending_transfer":
        return None
    return Result.pending(f"The current registrar has to let {to_unicode(record.name)} go.", data=_kept(record))


def _kept(record: DomainRecord) -> dict[str, Any]:
    """What the domain's pages show without asking the registrar."""
    return {"registrar": {"status": record.status, "expires_at": record.expires_at.isoformat(),
                          "registrant": record.registrant.name, "nameservers": list(record.nameservers)}}

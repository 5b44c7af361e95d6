"""The two products: email security accounts, priced per user, and their extra domains, per domain.

An account (``email_security``) is one account at the email security service, keyed by its
customer's primary domain: the order line's quantity is its number of users (the seat limit the
service enforces), its plan the set of add-ons it has (``plugins.email_security.addons``), its
``params.domain`` the primary domain and ``params.extra_domains`` further domains to protect.
Extra domains are sold per domain (``email_security_domains``, one subscription per account, its
quantity the number of extra domains the account may have): the service adds at most that many,
as Office 365 gives at most as many licences as seats. An extra domain named before it is paid
for waits, and is added once it is.

Every change applies at once: more users or a new add-on is charged for the rest of the period,
fewer or an add-on dropped is credited back (``core.services.charges``), and cancelling now
credits the days left (``refunds_unused_time``).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from typing import Any

import marshmallow
from marshmallow import fields, validates_schema

from core.models.catalog import BillingPeriod
from core.money import Money
from core.product_lifecycle import LifecycleRequest, Result, RetryableError
from core.product_users import UserDirectory
from core.products import OrderLineContext, ParamField, PlanChange, PlanSpec, ProductType, Timing, Unit
from plugin_kit.vendor_http import VendorError
from plugins.email_security import reservations
from plugins.email_security.addons import (
    ACCOUNT_PRODUCT,
    ADDON_KEYS,
    ADDONS,
    DOMAINS_PRODUCT,
    FILTERING,
    every_set,
    services_of,
)
from plugins.email_security.connector import EmailSecurityClient, VendorAccount
from plugins.email_security.domain_names import DomainNameError, registrable, to_unicode
from plugins.email_security.texts import said
from plugins.email_security.users import EmailSecurityUsers

#: The most extra domains one order line names.
MAX_EXTRA_DOMAINS = 50
#: The service's suggested cost of an extra domain, per month.
EXTRA_DOMAIN_COST = Money("2.00", "EUR")


class DomainField(fields.String):
    """A domain of the customer's own as typed, loaded in its ASCII (IDNA) form."""

    def _deserialize(self, value: Any, attr: str | None, data: Mapping[str, Any] | None, **kwargs: Any) -> str:
        try:
            return registrable(super()._deserialize(value, attr, data, **kwargs))
        except DomainNameError as error:
            raise marshmallow.ValidationError(str(error)) from None


class DomainList(fields.Field):
    """Domains, as a list or as one text separated by commas, spaces or lines (what a form sends)."""

    def _deserialize(self, value: Any, attr: str | None, data: Mapping[str, Any] | None, **kwargs: Any) -> list[str]:
        items = _items(value, said("Give the domains as a list, or separated by commas."))
        if len(items) > MAX_EXTRA_DOMAINS:
            raise marshmallow.ValidationError(said("Name at most %(most)s extra domains in one order.",
                                                  most=MAX_EXTRA_DOMAINS))
        names, problems = [], []
        for item in items:
            try:
                names.append(registrable(item))
            except DomainNameError as error:
                problems.append(str(error))
        if problems:
            raise marshmallow.ValidationError(problems)
        return list(dict.fromkeys(names))


class ServiceList(fields.Field):
    """Add-on keys, as a list or as one text separated by commas or spaces."""

    def _deserialize(self, value: Any, attr: str | None, data: Mapping[str, Any] | None, **kwargs: Any) -> list[str]:
        items = _items(value, said("Give the services as a list of %(services)s.", services=", ".join(ADDON_KEYS)))
        unknown = [item for item in items if item not in (FILTERING.key, *ADDON_KEYS)]
        if unknown:
            raise marshmallow.ValidationError(said("%(unknown)s: choose among %(known)s.",
                                                  unknown=", ".join(unknown)[:200], known=", ".join(ADDON_KEYS)))
        return sorted(set(items) - {FILTERING.key}, key=ADDON_KEYS.index)


def _items(value: Any, problem: str) -> list[str]:
    if isinstance(value, str):
        return [item for item in value.replace(",", " ").split() if item]
    if isinstance(value, list | tuple) and all(isinstance(item, str) for item in value):
        return [item.strip() for item in value if item.strip()]
    raise marshmallow.ValidationError(problem)


class AccountParams(marshmallow.Schema):
    """``params`` of an account's order line."""

    domain = DomainField(required=True, metadata={
        "label": {"en": "Your domain", "fr": "Votre domaine"},
        "description": {"en": "The domain whose mail is protected, such as example.com. You publish its MX records "
                              "once the account is set up.",
                        "fr": "Le domaine dont le courrier est protégé, par exemple example.com. Vous publiez ses "
                              "enregistrements MX une fois le compte prêt."}})
    extra_domains = DomainList(load_default=list, metadata={
        "label": {"en": "Extra domains", "fr": "Domaines supplémentaires"},
        "description": {"en": "Other domains of yours to protect, separated by commas. Each is billed as an extra "
                              "domain: order them with the account.",
                        "fr": "Vos autres domaines à protéger, séparés par des virgules. Chacun est facturé comme "
                              "domaine supplémentaire : commandez-les avec le compte."}})
    #: The set of add-ons is the plan's: given, it must be the plan's (an API client's check).
    services = ServiceList(load_default=None)

    @validates_schema
    def primary_apart(self, data: dict[str, Any], **_: Any) -> None:
        if data.get("domain") and data["domain"] in data.get("extra_domains", ()):
            raise marshmallow.ValidationError(said("The primary domain is not an extra domain as well."),
                                              "extra_domains")


class ExtraDomainParams(marshmallow.Schema):
    """``params`` of an extra domains order line: the account they extend."""

    domain = DomainField(required=True, metadata={
        "label": {"en": "Your account's domain", "fr": "Le domaine de votre compte"},
        "description": {"en": "The primary domain of the email security account these extra domains are for.",
                        "fr": "Le domaine principal du compte de sécurité des e-mails auquel ces domaines s'ajoutent."}})


def _plans() -> tuple[PlanSpec, ...]:
    return tuple(PlanSpec(code=found.code, name=found.name, billing_period=BillingPeriod.MONTHLY, rank=rank,
                          features=found.features, cost_price=found.cost, params=AccountParams)
                 for rank, found in enumerate(every_set(), start=1))


class EmailSecurity(ProductType):
    key = ACCOUNT_PRODUCT
    name = {"en": "Email security", "fr": "Sécurité des e-mails"}
    description = {
        "en": "Spam and virus filtering for your domains, with hosted mailboxes, archiving and encryption "
              "when you want them. Priced per user.",
        "fr": "Le filtrage du spam et des virus pour vos domaines, avec boîtes aux lettres hébergées, archivage et "
              "chiffrement si vous le souhaitez. Par utilisateur.",
    }
    unit = "user"
    unit_words = Unit(one={"en": "user", "fr": "utilisateur"}, other={"en": "users", "fr": "utilisateurs"})
    feature_words = {service.feature: service.name for service in (FILTERING, *ADDONS)}
    plans = _plans()
    refunds_unused_time = True

    def param_fields(self, plan_code: str) -> list[ParamField]:
        """What a form asks for: the services are the plan chosen, so they are not asked again."""
        return [field for field in super().param_fields(plan_code) if field.key != "services"]

    def ask_vendor(self, plan_code: str, params: Mapping[str, Any]) -> dict[str, Any]:
        return reservations.ask_vendor([params["domain"], *params.get("extra_domains", ())])

    def accept_params(self, line: OrderLineContext) -> dict[str, Any]:
        return reservations.accept_account(line)

    def label(self, params: Mapping[str, Any]) -> str:
        return to_unicode(params["domain"]) if params.get("domain") else ""

    def change_timing(self, change: PlanChange) -> Timing:
        """Add-ons and users, on or off, up or down: at once, prorated."""
        return Timing.NOW

    def user_directory(self) -> UserDirectory:
        return EmailSecurityUsers()

    def activate(self, request: LifecycleRequest) -> Result:
        params = request.params

        def set_up(client: EmailSecurityClient) -> dict[str, Any]:
            reference = account_reference(request.subscription_id)
            account = client.find_account(reference) or client.create_account(
                reference=reference, company=request.owner.name, primary_domain=params["domain"],
                user_limit=request.quantity, services=services_of(request.plan_code),
                key=f"{request.idempotency_key}:account")
            add_domains(client, account, params.get("extra_domains", ()), key=request.idempotency_key)
            return {"account_id": account.id}

        return _at_vendor(request, set_up)

    def change(self, request: LifecycleRequest) -> Result:
        plan_code = request.new_plan_code or request.plan_code
        return _at_vendor(request, lambda client: _update(client, request, user_limit=request.new_quantity,
                                                          services=services_of(plan_code)))

    def suspend(self, request: LifecycleRequest) -> Result:
        return _at_vendor(request, lambda client: _update(client, request, status="suspended"))

    def resume(self, request: LifecycleRequest) -> Result:
        return _at_vendor(request, lambda client: _update(client, request, status="active"))

    def cancel(self, request: LifecycleRequest) -> Result:
        if "account_id" not in request.data:
            return Result.done()  # never set up at the service: nothing to end there
        return _at_vendor(request, lambda client: _update(client, request, status="cancelled"))


class ExtraDomains(ProductType):
    key = DOMAINS_PRODUCT
    name = {"en": "Email security extra domains", "fr": "Domaines supplémentaires de sécurité des e-mails"}
    description = {
        "en": "More domains protected by your email security account, priced per domain.",
        "fr": "D'autres domaines protégés par votre compte de sécurité des e-mails, par domaine.",
    }
    unit = "domain"
    unit_words = Unit(one={"en": "extra domain", "fr": "domaine supplémentaire"},
                      other={"en": "extra domains", "fr": "domaines supplémentaires"})
    plans = (PlanSpec(code="extra-domain", name={"en": "Extra domain", "fr": "Domaine supplémentaire"},
                      billing_period=BillingPeriod.MONTHLY, rank=1,
                      cost_price=EXTRA_DOMAIN_COST, params=ExtraDomainParams),)
    refunds_unused_time = True

    def accept_params(self, line: OrderLineContext) -> dict[str, Any]:
        return reservations.accept_extra_domains(line)

    def label(self, params: Mapping[str, Any]) -> str:
        return to_unicode(params["domain"]) if params.get("domain") else ""

    def change_timing(self, change: PlanChange) -> Timing:
        return Timing.NOW

    def activate(self, request: LifecycleRequest) -> Result:
        def set_up(client: EmailSecurityClient) -> dict[str, Any]:
            account_id = client.domain_holder(request.params["domain"])
            if account_id is None:  # the account is ordered with them and not set up yet
                raise RetryableError(f"The email security account of {request.params['domain']} is not set up yet.")
            account = client.update_account(account_id, extra_domain_limit=request.quantity)
            add_domains(client, account, request.params.get("extra_domains", ()), key=request.idempotency_key)
            return {"account_id": account_id}

        return _at_vendor(request, set_up)

    def change(self, request: LifecycleRequest) -> Result:
        return _at_vendor(request, lambda client: _update(client, request, extra_domain_limit=request.new_quantity))

    def cancel(self, request: LifecycleRequest) -> Result:
        if "account_id" not in request.data:
            return Result.done()

        def end(client: EmailSecurityClient) -> dict[str, Any]:
            if client.account(request.data["account_id"]).status != "cancelled":
                client.update_account(request.data["account_id"], extra_domain_limit=0)
            return {}

        return _at_vendor(request, end)


def account_reference(subscription_id: int) -> str:
    """The account's reference at the service: stable, so that a repeated activation finds the same one."""
    return f"subscription-{subscription_id}"


def add_domains(client: EmailSecurityClient, account: VendorAccount, names: Iterable[str], *, key: str) -> list[str]:
    """Add each of ``names`` the account lacks while it has room; answer those left waiting."""
    waiting = []
    for name in names:
        if name in account.domains:
            continue
        if account.free_domain_slots == 0:
            waiting.append(name)
            continue
        try:
            account = client.add_domain(account.id, name, key=f"{key}:domain:{name}")
        except VendorError as error:
            if error.retryable:
                raise
            waiting.append(name)  # taken since it was ordered: the account page says so
    return waiting


def _update(client: EmailSecurityClient, request: LifecycleRequest, **changes: Any) -> dict[str, Any]:
    client.update_account(request.data["account_id"], **changes)
    return {}


def _at_vendor(request: LifecycleRequest, act: Callable[[EmailSecurityClient], dict[str, Any]]) -> Result:
    """Do ``act`` with a client of the configured service; a refusal fails the request with its words.

    Timeouts and the service's own failures are retryable ``VendorError``s, left for the core to retry.
    """
    try:
        return Result.done(data=act(EmailSecurityClient()))
    except VendorError as error:
        if error.retryable:
            raise
        return Result.failed(f"The email security service refused to {request.action} it: {error.message}")

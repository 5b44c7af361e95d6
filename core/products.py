"""What a product plugin declares: product types, their plans and the rules of buying them.

A plugin returns ``ProductType`` instances from its ``register_product_types`` hook. The
declaration is data; ``cascade catalog sync`` copies it into ``Product`` and ``Plan`` rows.
Each plan names the order parameters it needs (a marshmallow schema), and the product type the
prerequisites a purchase must meet. The lifecycle (activate, change, suspend, resume, cancel,
renew) is methods of the same object, so one owner decides for each product; what they receive
and answer is in ``core.product_lifecycle``.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from enum import StrEnum
from types import MappingProxyType
from typing import TYPE_CHECKING, Any

import marshmallow

from core.errors import ValidationError
from core.languages import _, answering, say
from core.models.catalog import BillingPeriod
from core.money import Money
from core.product_lifecycle import LifecycleRequest, Result

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from core.models.accounts import Account
    from core.product_users import UserDirectory

_KEY = re.compile(r"^[a-z][a-z0-9_-]{1,79}$")

#: The language of every product's own name and description; translations come beside it.
DEFAULT_LOCALE = "en"

#: A text in the default language, or the same text by locale (``{"en": ..., "fr": ...}``).
Text = str | Mapping[str, str]


def text_in(text: Text, locale: str = DEFAULT_LOCALE) -> str:
    """Return ``text`` in ``locale``, falling back to the default language."""
    if isinstance(text, str):
        return text
    return text.get(locale) or text[DEFAULT_LOCALE]


def _check_translated(owner: str, *texts: Text) -> None:
    for text in texts:
        if not isinstance(text, str) and DEFAULT_LOCALE not in text:
            raise ValueError(f"{owner}: translated texts need the {DEFAULT_LOCALE!r} one")


@dataclass(frozen=True)
class Unit:
    """What a product type calls one unit of its quantity and several, each a text or texts by locale.

    A language's plural rules (CLDR's, through Babel) choose between them: French says ``0 siège``,
    English ``0 seats``. A form other than ``one`` (French's ``many``) takes ``other``.
    """

    one: Text
    other: Text

    def __post_init__(self) -> None:
        _check_translated(f"unit {self.one!r}", self.one, self.other)

    def word(self, form: str, locale: str = DEFAULT_LOCALE) -> str:
        """The word for a plural ``form`` (``one``, ``other``, ``many``...) in ``locale``."""
        return text_in(self.one if form == "one" else self.other, locale)


#: What a product type's quantity counts when it declares neither a ``unit`` nor its words.
UNITS = Unit(one={"en": "unit", "fr": "unité"}, other={"en": "units", "fr": "unités"})


def _check_key(kind: str, value: str) -> None:
    if not _KEY.match(value):
        raise ValueError(
            f"{kind} {value!r}: use 2-80 lowercase letters, digits, '-' or '_', starting with a letter"
        )


@dataclass(frozen=True)
class PlanSpec:
    """One plan of a product type, as its plugin declares it."""

    code: str
    #: Its own name, without its product's (``Starter yearly``): a text, or texts by locale.
    name: Text
    billing_period: BillingPeriod
    #: Orders plans for upgrade and downgrade: a higher rank is an upgrade.
    rank: int
    term_months: int = 0
    trial_days: int = 0
    features: Mapping[str, Any] = field(default_factory=dict)
    #: The vendor's suggested cost of one unit for one billing period, if the vendor charges.
    cost_price: Money | None = None
    #: The order parameters a line of this plan carries in ``params`` (``None``: none).
    params: type[marshmallow.Schema] | None = None

    def __post_init__(self) -> None:
        _check_key("plan code", self.code)
        _check_translated(f"plan {self.code!r}", self.name)
        object.__setattr__(self, "billing_period", BillingPeriod(self.billing_period))
        if self.term_months < 0 or self.trial_days < 0:
            raise ValueError(f"plan {self.code!r}: term_months and trial_days cannot be negative")
        object.__setattr__(self, "features", MappingProxyType(dict(self.features)))

    def translations(self) -> dict[str, dict[str, str]]:
        """Its name in each language other than the default, by locale."""
        names = {} if isinstance(self.name, str) else self.name
        return {locale: {"name": name} for locale, name in sorted(names.items()) if locale != DEFAULT_LOCALE}


@dataclass(frozen=True)
class PurchaseContext:
    """What a prerequisite looks at: who buys which plan, in which distributor's tree."""

    buyer: Account
    distributor: Account
    plan: PlanSpec


#: A rule a purchase must meet: it answers ``None`` when met, else a reason a person can act on.
Prerequisite = Callable[[PurchaseContext], "str | None"]


@dataclass(frozen=True)
class ParamField:
    """One order parameter of a plan, as a form asks for it: read off the plan's params schema.

    A schema field's ``metadata`` may carry a ``label`` and a ``description`` (texts, or texts by
    locale); without a label, the field's name is shown.
    """

    #: What the value is sent as in an order line's ``params`` (the field's ``data_key``, else its name).
    key: str
    label: Text
    required: bool
    #: ``text``, ``email``, ``url``, ``number``, ``checkbox`` or ``choice`` (a ``OneOf`` validator's choices).
    kind: str = "text"
    hint: Text = ""
    choices: tuple[str, ...] = ()
    max_length: int | None = None

    @property
    def name(self) -> str:
        """The form field: ``params.<key>``, as an order line's params are named in errors too."""
        return f"params.{self.key}"

    def label_in(self, locale: str = DEFAULT_LOCALE) -> str:
        return text_in(self.label, locale)


def describe_params(schema: type[marshmallow.Schema] | None) -> list[ParamField]:
    """The fields a form asks for to fill ``schema``, in its declared order: generic, so no plugin needs a template."""
    if schema is None:
        return []
    described = []
    for name, declared in schema().load_fields.items():
        validators = list(getattr(declared, "validators", ()))
        choices = next((tuple(map(str, v.choices)) for v in validators if isinstance(v, marshmallow.validate.OneOf)), ())
        longest = next((v.max for v in validators if isinstance(v, marshmallow.validate.Length) and v.max), None)
        kinds = ((marshmallow.fields.Email, "email"), (marshmallow.fields.Url, "url"),
                 (marshmallow.fields.Number, "number"), (marshmallow.fields.Boolean, "checkbox"))
        kind = "choice" if choices else next((kind for cls, kind in kinds if isinstance(declared, cls)), "text")
        described.append(ParamField(
            key=declared.data_key or name,
            label=declared.metadata.get("label") or name.replace("_", " ").capitalize(),
            required=declared.required,
            kind=kind,
            hint=declared.metadata.get("description", ""),
            choices=choices,
            max_length=longest,
        ))
    return described


class Timing(StrEnum):
    """When a change to a subscription takes effect."""

    NOW = "now"
    END_OF_TERM = "end_of_term"


@dataclass(frozen=True)
class PlanChange:
    """A change of plan or quantity a buyer asks for, as ``ProductType.change_timing`` sees it."""

    plan: PlanSpec
    quantity: int
    new_plan: PlanSpec
    new_quantity: int
    #: When the subscription's current term began (its purchase or its last renewal), if it has begun.
    term_started_at: datetime | None = None

    @property
    def is_downgrade(self) -> bool:
        return self.new_plan.rank < self.plan.rank


@dataclass(frozen=True)
class Cancellation:
    """A cancellation a buyer asks for, as ``ProductType.cancel_timing`` sees it."""

    plan: PlanSpec
    quantity: int
    #: When the buyer asked for it to take effect.
    asked: Timing
    #: When the subscription's current term began (its purchase or its last renewal), if it has begun.
    term_started_at: datetime | None = None


@dataclass(frozen=True)
class OrderLineContext:
    """A line of an order being placed, as ``ProductType.accept_params`` sees it."""

    session: Session
    #: The account the subscription is for.
    owner: Account
    plan: PlanSpec
    quantity: int
    #: As ``load_params`` loaded them.
    params: Mapping[str, Any]
    #: What ``ProductType.ask_vendor`` answered about these params, before the order's transaction opened.
    vendor_answers: Mapping[str, Any] = field(default_factory=dict)


class ProductType:
    """Base class of the product types plugins supply; subclasses set the class attributes."""

    #: Stable identifier, never changed once published (it keys the ``products`` row).
    key: str
    name: Text
    description: Text = ""
    #: What one unit of an order line's quantity is: a stable code (``seat``), kept on the product's row.
    unit: str = "unit"
    #: What one unit and several are called, in each language (``Unit``). Without them, a product
    #: type with a ``unit`` of its own is counted as ``3 × widget``; with neither, in ``UNITS``.
    unit_words: Unit | None = None
    #: What its plans' features are called, by feature key, in each language (``{"storage_gb": {"en": "Storage GB",
    #: "fr": "Stockage (Go)"}}``); a feature without words is shown as its key in words ("Storage GB").
    feature_words: Mapping[str, Text] = MappingProxyType({})
    plans: tuple[PlanSpec, ...] = ()
    #: Checked before an order is accepted, in this order; every unmet one is reported.
    prerequisites: tuple[Prerequisite, ...] = ()
    #: An account has at most one live subscription of the product; ordering another plan changes it.
    one_subscription_per_account: bool = False
    #: Each subscription is one thing (a domain): its quantity is 1 and never changes.
    fixed_quantity: bool = False
    #: A plan every account that may buy the product holds from the start (granted, not ordered).
    starter_plan: str | None = None
    #: The plan that cancelling any other plan moves the subscription to (a free tier to fall back
    #: on), instead of ending it; ``None``: cancelling ends the subscription.
    cancel_to: str | None = None
    #: Renewed only when someone asks (and pays); otherwise renewal is automatic at period end.
    manual_renewal: bool = False
    #: Cancelled before its period's end, the whole days left are credited back to the payer (and
    #: to each seller above by its own), prorated as changes are; ``False``: the period is spent.
    refunds_unused_time: bool = False
    #: Days before a period's end when the teams that receive reminders are told of the renewal.
    renewal_reminder_days: tuple[int, ...] = (30, 7, 1)
    #: How long a provisioning request may take, retries and manual steps included, before it fails.
    provisioning_deadline: timedelta = timedelta(hours=72)

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        _check_key("product type key", cls.key)
        _check_translated(f"product type {cls.key!r}", cls.name, cls.description, *cls.feature_words.values())
        if cls.unit_words is None and cls.unit == ProductType.unit:
            cls.unit_words = UNITS
        codes = [plan.code for plan in cls.plans]
        duplicates = sorted({code for code in codes if codes.count(code) > 1})
        if duplicates:
            raise ValueError(f"product type {cls.key!r}: duplicate plan codes {duplicates}")
        for attribute in ("starter_plan", "cancel_to"):
            if getattr(cls, attribute) not in (None, *codes):
                raise ValueError(f"product type {cls.key!r}: {attribute} names no plan of it ({getattr(cls, attribute)!r})")

    def translations(self) -> dict[str, dict[str, str]]:
        """Name and description in each language other than the default, by locale."""
        locales = {
            locale for text in (self.name, self.description) if not isinstance(text, str) for locale in text
        } - {DEFAULT_LOCALE}
        return {
            locale: {"name": text_in(self.name, locale), "description": text_in(self.description, locale)}
            for locale in sorted(locales)
        }

    def plan(self, code: str) -> PlanSpec:
        return next(plan for plan in self.plans if plan.code == code)

    def unmet_prerequisites(self, context: PurchaseContext) -> list[str]:
        """Return why ``context.buyer`` may not buy the plan yet (nothing when it may)."""
        return [reason for rule in self.prerequisites if (reason := rule(context)) is not None]

    def param_fields(self, plan_code: str) -> list[ParamField]:
        """The order parameters a line of the plan asks for, described for a form."""
        return describe_params(self.plan(plan_code).params)

    def asked_params(self, session: Session, owner: Account, plan_code: str) -> list[ParamField]:
        """The order parameters a form asks of ``owner`` for a line of the plan: ``param_fields``, less those
        the product knows the answer to already (a tenant the account has)."""
        return self.param_fields(plan_code)

    def load_params(self, plan_code: str, params: Mapping[str, Any] | None) -> dict[str, Any]:
        """Validate an order line's ``params`` with the plan's schema; errors name ``params.<field>``.

        A schema checks shape only: it runs inside the order's transaction, so what needs the
        vendor belongs in ``ask_vendor``.
        """
        schema = self.plan(plan_code).params
        params = dict(params or {})
        if schema is None:
            if params:
                plan = text_in(self.plan(plan_code).name, answering())
                raise ValidationError({"params": [say("%(plan)s takes no details.", plan=plan)]})
            return {}
        try:
            return schema().load(params)
        except marshmallow.ValidationError as error:
            messages = error.messages if isinstance(error.messages, dict) else {"_schema": error.messages}
            raise ValidationError({f"params.{name}": [say(_SCHEMA_WORDS.get(text, text)) for text in _flatten(found)]
                                   for name, found in messages.items()}) from None

    def ask_vendor(self, plan_code: str, params: Mapping[str, Any]) -> dict[str, Any]:
        """Ask the vendor what accepting an order line depends on (a name still free there); answer plain data.

        Called with the params as ``load_params`` loaded them, before the order's database
        transaction opens and with no session: a vendor's round trip must never hold a
        transaction (on SQLite, a transaction holds the whole database's write lock). The answer
        reaches ``accept_params`` as ``line.vendor_answers``, which decides in the transaction,
        with the database in view (the buyer may hold that name already, which overrules the
        vendor). Answer a refusal or a vendor that could not be reached rather than raising, so
        that the order reports it beside its other errors. The default asks nothing.
        """
        return {}

    def accept_params(self, line: OrderLineContext) -> dict[str, Any]:
        """Check an order line's params against the platform before the order is accepted; return them.

        For what a schema cannot know (a name unique on the platform, or free at the vendor as
        ``ask_vendor`` found it: ``line.vendor_answers``) and for params the product fills in
        itself. It runs inside the order's transaction, so it never calls the vendor. It may
        record what the line reserves in the plugin's tables: a refused order is rolled back with
        it. Raise ``ValidationError`` naming ``params.<field>``. The default keeps the params as loaded.
        """
        return dict(line.params)

    def label(self, params: Mapping[str, Any]) -> str:
        """What names one subscription to people, from its parameters (a domain name, a site's
        address); empty when nothing does. Emails and pages show it beside the plan."""
        return ""

    def change_timing(self, change: PlanChange) -> Timing:
        """When a change takes effect: downgrades at the end of the term, anything else now."""
        return Timing.END_OF_TERM if change.is_downgrade else Timing.NOW

    def cancel_timing(self, cancellation: Cancellation) -> Timing:
        """When a cancellation takes effect: when the buyer asked."""
        return cancellation.asked

    def user_directory(self) -> UserDirectory | None:
        """The users of the service that its owner manages (``core.product_users``); ``None``: it has none."""
        return None

    # The lifecycle. Each method is idempotent, never touches the database and answers a
    # ``Result``; the defaults suit a product with nothing to set up outside Cascade.

    def activate(self, request: LifecycleRequest) -> Result:
        """Set the subscription up at the vendor."""
        return Result.done()

    def change(self, request: LifecycleRequest) -> Result:
        """Move the subscription to ``request.new_plan_code`` / ``request.new_quantity``."""
        return Result.done()

    def suspend(self, request: LifecycleRequest) -> Result:
        """Stop the service without losing anything."""
        return Result.done()

    def resume(self, request: LifecycleRequest) -> Result:
        """Bring a suspended service back."""
        return Result.done()

    def cancel(self, request: LifecycleRequest) -> Result:
        """End the service at the vendor."""
        return Result.done()

    def renew(self, request: LifecycleRequest) -> Result:
        """Extend the service for another period (or from a trial into the first paid one)."""
        return Result.done()

    @property
    def tells_vendor_of_transfers(self) -> bool:
        """It has a vendor to tell of a new seller: its type overrides ``transfer``."""
        return type(self).transfer is not ProductType.transfer

    def transfer(self, request: LifecycleRequest) -> Result:
        """Tell the vendor that ``request.seller`` now sells the subscription, which ``request.previous_seller`` sold
        (its account moved to another seller). Asked only of product types that override it."""
        return Result.done()

    def poll(self, request: LifecycleRequest) -> Result:
        """Ask the vendor again about a request it answered ``pending`` to."""
        return Result.done()

    def __repr__(self) -> str:
        return f"<ProductType {self.key}>"


#: Marshmallow's own refusals, as a plan's params schema gives them, in words a person reads (``say`` translates them
#: and the schema's own messages alike).
_SCHEMA_WORDS = {
    "Missing data for required field.": _("This field is required."),
    "Field may not be null.": _("This field is required."),
    "Not a valid string.": _("Write text here."),
    "Not a valid integer.": _("Write a whole number."),
    "Not a valid boolean.": _("Choose yes or no."),
    "Not a valid email address.": _("Write an email address."),
    "Unknown field.": _("This plan asks for no such detail."),
}


def _flatten(messages: Any) -> list[str]:
    if isinstance(messages, dict):
        return [text for value in messages.values() for text in _flatten(value)]
    if isinstance(messages, list):
        return [text for value in messages for text in _flatten(value)]
    return [str(messages)]

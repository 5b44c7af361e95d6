"""How the back office, the storefronts and plugin pages write values for people, in the
request's language (Flask-Babel's locale; the back office is in English).

One definition of each, used as a Jinja filter of the same name in every app
(``web.filters``) and from Python where a message needs one. Money is written as
``core.money`` rounds it (half-up to the currency's minor unit), never re-rounded by Babel's
own rule; times are UTC, like every time Cascade keeps.

A catalog writes fifty prices a page: each amount is formatted by Babel once per language and
kept (a few thousand of them at most), not once per price shown; the unit and billing period after
each are looked up in the language's catalog directly (``core.languages``), with none of Flask-Babel's
per-call work. A product's unit is worded by its product type (``ProductType.unit_words``): core
knows no plugin's words.
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime
from decimal import Decimal
from functools import lru_cache
from typing import Any

from flask_babel import format_date, format_datetime, get_locale
from jinja2 import pass_context
from jinja2.runtime import Context

from core.i18n import Translator, day_text, money_text, quantity_text, unit_word
from core.languages import DEFAULT_LOCALE, translations
from core.models.catalog import BillingPeriod, Plan, Product
from core.models.subscriptions import Subscription
from core.money import Money, decimal_text, number_text, typed_text
from core.permissions import PaymentMethod
from core.plugins import product_types
from core.products import ProductType, Unit
from core.services.subscriptions import PRICE_CHANGES
from core.wording import worded_in


def current_locale() -> str:
    """The language of the request: the storefront visitor's choice, or English."""
    return str(get_locale() or DEFAULT_LOCALE)


def money(value: Money | Decimal | None, currency: str | None = None) -> str:
    """A price as the locale writes it: ``€12.50`` in English, ``12,50 €`` in French.

    ``value`` is ``Money``, or a stored amount of ``currency`` (``entry.unit_price | money("EUR")``).
    """
    if value is None:
        return ""
    amount = value if isinstance(value, Money) else Money(value, currency or "")
    return _money_text(str(amount.amount), amount.currency, current_locale())


@lru_cache(maxsize=4096)
def _money_text(amount: str, currency: str, locale: str) -> str:
    # Keyed by the amount as written, so that -0 stays apart from 0.
    return money_text(Money(Decimal(amount), currency), locale)


def day(value: datetime | None) -> str:
    """A date: ``2 Mar 2026``, ``2 mars 2026``."""
    return day_text(value, current_locale()) if value is not None else ""


def month(value: date | None) -> str:
    """A month: ``March 2026``, ``mars 2026``."""
    return format_date(value, "MMMM y") if value is not None else ""


def moment(value: datetime | None) -> str:
    """A time of day, in UTC: ``2 Mar 2026, 09:30 UTC``."""
    return f"{format_datetime(value.astimezone(UTC), 'd MMM y, HH:mm', rebase=False)} UTC" if value is not None else ""


def worded(text: str, wording: dict[str, Any] | None) -> str:
    """What a record says (an invoice line, a reason in a history): its wording in the request's language, or its
    text as a person typed it (``core.wording``)."""
    return worded_in(text, wording, current_locale())


def words(value: str) -> str:
    """A status or an action code as words: ``pending_cancellation`` is ``pending cancellation``."""
    return str(value).replace("_", " ").replace("-", " ")


def plain(value: Decimal) -> str:
    """A decimal without trailing zeros or an exponent: ``25``, ``12.5``."""
    return decimal_text(value)


def number(value: Decimal | int) -> str:
    """A number shown in the request's language, grouped, without trailing zeros: ``28.6``, ``28,6``."""
    return number_text(value, current_locale())


#: A decimal as Python writes it, which is how a view fills a form with a stored amount: ``23.99``.
_PYTHON_DECIMAL = re.compile(r"-?[0-9]+(\.[0-9]+)?")


@pass_context
def decimal_input(context: Context, value: Decimal | str | None) -> str:
    """A decimal as the reader types it into a field, no grouping, every digit kept: ``23.99``, ``23,99``.

    A form's values are text: one written as Python writes a decimal (a stored amount put there by the view) is
    rewritten so; anything else is what the person typed, shown back as they typed it. Jinja's ``context`` is
    taken only so that Jinja never works out ``"4.99" | decimal_input`` once, compiling the template, in the
    language of the first person to see it."""
    if value is None:
        return ""
    if isinstance(value, str):
        if not _PYTHON_DECIMAL.fullmatch(value):
            return value
        value = Decimal(value)
    return typed_text(value, current_locale())


def plan_name(plan: Plan) -> str:
    """A plan with its product, in the request's language (``Plan.title``)."""
    return plan.title(current_locale())


def plan_own_name(plan: Plan) -> str:
    """A plan's own name, without its product's, in the request's language (``Plan.name_in``): ``Starter annuel``."""
    return plan.name_in(current_locale())


def param_label(key: str, plan: Plan) -> str:
    """An order parameter of ``plan`` named as its order form labels it, in the request's language: ``Préfixe du
    tenant``; a key its product type does not declare (or a plan no installed plugin supplies) in words."""
    found = product_types().get(plan.product.key)
    if found is None or not any(spec.code == plan.code for spec in found[1].plans):
        return words(key).capitalize()
    labels = {field.key: field.label_in(current_locale()) for field in found[1].param_fields(plan.code)}
    return labels.get(key) or words(key).capitalize()


def changed_value(field: str, value: Any, of: Subscription) -> str:
    """One side of a change in ``of``'s history: a price as money, a date as a day, a plan by its own name in the
    request's language (the history keeps the English one), nothing as a dash."""
    if value is None:
        return "—"
    if field in PRICE_CHANGES:
        return money(Money(value, of.currency))
    if field == "plan":
        plan = next((plan for plan in of.product.plans if plan.name == value), None)
        return plan.name_in(current_locale()) if plan is not None else str(value)
    if isinstance(value, str) and field.endswith(("_at", "_end", "_start")):
        return day(datetime.fromisoformat(value))
    return str(value)


def _(message: str) -> str:
    """Mark ``message`` for ``pybabel extract``; it is translated when shown, in the reader's language."""
    return message


#: After a price, how often it is paid: "€7.50 per seat · a month".
_PER_PERIOD = {BillingPeriod.MONTHLY: _("a month"), BillingPeriod.YEARLY: _("a year"), BillingPeriod.ONE_OFF: _("once")}
_PER_UNIT = _("per %(unit)s")


def per_period(period: BillingPeriod) -> str:
    """How often a price is paid, after it: ``a month``, ``par mois``."""
    return translations(current_locale()).gettext(_PER_PERIOD[period])


#: Whatever names a product's unit in a template: the product, its type, or the words.
UnitOf = Product | ProductType | Unit


def _unit_of(of: UnitOf) -> ProductType | Unit | str:
    """The product type (its words) behind ``of``: a product no installed plugin supplies keeps its unit's code."""
    if isinstance(of, Product):
        found = product_types().get(of.key)
        return found[1] if found is not None else of.unit
    return of


def units(count: int, of: UnitOf) -> str:
    """A count of a product's units in the request's language, as its product type words them: ``3 seats``,
    ``1 siège``, ``1 000 sièges``; ``3 × widget`` for a unit given no words (``core.i18n.quantity_text``)."""
    return quantity_text(count, _unit_of(of), current_locale())


def unit_name(of: UnitOf, count: int = 1) -> str:
    """The word for a product's unit alone, in the request's language: ``seat``, ``siège``."""
    return unit_word(_unit_of(of), current_locale(), count)


def per_unit(of: UnitOf) -> str:
    """What a price is for, after it: ``per seat``, ``par siège``."""
    return translations(current_locale()).gettext(_PER_UNIT) % {"unit": unit_name(of)}


def payment_method_word(value: object) -> str:
    """A way to pay in the request's language, as the emails name it (``core.i18n.Translator.payment_method``):
    "Bank transfer"; a code that names none is shown as its words."""
    code = str(value)
    if code not in set(PaymentMethod):
        return words(code).capitalize()
    return Translator.for_setting(current_locale()).payment_method(PaymentMethod(code))

"""The words customers read for the platform's codes: payment methods and billing periods, the same on every page.

A catalog writes fifty prices a page, each followed by its unit and billing period: those words
are looked up in the language's catalog directly (``core.i18n``), with none of Flask-Babel's
per-call work.
"""

from __future__ import annotations

from collections.abc import Iterable

from flask import Flask
from flask_babel import lazy_gettext

from core.i18n import translations
from core.models.catalog import BillingPeriod
from core.permissions import PaymentMethod
from web.formatting import current_locale

#: Every payment method in words, in the order forms list them.
PAYMENT_METHODS = {
    PaymentMethod.CARD: lazy_gettext("Card"),
    PaymentMethod.BANK_TRANSFER: lazy_gettext("Bank transfer"),
    PaymentMethod.DIRECT_DEBIT: lazy_gettext("Direct debit"),
    PaymentMethod.ON_ACCOUNT: lazy_gettext("On account, invoiced later"),
}


def payment_method_label(method: str) -> str:
    return str(PAYMENT_METHODS[PaymentMethod(method)])


def payment_method_labels(values: Iterable[str]) -> list[str]:
    """The methods among ``values``, in words, in the forms' order."""
    chosen = set(values)
    return [str(label) for method, label in PAYMENT_METHODS.items() if method in chosen]


def _(message: str) -> str:
    """Mark ``message`` for ``pybabel extract``; it is translated when shown, in the reader's language."""
    return message


#: After a price, how often it is paid: "€7.50 per seat · a month".
_PER_PERIOD = {BillingPeriod.MONTHLY: _("a month"), BillingPeriod.YEARLY: _("a year"), BillingPeriod.ONE_OFF: _("once")}
_PER_UNIT = _("per %(unit)s")


def per_period(period: BillingPeriod) -> str:
    """How often a price is paid, after it: ``a month``, ``par mois``."""
    return translations(current_locale()).gettext(_PER_PERIOD[period])


def per_unit(unit: str) -> str:
    """What a price is for, after it: ``per seat``, ``par siège``."""
    return translations(current_locale()).gettext(_PER_UNIT) % {"unit": unit}


def init_labels(app: Flask) -> None:
    app.jinja_env.filters.update(payment_method_label=payment_method_label, payment_method_labels=payment_method_labels,
                                 per_period=per_period, per_unit=per_unit)

"""The words customers read for the platform's payment methods, the same on every page."""

from __future__ import annotations

from collections.abc import Iterable

from flask import Flask
from flask_babel import lazy_gettext

from core.permissions import PaymentMethod

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


def init_labels(app: Flask) -> None:
    app.jinja_env.filters.update(payment_method_label=payment_method_label, payment_method_labels=payment_method_labels)

"""The test card processor's client: its small REST API, spoken over ``plugin_kit.vendor_http``.

- ``POST /v1/charges`` with ``amount`` (a whole number of the currency's minor unit),
  ``currency`` (lower case), ``description`` and ``card`` (``number``, ``exp_month``,
  ``exp_year``, ``cvc``, ``name``), under an ``Idempotency-Key``: the same key again answers
  the first answer, so a retried charge is charged once. It answers 201 and the charge, or
  402 and ``{"error": {"type": "card_error", "code", "message", "param"}}`` for a card refused.
- ``GET /v1/charges/<id>``: the charge.

A charge shows the card's brand and last four digits, never more. ``simulator`` serves the API
for development and tests. A call that fails raises ``plugin_kit.vendor_http.VendorError``,
``retryable`` when trying again may help.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from core.money import Money, minor_units
from core.payments import CardDetails
from plugin_kit.vendor_http import VendorClient, segment
from plugins.test_card import settings


@dataclass(frozen=True)
class Charge:
    """A charge as the processor has it."""

    id: str
    #: ``succeeded`` or ``failed``.
    status: str
    amount: Money
    description: str
    brand: str
    last4: str


class CardProcessor:
    """The processor's API at ``base_url``."""

    def __init__(self, base_url: str, timeout: float) -> None:
        self.api = VendorClient("card processor", base_url, timeout=timeout)

    def create_charge(self, amount: Money, *, description: str, card: CardDetails, key: str) -> Charge:
        """Charge ``amount`` to ``card``, once per ``key``."""
        return _charge(self.api.call("POST", "/v1/charges", {
            "amount": in_minor_units(amount),
            "currency": amount.currency.lower(),
            "description": description,
            "card": {"number": card.number, "exp_month": card.expiry_month, "exp_year": card.expiry_year,
                     "cvc": card.cvc, "name": card.holder},
        }, key=key))

    def get_charge(self, charge_id: str) -> Charge:
        return _charge(self.api.get(f"/v1/charges/{segment(charge_id)}"))


def card_processor() -> CardProcessor:
    """The processor ``CASCADE_TEST_CARD_URL`` names."""
    return CardProcessor(settings.URL.read(), settings.TIMEOUT.read())


def in_minor_units(amount: Money) -> int:
    """``amount``, rounded once to its currency's minor unit, as a whole number of that unit (12.50 EUR: 1250)."""
    rounded = amount.rounded()
    return int(rounded.amount.scaleb(minor_units(rounded.currency)))


def _charge(data: dict[str, Any]) -> Charge:
    currency = str(data["currency"]).upper()
    return Charge(
        id=data["id"],
        status=data["status"],
        amount=Money(Decimal(int(data["amount"])).scaleb(-minor_units(currency)), currency),
        description=data["description"],
        brand=data["card"]["brand"],
        last4=data["card"]["last4"],
    )

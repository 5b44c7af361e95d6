"""Payment providers: services that take a customer's money on the spot, such as a card processor.

A plugin supplies providers through the ``register_payment_providers`` hook, each a
``PaymentProvider``: a key, a label, the payment methods it takes and ``charge``. The core
charges with one outside any database transaction (``core.services.card_payments``) and keeps
the provider's reference of the charge as the payment's reference.

Card details are the customer's alone: a ``CardDetails`` lives for one request, its ``repr``
shows only the last four digits, and nothing of it is stored or logged but the card's brand and
last four digits.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Protocol

from core.models.accounts import Account
from core.money import Money
from core.permissions import PaymentMethod
from core.plugins import pm


@dataclass(frozen=True)
class CardDetails:
    """A card as its holder typed it, read into its parts (``storefront``'s card form does)."""

    #: Its digits only.
    number: str
    expiry_month: int
    #: Four digits.
    expiry_year: int
    cvc: str
    #: The name on the card.
    holder: str

    @property
    def last4(self) -> str:
        return self.number[-4:]

    def __repr__(self) -> str:
        return f"CardDetails(ending {self.last4})"


class Decline(StrEnum):
    """Why a provider declined a charge: every provider maps its own reasons to these."""

    CARD_DECLINED = "card_declined"
    INSUFFICIENT_FUNDS = "insufficient_funds"
    INCORRECT_NUMBER = "incorrect_number"
    EXPIRED_CARD = "expired_card"
    INCORRECT_CVC = "incorrect_cvc"
    #: Refused for a reason that is not the card's (the provider's message says which).
    PROCESSING_ERROR = "processing_error"


#: The detail typed that a decline is about, named as ``CardDetails`` names it (``expiry`` for both parts).
DECLINE_FIELDS = {Decline.INCORRECT_NUMBER: "number", Decline.EXPIRED_CARD: "expiry", Decline.INCORRECT_CVC: "cvc"}


@dataclass(frozen=True)
class ChargeResult:
    """A provider's answer to a charge: approved with its reference, or declined with a reason."""

    #: The provider's reference of the charge, kept as the payment's reference ("" when declined).
    reference: str = ""
    #: ``None`` when approved.
    decline: Decline | None = None
    #: When declined, the provider's words, fit for the customer to read.
    message: str = ""
    #: The card's brand as the provider knows it (``visa``, ...), when it says.
    brand: str = ""

    @classmethod
    def paid(cls, reference: str, brand: str = "") -> ChargeResult:
        return cls(reference=reference, brand=brand)

    @classmethod
    def refused(cls, decline: Decline, message: str) -> ChargeResult:
        return cls(decline=decline, message=message)

    @property
    def approved(self) -> bool:
        return self.decline is None

    @property
    def field(self) -> str | None:
        """The card detail at fault (``number``, ``expiry``, ``cvc``), if the decline is about one."""
        return DECLINE_FIELDS.get(self.decline) if self.decline else None


class PaymentProvider(Protocol):
    """A service that charges a customer at once, as Cascade uses it."""

    #: Unique on the platform.
    key: str
    #: What people know it by, in the back office.
    label: str
    #: The payment methods it takes.
    methods: frozenset[PaymentMethod]

    def charge(self, amount: Money, *, description: str, idempotency_key: str, card: CardDetails) -> ChargeResult:
        """Charge ``amount`` to ``card``, once per ``idempotency_key`` however often it is asked.

        ``description`` is what the charge is for, as the cardholder's statement may show it: in
        the seller's name, never the platform's. A refusal of any kind is a declined result, its
        vendor's refusal mapped to a ``Decline``. A failure that trying again may mend (the
        provider did not answer, or failed on its side) raises
        ``core.product_lifecycle.RetryableError``, as a vendor connector's retryable error does:
        the same key sent again never charges twice.
        """
        ...


class DuplicatePaymentProviderError(Exception):
    """Two plugins declared payment providers with the same key."""


def payment_providers() -> dict[str, PaymentProvider]:
    """Every payment provider the registered plugins supply, by key."""
    found: dict[str, PaymentProvider] = {}
    for declared in pm.hook.register_payment_providers():
        for provider in declared or ():
            if provider.key in found:
                raise DuplicatePaymentProviderError(f"two plugins supply a payment provider named {provider.key!r}")
            found[provider.key] = provider
    return dict(sorted(found.items()))


def provider_for(method: PaymentMethod) -> PaymentProvider | None:
    """The provider that takes ``method``: the first by key of those that do, or ``None``."""
    return next((provider for provider in payment_providers().values() if method in provider.methods), None)


def card_provider(seller: Account) -> PaymentProvider | None:
    """The provider ``seller``'s customers pay card orders through on the spot: the one that takes
    cards, where the seller has card orders wait for their payment; otherwise ``None``."""
    if PaymentMethod.CARD not in seller.payment_confirmation_methods:
        return None
    return provider_for(PaymentMethod.CARD)

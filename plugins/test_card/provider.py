"""The test card provider: Cascade's ``core.payments.PaymentProvider`` for cards, on the test card processor."""

from __future__ import annotations

from collections.abc import Callable

from core.money import Money
from core.payments import CardDetails, ChargeResult, Decline
from core.permissions import PaymentMethod
from core.product_lifecycle import RetryableError
from plugin_kit.vendor_http import VendorError
from plugins.test_card.client import CardProcessor, card_processor

#: The processor's refusals, by its error code: its codes are ``Decline``'s own; any other is a processing error.
DECLINES = {decline.value: decline for decline in Decline}
#: What the processor answers to a key sent again with another request (another card, say).
KEY_REUSED = "idempotency_key_reused"


class CardProvider:
    """Charges cards at the test card processor (its test numbers are in ``simulator``)."""

    key = "test_card"
    label = "Test card"
    methods = frozenset({PaymentMethod.CARD})

    def __init__(self, processor: Callable[[], CardProcessor] = card_processor) -> None:
        #: Builds the processor's client for each charge (it reads the settings then).
        self.processor = processor

    def charge(self, amount: Money, *, description: str, idempotency_key: str, card: CardDetails) -> ChargeResult:
        try:
            charge = self.processor().create_charge(amount, description=description, card=card, key=idempotency_key)
        except VendorError as error:
            if error.retryable:
                raise  # a RetryableError: the same key sent again is charged once
            if error.code == KEY_REUSED:
                # An earlier attempt under this key, with another card, got no answer here: the
                # processor keeps its outcome, which the same card again fetches.
                raise RetryableError(error.message) from error
            return ChargeResult.refused(DECLINES.get(error.code, Decline.PROCESSING_ERROR), error.message)
        return ChargeResult.paid(charge.id, brand=charge.brand)

"""What a seller records about a payment it received (for an order or an invoice): how it was
paid, its reference and its amount, each checked and reported by field."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from core.errors import ValidationError
from core.languages import quoted, say
from core.money import Money, to_decimal
from core.permissions import PaymentMethod

MAX_REFERENCE = 200


@dataclass(frozen=True)
class PaymentDetails:
    #: ``None`` where it could not be read (``errors`` says why).
    method: PaymentMethod | None
    reference: str
    amount: Money | None


def checked_payment(method: str, reference: str, amount: Decimal | str, currency: str,
                    errors: dict[str, list[str]]) -> PaymentDetails:
    """The payment as recorded, each problem put in ``errors`` by field: the caller adds its own
    checks of the amount, then refuses the payment if ``errors`` holds anything."""
    payment_method = None
    try:
        payment_method = PaymentMethod(method)
    except ValueError:
        errors["method"] = [say("%(method)s is not a payment method: use %(methods)s.", method=quoted(method),
                                methods=", ".join(PaymentMethod))]
    reference = reference.strip()
    if not reference:
        errors["reference"] = [say("Give the payment's reference (the transfer's reference, a receipt number, ...).")]
    elif len(reference) > MAX_REFERENCE:
        errors["reference"] = [say("Use at most %(most)s characters.", most=MAX_REFERENCE)]
    paid = None
    try:
        paid = Money(to_decimal(amount, "amount"), currency)
    except ValidationError as error:
        errors.update(error.fields)
    return PaymentDetails(payment_method, reference, paid)

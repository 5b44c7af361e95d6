"""Charges and credits a seller adds by hand: a one-off fee, work done, a goodwill credit.

A seller charges an account it sells to directly; the charge waits for that account's next
invoice, like the charges money events write. A credit is a negative charge: the next invoice
deducts it (and carries on what it does not cover). Once written, a charge is corrected only by
another one, never edited.
"""

from __future__ import annotations

import re
import secrets
from decimal import Decimal

from sqlalchemy.orm import Session

from core.errors import NotFoundError, ValidationError
from core.languages import say
from core.models.accounts import Account
from core.models.charges import Charge, ChargeKind
from core.money import Money, minor_units, number_text, to_decimal, typed_text
from core.permissions import Permission
from core.services.actors import Actor
from core.services.audit import record_event

#: What a seller adds by hand: a charge, a one-off fee, or a credit.
KINDS = (ChargeKind.MANUAL, ChargeKind.FEE, ChargeKind.CREDIT)
MAX_QUANTITY = 10_000
#: A unit price below this, times the largest quantity, stays below ``MAX_AMOUNT``: what any amount may be.
UNIT_PRICE_DIGITS = 8
MAX_DESCRIPTION = 300
_CURRENCY = re.compile(r"^[A-Z]{3}$")


def add_charge(session: Session, *, actor: Actor, recipient_id: int, description: str, unit_price: Decimal | str,
               currency: str, quantity: int = 1, kind: str = ChargeKind.MANUAL) -> Charge:
    """Charge (or, for ``credit``, credit) an account the actor's account sells to directly, on its
    next invoice; every problem is reported by field, and nothing is written."""
    actor.require(Permission.PAY)
    recipient = session.get(Account, recipient_id)
    if recipient is None or recipient.parent_id != actor.account.id:
        raise NotFoundError(say("No account %(id)s buys from %(seller)s.", id=recipient_id, seller=actor.account.name))
    errors: dict[str, list[str]] = {}
    if kind not in set(KINDS):
        errors["kind"] = [say("Choose one of: %(choices)s.", choices=", ".join(KINDS))]
    described = description.strip()
    if not 1 <= len(described) <= MAX_DESCRIPTION:
        errors["description"] = [say("Say what it is for, in 1 to %(most)s characters.", most=MAX_DESCRIPTION)]
    if isinstance(quantity, bool) or not isinstance(quantity, int) or not 1 <= quantity <= MAX_QUANTITY:
        errors["quantity"] = [say("Give a whole number from 1 to %(most)s.", most=MAX_QUANTITY)]
    code = currency.strip().upper()
    if not _CURRENCY.match(code):
        errors["currency"] = [say("Give the currency's three-letter ISO code: EUR, GBP, USD.")]
    unit = _unit_price(unit_price, minor_units(code), errors)
    if errors:
        raise ValidationError(errors)
    assert unit is not None
    sign = -1 if kind == ChargeKind.CREDIT else 1
    charge = Charge(key=f"manual:{actor.account.id}:{secrets.token_hex(8)}", issuer_id=actor.account.id,
                    recipient_id=recipient.id, subscription_id=None, plan_id=None, kind=ChargeKind(kind),
                    description=described, quantity=quantity, unit_amount=sign * unit,
                    amount=(Money(sign * unit, code) * quantity).rounded().amount, currency=code)
    session.add(charge)
    session.flush()
    record_event(session, account=actor.account, by=actor.user, action="charge.added", target=recipient,
                 changes={"kind": str(kind), "description": described, "quantity": quantity,
                          "unit_price": str(unit), "currency": code, "amount": str(charge.amount)})
    return charge


def _unit_price(value: Decimal | str, decimals: int, errors: dict[str, list[str]]) -> Decimal | None:
    try:
        unit = to_decimal(value, "unit_price")
    except ValidationError:
        unit = None
    if unit is None or unit <= 0 or -int(unit.as_tuple().exponent) > decimals or unit >= 10 ** UNIT_PRICE_DIGITS:
        errors["unit_price"] = [say("Give an amount above zero and below %(most)s, with at most %(decimals)s decimals: "
                                    "%(example)s.", most=number_text(10 ** UNIT_PRICE_DIGITS), decimals=decimals,
                                    example=typed_text(Decimal("25.00")))]
        return None
    return unit

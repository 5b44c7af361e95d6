"""A card processor in memory, speaking the API ``client`` uses (see ``plugin_kit.simulators`` for
what every simulator also does: faults on demand, a write done once per ``Idempotency-Key``, state kept).

Its test cards, with any expiry from this month on, any name and a CVC of 3 or 4 digits:

=======================  ==========================================
number                   answer
=======================  ==========================================
4242 4242 4242 4242      approved (Visa)
5555 5555 5555 4444      approved (Mastercard)
4000 0000 0000 0002      declined: ``card_declined``
4000 0000 0000 9995      declined: ``insufficient_funds``
=======================  ==========================================

Any other number that passes the Luhn check is approved. Each refusal is a 402 ``card_error``
naming the card detail at fault in ``param``: a number failing the Luhn check is
``incorrect_number`` (``number``), an expiry before this month (Cascade's clock) ``expired_card``
(``exp_month``), a CVC that is not 3 or 4 digits ``incorrect_cvc`` (``cvc``). A declined charge
is kept as ``failed``, an approved one as ``succeeded``; neither keeps the number or the CVC.
"""

from __future__ import annotations

import re
import secrets
from dataclasses import asdict, dataclass
from typing import Any

from werkzeug.routing import Rule
from werkzeug.wrappers import Request

from core.clock import utcnow
from plugin_kit.simulators import Answer, Refusal, VendorSimulator, json_body, required

#: The test numbers that are declined, with the processor's code and words.
DECLINED_CARDS = {
    "4000000000000002": ("card_declined", "Your card was declined."),
    "4000000000009995": ("insufficient_funds", "Your card has insufficient funds."),
}
_BRANDS = ((re.compile(r"^4"), "visa"), (re.compile(r"^(5[1-5]|2[2-7])"), "mastercard"), (re.compile(r"^3[47]"), "amex"))


@dataclass
class _Charge:
    id: str
    amount: int
    currency: str
    description: str
    #: ``succeeded`` or ``failed``.
    status: str
    #: Why it failed (``card_declined``, ...); "" when it succeeded.
    failure_code: str
    brand: str
    last4: str
    exp_month: int
    exp_year: int
    created: str


class CardProcessorSimulator(VendorSimulator):
    kept = ("charges",)
    vendor = "card processor"
    routes = (
        Rule("/v1/charges", endpoint="create_charge", methods=["POST"]),
        Rule("/v1/charges/<charge_id>", endpoint="charge", methods=["GET"]),
    )

    def __init__(self) -> None:
        super().__init__()
        self.charges: dict[str, _Charge] = {}

    def create_charge(self, request: Request) -> Answer:
        body = json_body(request)
        amount, currency, description, card = required(body, "amount", "currency", "description", "card")
        if not isinstance(amount, int) or isinstance(amount, bool) or amount <= 0:
            raise Refusal(400, "invalid_request", "amount is a positive whole number of the currency's minor unit.")
        if not isinstance(currency, str) or not re.fullmatch(r"[A-Za-z]{3}", currency):
            raise Refusal(400, "invalid_request", "currency is a three-letter ISO code.")
        if not isinstance(card, dict):
            raise Refusal(400, "invalid_request", "card is an object.")
        number, exp_month, exp_year, cvc = required(card, "number", "exp_month", "exp_year", "cvc")
        if not all(isinstance(value, int) and not isinstance(value, bool) for value in (exp_month, exp_year)) \
                or not 1 <= exp_month <= 12:
            raise Refusal(400, "invalid_request", "exp_month is a month from 1 to 12 and exp_year a year of four digits.")
        number = re.sub(r"[ -]", "", str(number))
        if not _luhn_valid(number):
            return _card_error("incorrect_number", "Your card number is incorrect.", "number")
        now = utcnow()
        if (exp_year, exp_month) < (now.year, now.month):
            return _card_error("expired_card", "Your card has expired.", "exp_month")
        if not re.fullmatch(r"\d{3,4}", str(cvc)):
            return _card_error("incorrect_cvc", "Your card's security code is incorrect.", "cvc")
        failure_code, message = DECLINED_CARDS.get(number, ("", ""))
        charge = _Charge(id=f"ch_{secrets.token_hex(12)}", amount=amount, currency=currency.lower(),
                         description=str(description), status="failed" if failure_code else "succeeded",
                         failure_code=failure_code, brand=_brand(number), last4=number[-4:], exp_month=exp_month,
                         exp_year=exp_year, created=now.isoformat())
        self.charges[charge.id] = charge
        if failure_code:
            return _card_error(failure_code, message, None, charge.id)
        return 201, self._dump(charge)

    def charge(self, request: Request, charge_id: str) -> Answer:
        charge = self.charges.get(charge_id)
        if charge is None:
            raise Refusal(404, "resource_missing", f"No such charge: {charge_id}.")
        return 200, self._dump(charge)

    @staticmethod
    def _dump(charge: _Charge) -> dict[str, Any]:
        data = asdict(charge)
        data["card"] = {name: data.pop(name) for name in ("brand", "last4", "exp_month", "exp_year")}
        return data


def _card_error(code: str, message: str, param: str | None, charge_id: str | None = None) -> Answer:
    error = {"type": "card_error", "code": code, "message": message, "param": param}
    if charge_id:
        error["charge"] = charge_id
    return 402, {"error": error}


def _luhn_valid(number: str) -> bool:
    if not (number.isascii() and number.isdigit() and 12 <= len(number) <= 19):
        return False
    digits = [int(digit) for digit in reversed(number)]
    total = sum(digits[0::2]) + sum(sum(divmod(2 * digit, 10)) for digit in digits[1::2])
    return total % 10 == 0


def _brand(number: str) -> str:
    return next((brand for pattern, brand in _BRANDS if pattern.match(number)), "unknown")

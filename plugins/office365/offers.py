"""Microsoft's offers behind the plans: what is ordered for a plan, and the licence its users get.

Each offer is sold on a yearly commitment (the plan named after the offer) or a monthly one
(the same code with ``-monthly``), both billed monthly; Microsoft charges a fifth more for the
monthly commitment.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass


@dataclass(frozen=True)
class Offer:
    """What Microsoft sells for a plan: the offer ordered, and the licence (SKU) users are given."""

    offer_id: str
    sku_id: str
    sku_part_number: str


#: The plan code suffix of the monthly commitment.
MONTHLY = "-monthly"

#: Microsoft's offers, by the code of their yearly plan.
OFFERS: Mapping[str, Offer] = {
    "exchange-online": Offer("CFQ7TTC0LH16:0001", "4b9405b0-7788-4568-add1-99614e613b69", "EXCHANGESTANDARD"),
    "business-basic": Offer("CFQ7TTC0LH18:0001", "3b555118-da6a-4418-894f-7df1e2096870", "O365_BUSINESS_ESSENTIALS"),
    "business-standard": Offer("CFQ7TTC0LDPB:0001", "f245ecc8-75af-4f8e-b61f-27d8114de5f3", "O365_BUSINESS_PREMIUM"),
    "business-premium": Offer("CFQ7TTC0LCHC:0001", "cbdc14ab-d96c-4c30-b9f4-6ada7cdc1d46", "SPB"),
}


def offer_of(plan_code: str) -> Offer:
    """The offer a plan orders, on either commitment."""
    return OFFERS[plan_code.removesuffix(MONTHLY)]


def term_duration(term_months: int) -> str:
    """A commitment as Microsoft writes it: ``P1Y`` or ``P1M``."""
    return "P1Y" if term_months == 12 else "P1M"

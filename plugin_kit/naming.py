"""Names a plugin gives things at a vendor that a customer may come across (a registry contact's handle,
a hosting panel's login): after the seller the customer buys from, never after the platform."""

from __future__ import annotations

import re

from core.product_lifecycle import AccountRef

_NOT_ALPHANUMERIC = re.compile(r"[^A-Z0-9]")


def brand_prefix(account: AccountRef, longest: int = 8) -> str:
    """``account``'s slug in capital letters and digits, at most ``longest`` of them: ``BRIGHT`` for ``bright``."""
    return _NOT_ALPHANUMERIC.sub("", account.slug.upper())[:longest] or "ACCOUNT"

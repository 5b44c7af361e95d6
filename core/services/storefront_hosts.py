"""Host names to storefronts: ``<slug>.<storefront domain>`` names the seller's storefront.

One query per lookup, by the indexed slug, however many sellers the platform holds.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session, contains_eager

from core.models.accounts import Account
from core.models.storefronts import Storefront


def storefront_label(host: str, storefront_domain: str) -> str | None:
    """Return what ``host`` holds before ``.<storefront domain>`` (``""`` for the storefront domain
    itself), or ``None`` when it is not the storefronts' at all.

    The host is compared without its port, case or trailing dot, as browsers may send any of
    them. The label may still hold dots (``a.b``): such a host is the storefronts' to refuse.
    """
    name = host.strip().lower()
    if not name.endswith("]"):  # an IPv6 literal without a port keeps its colons
        name = name.rpartition(":")[0] or name
    name, suffix = name.rstrip("."), f".{storefront_domain}"
    if name == storefront_domain:
        return ""
    if not name.endswith(suffix):
        return None
    return name.removesuffix(suffix)


def find_storefront(session: Session, host: str, storefront_domain: str) -> Storefront | None:
    """Return the storefront that ``host`` names, live or closed, with its account; ``None`` for any other host."""
    label = storefront_label(host, storefront_domain)
    if not label or "." in label:
        return None
    return session.scalar(
        select(Storefront)
        .join(Storefront.account)
        .where(Account.slug == label)
        .options(contains_eager(Storefront.account))
    )

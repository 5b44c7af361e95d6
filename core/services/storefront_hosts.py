"""Host names to storefronts: ``<slug>.<storefront domain>`` names the seller's storefront.

A seller's verified custom domain names its storefront too. One query per lookup, by an
indexed column (the slug or the custom domain), however many sellers the platform holds.
"""

from __future__ import annotations

from sqlalchemy import bindparam, exists, select
from sqlalchemy.orm import Session, contains_eager

from core.models.accounts import Account
from core.models.storefronts import Storefront


def host_name(host: str) -> str:
    """``host`` as a Host header may carry it, without its port, case or trailing dot."""
    name = host.strip().lower()
    if not name.endswith("]"):  # an IPv6 literal without a port keeps its colons
        name = name.rpartition(":")[0] or name
    return name.rstrip(".")


def storefront_label(host: str, storefront_domain: str) -> str | None:
    """Return what ``host`` holds before ``.<storefront domain>`` (``""`` for the storefront domain
    itself), or ``None`` when it is not below the storefront domain at all.

    The label may still hold dots (``a.b``): such a host is the storefronts' to refuse.
    """
    name, suffix = host_name(host), f".{storefront_domain}"
    if name == storefront_domain:
        return ""
    if not name.endswith(suffix):
        return None
    return name.removesuffix(suffix)


def find_storefront(session: Session, host: str, storefront_domain: str) -> Storefront | None:
    """Return the storefront that ``host`` names, live or closed, with its account; ``None`` for any other host.

    A host below the storefront domain names a seller by its slug; any other host may be a
    seller's verified custom domain, which answers while its plan has one.
    """
    label = storefront_label(host, storefront_domain)
    if label is None:
        storefront = session.scalar(_BY_CUSTOM_DOMAIN, {"name": host_name(host)})
        return storefront if storefront is not None and storefront.serves_custom_domain else None
    if not label or "." in label:
        return None
    return session.scalar(_BY_SLUG, {"name": label})


# Built once: every storefront request runs one of them, and building a statement costs as much as running it.
_WITH_ACCOUNT = select(Storefront).join(Storefront.account).options(contains_eager(Storefront.account))
_BY_SLUG = _WITH_ACCOUNT.where(Account.slug == bindparam("name"))
_BY_CUSTOM_DOMAIN = _WITH_ACCOUNT.where(Storefront.custom_domain == bindparam("name"))


def is_custom_domain(session: Session, host: str) -> bool:
    """Whether ``host`` is a storefront's verified custom domain (one indexed look-up)."""
    return session.scalar(select(exists().where(
        Storefront.custom_domain == host_name(host), Storefront.custom_domain_verified_at.is_not(None)))) or False

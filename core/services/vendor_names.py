"""The names a seller's customers meet at vendors: the prefix of registry contact handles and hosting panel
logins, and the vanity nameservers of the domains it sells.

Anyone can read them (in WHOIS, in DNS, on a panel's login page), so they name the seller the customer
buys from, never the platform or the distributor. The seller chooses them on its storefront page; a
seller without a storefront, or that chose none, has a prefix made from its slug (``BRIGHT`` for
``bright``) and the platform's own nameservers. A new choice applies to what is registered or opened
afterwards: names already given at a vendor stay as they are.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from core.domain_names import DomainNameError, to_ascii
from core.errors import ValidationError
from core.languages import say
from core.models.accounts import Account
from core.models.storefronts import Storefront
from core.services.actors import Actor
from core.services.audit import record_event
from core.services.branding import brandable_storefront

HANDLE_PREFIX_MAX = 8
MIN_NAMESERVERS, MAX_NAMESERVERS = 2, 4

_HANDLE_PREFIX = re.compile(rf"[A-Z0-9]{{2,{HANDLE_PREFIX_MAX}}}")
_NOT_ALPHANUMERIC = re.compile(r"[^A-Z0-9]")


@dataclass(frozen=True)
class VendorNames:
    """What a seller's names at vendors look like."""

    handle_prefix: str
    #: Empty: the platform's own nameservers.
    nameservers: tuple[str, ...] = ()


def default_handle_prefix(slug: str) -> str:
    """The prefix made from an account's ``slug``, its capital letters and digits: ``BRIGHT`` for ``bright``."""
    return _NOT_ALPHANUMERIC.sub("", slug.upper())[:HANDLE_PREFIX_MAX] or "ACCOUNT"


def vendor_names(session: Session, accounts: Iterable[Account]) -> dict[int, VendorNames]:
    """Each account's names at vendors, by account id: its storefront's choice, else the defaults (one query)."""
    by_id = {account.id: account for account in accounts}
    rows = session.execute(select(Storefront.account_id, Storefront.handle_prefix, Storefront.nameservers)
                           .where(Storefront.account_id.in_(by_id)))
    chosen = {account_id: VendorNames(prefix or default_handle_prefix(by_id[account_id].slug), tuple(servers or ()))
              for account_id, prefix, servers in rows}
    return {account_id: chosen.get(account_id) or VendorNames(default_handle_prefix(account.slug))
            for account_id, account in by_id.items()}


def set_vendor_names(session: Session, *, actor: Actor, handle_prefix: str, nameservers: Sequence[str]) -> Storefront:
    """Choose the prefix of the seller's handles and logins (empty: the one made from its slug) and its vanity
    nameservers (empty ones are left out; none: the platform's own).

    Nothing is saved unless both are valid; each field at fault is named.
    """
    storefront = brandable_storefront(session, actor)
    errors: dict[str, list[str]] = {}
    try:
        prefix = _handle_prefix(session, handle_prefix, actor.account)
    except ValueError as error:
        errors["handle_prefix"] = [str(error)]
    try:
        servers = _nameservers(nameservers)
    except ValueError as error:
        errors["nameservers"] = [str(error)]
    if errors:
        raise ValidationError(errors)
    changes = {field: [before, after] for field, before, after in (
        ("handle_prefix", storefront.handle_prefix, prefix), ("nameservers", list(storefront.nameservers or []), servers),
    ) if before != after}
    if changes:
        record_event(session, account=actor.account, by=actor.user, action="storefront.vendor_names_changed",
                     target=storefront, changes=changes)
        storefront.handle_prefix, storefront.nameservers = prefix, servers
        session.flush()
    return storefront


def _handle_prefix(session: Session, value: str, seller: Account) -> str | None:
    prefix = value.strip().upper()
    if not prefix:
        return None  # the one made from the slug
    if not _HANDLE_PREFIX.fullmatch(prefix):
        raise ValueError(say("Use 2 to %(most)s letters and digits, such as %(example)s: no spaces, hyphens or accents.",
                             most=HANDLE_PREFIX_MAX, example=default_handle_prefix(seller.slug)))
    above, account = [], seller.parent
    while account is not None:
        above.append(account)
        account = account.parent
    taken = vendor_names(session, above)
    for account in above:
        if prefix == taken[account.id].handle_prefix:
            raise ValueError(say("%(prefix)s names %(seller)s, the company you buy from: choose a prefix of your own.",
                                 prefix=prefix, seller=account.name))
    return prefix


def _nameservers(values: Sequence[str]) -> list[str]:
    servers: list[str] = []
    for value in (value for value in values if value.strip()):
        try:
            server = to_ascii(value)
        except DomainNameError as error:
            raise ValueError(str(error)) from None
        if server in servers:
            raise ValueError(say("%(server)s is given twice: give each nameserver once.", server=server))
        servers.append(server)
    if servers and not MIN_NAMESERVERS <= len(servers) <= MAX_NAMESERVERS:
        raise ValueError(say("Give %(least)s to %(most)s nameservers (registries ask for two at least), or none for the "
                             "platform's own.", least=MIN_NAMESERVERS, most=MAX_NAMESERVERS))
    return servers

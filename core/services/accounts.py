"""The account tree: creating distributors, resellers and customers in the right places."""

from __future__ import annotations

import re
from collections.abc import Iterable

from sqlalchemy import exists, select
from sqlalchemy.orm import Session

from core.errors import ValidationError
from core.models.accounts import Account, AccountKind

_SLUG = re.compile(r"^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$")
_DOMAIN = re.compile(r"^(?=.{4,253}$)(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$")

#: Which kinds of account may sell to which.
_ALLOWED_PARENTS = {
    AccountKind.DISTRIBUTOR: set(),
    AccountKind.RESELLER: {AccountKind.DISTRIBUTOR},
    AccountKind.CUSTOMER: {AccountKind.DISTRIBUTOR, AccountKind.RESELLER},
}


def create_account(
    session: Session,
    *,
    kind: AccountKind,
    name: str,
    slug: str,
    parent: Account | None = None,
    reselling_enabled: bool = False,
    primary_domain: str | None = None,
    tier: str | None = None,
    addons: Iterable[str] = (),
    service_manager_active: bool = False,
) -> Account:
    """Add an account under ``parent``, checking the tree's rules and the platform-wide names."""
    kind = AccountKind(kind)
    errors: dict[str, list[str]] = {}
    name = name.strip()
    if not name:
        errors["name"] = ["Give the account a name."]
    slug = slug.strip().lower()
    if not _SLUG.match(slug):
        errors["slug"] = ["Use 1-63 lowercase letters, digits or '-', not starting or ending with '-'."]
    elif session.scalar(select(exists().where(Account.slug == slug))):
        errors["slug"] = [f"The slug {slug!r} is already taken."]
    allowed = _ALLOWED_PARENTS[kind]
    if parent is None and allowed:
        errors["parent_id"] = [f"A {kind} account needs a parent ({' or '.join(sorted(allowed))})."]
    elif parent is not None and parent.kind not in allowed:
        errors["parent_id"] = [f"A {kind} account cannot be placed under a {parent.kind}."]
    if kind is AccountKind.RESELLER and not reselling_enabled:
        errors["reselling_enabled"] = ["Only accounts with reselling enabled can be resellers."]
    if primary_domain is not None:
        primary_domain = primary_domain.strip().lower()
        if not _DOMAIN.match(primary_domain):
            errors["primary_domain"] = [f"{primary_domain!r} is not a domain name."]
        elif session.scalar(select(exists().where(Account.primary_domain == primary_domain))):
            errors["primary_domain"] = [f"The domain {primary_domain!r} already belongs to another account."]
    if errors:
        raise ValidationError(errors)
    account = Account(
        kind=kind,
        name=name,
        slug=slug,
        parent=parent,
        reselling_enabled=reselling_enabled,
        primary_domain=primary_domain,
        tier=tier,
        addons=sorted(set(addons)),
        service_manager_active=service_manager_active,
    )
    session.add(account)
    session.flush()
    return account

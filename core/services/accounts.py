"""The account tree: creating distributors, resellers and customers in the right places,
and finding accounts only where the viewer may look (its own subtree)."""

from __future__ import annotations

import re
from collections.abc import Iterable

from sqlalchemy import exists, or_, select
from sqlalchemy.orm import Session

from core.errors import NotFoundError, ValidationError
from core.models.accounts import Account, AccountKind
from core.models.people import Team, User
from core.permissions import ALL_PAYMENT_METHODS, ALL_PERMISSIONS
from core.services.audit import record_event
from core.services.storefronts import sync_storefront

_SLUG = re.compile(r"^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$")
DOMAIN_PATTERN = re.compile(r"^(?=.{4,253}$)(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$")

#: Which kinds of account may sell to which.
ALLOWED_PARENTS = {
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
    by: User | None = None,
) -> Account:
    """Add an account under ``parent`` with its owner team, checking the tree's rules and names."""
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
    allowed = ALLOWED_PARENTS[kind]
    if parent is None and allowed:
        errors["parent_id"] = [f"A {kind} account needs a parent ({' or '.join(sorted(allowed))})."]
    elif parent is not None and parent.kind not in allowed:
        errors["parent_id"] = [f"A {kind} account cannot be placed under a {parent.kind}."]
    if kind is AccountKind.RESELLER and not reselling_enabled:
        errors["reselling_enabled"] = ["Only accounts with reselling enabled can be resellers."]
    if primary_domain is not None:
        primary_domain = primary_domain.strip().lower()
        if not DOMAIN_PATTERN.match(primary_domain):
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
    account.path = f"{parent.path if parent else '/'}{account.id}/"
    session.add(
        Team(
            account=account,
            name="Owners",
            is_owner=True,
            permissions=sorted(ALL_PERMISSIONS),
            payment_methods=sorted(ALL_PAYMENT_METHODS),
            receives_renewal_reminders=True,
        )
    )
    if kind is AccountKind.DISTRIBUTOR:
        sync_storefront(session, account)
    record_event(
        session,
        account=account,
        by=by,
        action="account.created",
        target=account,
        changes={"kind": str(kind), "name": name, "slug": slug, "parent_id": parent.id if parent else None},
    )
    return account


def get_account(session: Session, viewer: Account, account_id: int) -> Account:
    """Return the account if it is ``viewer`` or below it; any other id is simply not found."""
    account = session.scalar(
        select(Account).where(Account.id == account_id, Account.path.startswith(viewer.path, autoescape=True))
    )
    if account is None:
        raise NotFoundError(f"No account {account_id}.")
    return account


def list_accounts(
    session: Session,
    viewer: Account,
    *,
    kind: AccountKind | None = None,
    search: str | None = None,
    after_id: int | None = None,
    limit: int = 50,
) -> list[Account]:
    """Return accounts below ``viewer`` (not itself), by id, filtered and paged by keyset."""
    query = select(Account).where(
        Account.path.startswith(viewer.path, autoescape=True), Account.id != viewer.id
    )
    if kind is not None:
        query = query.where(Account.kind == kind)
    if search:
        term = search.strip()
        query = query.where(
            or_(
                Account.name.icontains(term, autoescape=True),
                Account.slug.icontains(term, autoescape=True),
                Account.primary_domain.icontains(term, autoescape=True),
            )
        )
    if after_id is not None:
        query = query.where(Account.id > after_id)
    return list(session.scalars(query.order_by(Account.id).limit(limit)))

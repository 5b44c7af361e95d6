"""The account tree: creating distributors, resellers and customers in the right places,
and finding accounts only where the viewer may look (its own subtree)."""

from __future__ import annotations

import re
from collections.abc import Iterable

from sqlalchemy import ColumnElement, Select, exists, func, or_, select
from sqlalchemy.orm import Session

from core.code_words import kind_said
from core.domain_names import DomainNameError, to_ascii
from core.errors import NotFoundError, raise_field_errors
from core.languages import quoted, say
from core.models.accounts import Account, AccountKind
from core.models.people import Team, User
from core.permissions import ALL_PAYMENT_METHODS, ALL_PERMISSIONS
from core.services.audit import record_event
from core.services.storefronts import sync_storefront
from core.typed_text import checked_name

SLUG_PATTERN = r"^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$"
_SLUG = re.compile(SLUG_PATTERN)
#: An ASCII domain name of two labels or more, each of letters, digits and hyphens, none first or last, and
#: not two in third and fourth place (that is an internationalised label's, which the service reads too).
_LABEL = (r"(?:[a-z0-9](?:[a-z0-9-]?[a-z0-9])?|[a-z0-9][a-z0-9-][a-z0-9][a-z0-9-]{0,59}[a-z0-9]"
          r"|[a-z0-9][a-z0-9-]-[a-z0-9](?:[a-z0-9-]{0,58}[a-z0-9])?)").replace("a-z", "a-zA-Z")
#: A domain name in ASCII, as the API takes it: host name labels, the last (its extension) of letters only.
DOMAIN_PATTERN = rf"^{_LABEL}(?:\.{_LABEL})*\.[a-zA-Z]{{1,63}}$"
NAME_MAX_LENGTH = 200
#: Slugs no account may take: each names a storefront host (``<slug>.<storefront domain>``), and these
#: are the hosts a platform keeps for itself (its web, mail and name servers, its API and back office)
#: or that would pass for the platform's own pages; never the platform's own name, which the API's description of
#: a slug shows a reseller's customers. README.md ("Accounts, people and permissions") lists them.
RESERVED_SLUGS = frozenset({
    "admin", "administrator", "api", "app", "assets", "auth", "autoconfig", "autodiscover", "billing", "blog", "bss",
    "cdn", "dashboard", "dev", "docs", "ftp", "help", "imap", "localhost", "login", "mail", "mx", "ns1",
    "ns2", "operator", "platform", "pop", "pop3", "portal", "root", "secure", "shop", "signin", "smtp", "ssl", "staging",
    "static", "status", "support", "test", "webmail", "www",
})

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
    taken: dict[str, list[str]] = {}
    name = checked_name(name, "name", errors, missing=say("Give the account a name."), max_length=NAME_MAX_LENGTH)
    slug = slug.strip().lower() if isinstance(slug, str) else ""
    if not _SLUG.match(slug):
        errors["slug"] = [say("Use 1-63 lowercase letters, digits or '-', not starting or ending with '-'.")]
    elif slug in RESERVED_SLUGS:
        errors["slug"] = [say("The slug %(slug)s is kept for the platform's own addresses: choose another.", slug=quoted(slug))]
    elif session.scalar(select(exists().where(Account.slug == slug))):
        taken["slug"] = [say("The slug %(slug)s is already taken.", slug=quoted(slug))]
    allowed = ALLOWED_PARENTS[kind]
    if parent is None and allowed:
        errors["parent_id"] = [say("A %(kind)s account needs a parent (%(parents)s).", kind=kind_said(kind),
                                    parents=", ".join(kind_said(allowed_kind) for allowed_kind in sorted(allowed)))]
    elif parent is not None and parent.kind not in allowed:
        taken["parent_id"] = [say("A %(kind)s account cannot be placed under a %(parent)s.", kind=kind_said(kind),
                                  parent=kind_said(parent.kind))]
    if kind is AccountKind.RESELLER and not reselling_enabled:
        errors["reselling_enabled"] = [say("Only accounts with reselling enabled can be resellers.")]
    if primary_domain is not None:
        primary_domain = checked_primary_domain(session, primary_domain, errors, taken)
    raise_field_errors(errors, taken=taken)
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


def checked_primary_domain(session: Session, value: object, errors: dict[str, list[str]], taken: dict[str, list[str]],
                           *, account: Account | None = None) -> str:
    """``value`` as an account's primary domain, in its ASCII form: a domain name (IDNA2008) no other
    account than ``account`` has; what is wrong with it goes in ``errors["primary_domain"]``, or in
    ``taken`` when another account has it."""
    try:
        domain = to_ascii(value if isinstance(value, str) else "")
    except DomainNameError as error:
        errors["primary_domain"] = [str(error)]
        return value if isinstance(value, str) else ""
    other = exists().where(Account.primary_domain == domain)
    if account is not None:
        other = other.where(Account.id != account.id)
    if session.scalar(select(other)):
        taken["primary_domain"] = [say("The domain %(domain)s already belongs to another account.", domain=quoted(domain))]
    return domain


def get_account(session: Session, viewer: Account, account_id: int) -> Account:
    """Return the account if it is ``viewer`` or below it; any other id is simply not found."""
    account = session.scalar(
        select(Account).where(Account.id == account_id, Account.path.startswith(viewer.path, autoescape=True))
    )
    if account is None:
        raise NotFoundError(say("No account %(id)s.", id=account_id))
    return account


def accounts_below(viewer: Account, *, kind: AccountKind | None = None, search: str | None = None) -> Select[tuple[Account]]:
    """The query of the accounts below ``viewer`` (not itself), of ``kind``, whose name, slug or domain holds ``search``."""
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
    return query


def name_of(account_id: ColumnElement[int]) -> ColumnElement[str]:
    """The name of the account ``account_id`` names, lowercased: what a list sorts an account's column by."""
    return func.lower(select(Account.name).where(Account.id == account_id).scalar_subquery())


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
    query = accounts_below(viewer, kind=kind, search=search)
    if after_id is not None:
        query = query.where(Account.id > after_id)
    return list(session.scalars(query.order_by(Account.id).limit(limit)))

"""Changing the account tree from above: a seller opens accounts below it and edits them."""

from __future__ import annotations

import re
from typing import Any

from sqlalchemy import exists, func, literal, select, update
from sqlalchemy.orm import Session

from core.errors import (
    ConflictError,
    NotFoundError,
    PermissionDeniedError,
    UnknownReferenceError,
    ValidationError,
    raise_field_errors,
)
from core.languages import quoted, say
from core.models.accounts import Account, AccountKind
from core.models.people import User
from core.services.accounts import (
    NAME_MAX_LENGTH,
    checked_primary_domain,
    create_account,
    get_account,
)
from core.services.audit import record_event
from core.services.orders import grant_starter_plans
from core.services.price_lists import wholesale_tiers
from core.typed_text import checked_name

#: What a seller may change on an account after creating it.
CHANGEABLE_FIELDS = frozenset({"name", "reselling_enabled", "primary_domain", "tax_id", "tier"})
#: A VAT, GST or sales tax number as tax offices print them, spaces aside: ``FR40303265045``, ``GB123456789``.
_TAX_ID = re.compile(r"^[A-Z0-9][A-Z0-9./-]{1,39}$")


def create_account_below(
    session: Session,
    *,
    viewer: Account,
    by: User,
    kind: AccountKind,
    name: str,
    slug: str,
    parent_id: int | None = None,
    reselling_enabled: bool = False,
    primary_domain: str | None = None,
) -> Account:
    """Open a reseller or customer account under ``viewer`` or an account below it, with the
    plans it holds from the start.

    A ``parent_id`` outside the viewer's subtree is reported like one that does not exist.
    """
    if kind is AccountKind.DISTRIBUTOR:
        raise ValidationError({"kind": [say("Only the platform operator creates distributors.")]})
    parent = viewer
    if parent_id is not None:
        try:
            parent = get_account(session, viewer, parent_id)
        except NotFoundError:
            raise UnknownReferenceError({"parent_id": [say("No account %(id)s.", id=parent_id)]}) from None
    account = create_account(
        session,
        kind=kind,
        name=name,
        slug=slug,
        parent=parent,
        reselling_enabled=reselling_enabled,
        primary_domain=primary_domain,
        by=by,
    )
    grant_starter_plans(session, account)
    return account


def update_account(
    session: Session, *, viewer: Account, account_id: int, by: User, changes: dict[str, Any]
) -> Account:
    """Change the name, reselling box, primary domain, tax id or price tier of an account (``viewer`` or one below
    it). Its seller changes only by a transfer (``core.services.transfers``), with the customer's consent.

    Only the seller decides whether an account may resell, and a reseller's tier (which of its
    seller's wholesale price lists, with their volume tiers, prices it): ``viewer`` cannot change
    those on itself. Nothing is changed unless every change is valid.
    """
    account = get_account(session, viewer, account_id)
    wanted = _validated(session, account, changes)
    if "reselling_enabled" in wanted:
        _check_reselling_change(session, viewer, account, wanted["reselling_enabled"])
    if "tier" in wanted and account.id == viewer.id:
        raise PermissionDeniedError(say("Only your seller sets your price tier."))
    changed = {
        field: [getattr(account, field), value]
        for field, value in wanted.items()
        if getattr(account, field) != value
    }
    for field, (_before, after) in changed.items():
        setattr(account, field, after)
    if changed:
        record_event(session, account=account, by=by, action="account.changed", target=account, changes=changed)
    session.flush()
    if changed.get("reselling_enabled", [None, False])[1] is True:
        grant_starter_plans(session, account)
    return account


def moved_by_transfer() -> str:
    """Why an account's seller is not changed like its other fields, in the reader's language."""
    return say("An account moves to another seller by a transfer, with its consent and its subscriptions: "
               "start one (POST /api/v1/transfers, or the account's page).")


def _validated(session: Session, account: Account, changes: dict[str, Any]) -> dict[str, Any]:
    """Return ``changes`` normalised, or raise naming every field at fault."""
    errors: dict[str, list[str]] = {
        field: [moved_by_transfer() if field == "parent_id" else say("This field cannot be changed.")]
        for field in changes if field not in CHANGEABLE_FIELDS
    }
    wanted: dict[str, Any] = {}
    unknown: dict[str, list[str]] = {}
    taken: dict[str, list[str]] = {}
    if "name" in changes:
        wanted["name"] = checked_name(changes["name"], "name", errors, missing=say("Give the account a name."),
                                      max_length=NAME_MAX_LENGTH)
    if "reselling_enabled" in changes:
        if not isinstance(changes["reselling_enabled"], bool):
            errors["reselling_enabled"] = [say("Say true or false.")]
        wanted["reselling_enabled"] = changes["reselling_enabled"]
    if "primary_domain" in changes:
        domain = changes["primary_domain"]
        if domain is not None:
            domain = checked_primary_domain(session, domain, errors, taken, account=account)
        wanted["primary_domain"] = domain
    if "tier" in changes:
        wanted["tier"] = _tier(session, account, changes["tier"], unknown, taken)
    if "tax_id" in changes:
        tax_id = changes["tax_id"]
        if tax_id is not None:
            tax_id = re.sub(r"\s+", "", tax_id).upper() if isinstance(tax_id, str) else ""
            if not _TAX_ID.match(tax_id):
                errors["tax_id"] = [say("Give the tax number as your tax office writes it, 2 to 40 letters and digits: "
                                        "FR40303265045.")]
        wanted["tax_id"] = tax_id or None
    raise_field_errors(errors, unknown=unknown, taken=taken)
    return wanted


def _tier(session: Session, account: Account, tier: object, unknown: dict[str, list[str]],
          clashes: dict[str, list[str]]) -> str | None:
    """A reseller's tier, named by one of its seller's wholesale price lists (or ``None``: the default list)."""
    if tier is None or tier == "":
        return None
    name = tier.strip() if isinstance(tier, str) else ""
    if account.kind is not AccountKind.RESELLER:
        clashes["tier"] = [say("Only a reseller has a price tier.")]
    elif account.parent_id is None or name not in wholesale_tiers(session, account.parent_id):
        unknown["tier"] = [say("No wholesale price list is for tier %(tier)s: make one first, then choose it.",
                               tier=quoted(name))]
    return name


def move_subtree(session: Session, account: Account, parent: Account) -> None:
    """Rewrite the path of ``account`` and everything below it to hang under ``parent``."""
    old_path, new_path = account.path, f"{parent.path}{account.id}/"
    session.execute(
        update(Account)
        .where(Account.path.startswith(old_path, autoescape=True))
        .values(path=literal(new_path) + func.substr(Account.path, len(old_path) + 1)),
        execution_options={"synchronize_session": "fetch"},
    )
    account.parent = parent


def _check_reselling_change(session: Session, viewer: Account, account: Account, enabled: bool) -> None:
    if enabled == account.reselling_enabled:
        return
    if account.id == viewer.id:
        raise PermissionDeniedError(say("Only your seller can change whether your account may resell."))
    if enabled:
        return
    if session.scalar(select(exists().where(Account.parent_id == account.id))):
        raise ConflictError(say("%(account)s still has accounts of its own: it must keep reselling enabled.",
                                account=account.name))
    if account.kind is AccountKind.RESELLER:
        raise ConflictError(say("%(account)s is a reseller: resellers keep reselling enabled.", account=account.name))

"""The distributor programme: tier, add-ons and Service Manager, set by platform operators."""

from __future__ import annotations

import re
from collections.abc import Iterable

from sqlalchemy.orm import Session

from core.code_words import kind_said
from core.errors import PermissionDeniedError, ValidationError
from core.languages import quoted, say
from core.models.accounts import Account, AccountKind
from core.models.people import User
from core.services.audit import record_event

_NAME = re.compile(r"^[a-z][a-z0-9-]{0,39}$")


def require_operator(user: User | None) -> None:
    """Only platform operators (or the platform itself, ``None``) run the programme."""
    if user is not None and not user.platform_operator:
        raise PermissionDeniedError(say("Only platform operators change a distributor's programme."))


def set_distributor_programme(
    session: Session,
    *,
    account: Account,
    by: User | None,
    tier: str | None,
    addons: Iterable[str],
    service_manager_active: bool,
) -> Account:
    """Set what the distributor has bought from the platform; each change is audited."""
    require_operator(by)
    if account.kind is not AccountKind.DISTRIBUTOR:
        raise ValidationError({"account": [say("%(account)s is a %(kind)s, not a distributor.", account=account.name,
                                                kind=kind_said(account.kind))]})
    tier = (tier or "").strip().lower() or None
    clean_addons = sorted({addon.strip().lower() for addon in addons if addon.strip()})
    errors: dict[str, list[str]] = {}
    if tier is not None and not _NAME.match(tier):
        errors["tier"] = [say("%(tier)s: use lowercase letters, digits and '-', like diamond-distribution.", tier=quoted(tier))]
    bad = [addon for addon in clean_addons if not _NAME.match(addon)]
    if bad:
        errors["addons"] = [say("%(addons)s: use lowercase letters, digits and '-'.", addons=", ".join(bad))]
    if errors:
        raise ValidationError(errors)
    changes = {
        field: [getattr(account, field), value]
        for field, value in (("tier", tier), ("addons", clean_addons), ("service_manager_active", service_manager_active))
        if getattr(account, field) != value
    }
    for field, (_, value) in changes.items():
        setattr(account, field, value)
    if changes:
        record_event(session, account=account, by=by, action="account.programme_changed", target=account,
                     changes=changes)
    return account

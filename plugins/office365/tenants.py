"""Each customer's Microsoft 365 tenant: its initial domain, chosen at the first purchase and kept.

A customer's first Microsoft 365 order names the prefix of its tenant's initial domain
(``<prefix>.onmicrosoft.com``). The prefix is checked against Microsoft's rules, with Microsoft
(still free?) and against the platform (one account per prefix, held here) before the order is
accepted; later orders of the customer reuse its tenant. Microsoft is asked first, before the
order's transaction opens (``ask_microsoft``), so that no transaction waits on it;
``reserve_tenant`` then decides in the transaction with Microsoft's answer.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import datetime
from typing import Any

from sqlalchemy import ForeignKey, String, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Mapped, Session, mapped_column

from core.db import Base
from core.errors import ValidationError
from core.languages import say
from core.models._columns import created_at_column
from core.models.accounts import Account
from core.product_lifecycle import RetryableError
from plugins.office365.connector import Office365Client
from plugins.office365.settings import load_settings

#: Microsoft's rule for the initial domain's prefix: letters and digits, at most 27 of them.
MAX_PREFIX = 27
PREFIX_PATTERN = re.compile(rf"^[a-z0-9]{{1,{MAX_PREFIX}}}$")
INITIAL_DOMAIN = "onmicrosoft.com"
FIELD = "params.tenant_prefix"


class Tenant(Base):
    """The tenant a customer account holds at Microsoft, reserved when its first order is placed."""

    __tablename__ = "office365_tenants"

    id: Mapped[int] = mapped_column(primary_key=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id"), unique=True)
    #: ``<domain_prefix>.onmicrosoft.com`` is the tenant's initial domain.
    domain_prefix: Mapped[str] = mapped_column(String(MAX_PREFIX), unique=True)
    created_at: Mapped[datetime] = created_at_column()

    @property
    def domain(self) -> str:
        return initial_domain(self.domain_prefix)


def initial_domain(prefix: str) -> str:
    return f"{prefix}.{INITIAL_DOMAIN}"


def prefix_problem(prefix: str) -> str | None:
    """What breaks Microsoft's rules in ``prefix`` (already lower-cased), if anything."""
    if PREFIX_PATTERN.match(prefix):
        return None
    if len(prefix) > MAX_PREFIX:
        return say("Use at most %(most)s characters (this has %(count)s).", most=MAX_PREFIX, count=len(prefix))
    return say("Use only letters and digits: no spaces, hyphens, dots or accents.")


def tenant_of(session: Session, account: Account) -> Tenant | None:
    return session.scalar(select(Tenant).where(Tenant.account_id == account.id))


def ask_microsoft(prefix: str) -> dict[str, Any]:
    """Ask Microsoft whether ``<prefix>.onmicrosoft.com`` is free; it touches no database.

    Answers ``{"domain": ..., "available": bool}``, or ``{"domain": ..., "unknown": why}`` when
    Microsoft could not say, for ``reserve_tenant`` to decide on.
    """
    domain = initial_domain(prefix)
    try:
        return {"domain": domain, "available": Office365Client(load_settings()).domain_available(domain)}
    except RetryableError as error:
        return {"domain": domain, "unknown": str(error)}


def reserve_tenant(session: Session, owner: Account, asked: str | None, at_microsoft: Mapping[str, Any]) -> Tenant:
    """The owner's tenant: the one it has, else a new one on ``asked`` if it is free on the platform and,
    by ``at_microsoft`` (what ``ask_microsoft`` answered before the transaction opened), at Microsoft."""
    held = tenant_of(session, owner)
    if held is not None:
        if asked and asked != held.domain_prefix:
            raise ValidationError({FIELD: [say("%(account)s already has its tenant, %(tenant)s: leave this empty.",
                                               account=owner.name, tenant=held.domain)]})
        return held
    if not asked:
        raise ValidationError({FIELD: [say("Choose the prefix of the new tenant's domain: <prefix>.%(domain)s.",
                                           domain=INITIAL_DOMAIN)]})
    taken = [say("%(domain)s is taken: choose another prefix.", domain=initial_domain(asked))]
    if session.scalar(select(Tenant.id).where(Tenant.domain_prefix == asked)) is not None:
        raise ValidationError({FIELD: taken})
    if at_microsoft.get("domain") != initial_domain(asked):
        raise ValidationError({FIELD: [say("Microsoft was not asked whether %(domain)s is free: try again.",
                                           domain=initial_domain(asked))]})
    if "unknown" in at_microsoft:
        raise ValidationError({FIELD: [say("Microsoft could not be asked whether %(domain)s is free (%(error)s). "
                                           "Try again in a minute.", domain=initial_domain(asked),
                                           error=at_microsoft["unknown"])]})
    if not at_microsoft["available"]:
        raise ValidationError({FIELD: taken})
    tenant = Tenant(account_id=owner.id, domain_prefix=asked)
    try:
        with session.begin_nested():  # another order may have reserved it since the check above
            session.add(tenant)
    except IntegrityError:
        raise ValidationError({FIELD: taken}) from None
    return tenant

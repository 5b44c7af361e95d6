"""An account's domains once it runs: adding one (within its extra domains), removing one, and
checking in the DNS whether each is protected, pending or misconfigured.

Each reads what it needs, ends the transaction (``core.db.end_before_outside_call``), asks the
service or the DNS, then writes what it learnt: no transaction waits on the outside world. A
domain is held on the platform for one account at a time (``ProtectedDomain``), and the service
refuses one another of its accounts has.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import NoReturn, TypeVar

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from core.clock import utcnow
from core.code_words import status_said
from core.db import end_before_outside_call
from core.dns import LookupFailedError
from core.errors import ConflictError, NotFoundError, ValidationError, VendorUnavailableError
from core.languages import quoted
from core.models.subscriptions import Subscription
from core.permissions import Permission
from core.services.actors import Actor
from core.services.audit import record_event
from plugin_kit.vendor_http import VendorError
from plugins.email_security.accounts import RUNNING, account_subscription, domains_of
from plugins.email_security.connector import EmailSecurityClient
from plugins.email_security.dns_records import Lookup, classify
from plugins.email_security.domain_names import DomainNameError, registrable, to_ascii, to_unicode
from plugins.email_security.models import ProtectedDomain
from plugins.email_security.reservations import stands
from plugins.email_security.texts import said

T = TypeVar("T")


def add_domain(session: Session, *, actor: Actor, subscription_id: int, domain: str) -> ProtectedDomain:
    """Add ``domain`` to the account: it takes one of the account's free extra domains."""
    actor.require(Permission.MANAGE_SUBSCRIPTIONS)
    subscription = _running(session, actor, subscription_id)
    try:
        name = registrable(domain)
    except DomainNameError as error:
        raise ValidationError({"domain": [str(error)]}) from None
    held = session.scalar(select(ProtectedDomain).where(ProtectedDomain.name == name))
    ours = held is not None and (held.owner_id, held.account_domain) == (subscription.owner_id, subscription.params["domain"])
    if held is not None and not ours and stands(session, held.owner_id, held.account_domain):
        raise ValidationError({"domain": [said("%(domain)s is already protected by another account.",
                                              domain=to_unicode(name))]})
    account_id = _account_id(subscription)
    end_before_outside_call(session)
    client = EmailSecurityClient()
    _at_service(lambda: client.add_domain(account_id, name), taken_field="domain", name=name)
    if held is not None and not ours:
        session.delete(held)  # held for an account that no longer stands
        session.flush()
    if not ours:
        held = ProtectedDomain(owner_id=subscription.owner_id, account_domain=subscription.params["domain"], name=name,
                               is_primary=False)
        try:
            with session.begin_nested():
                session.add(held)
        except IntegrityError:  # an order took it while the service was asked: give it back there
            session.rollback()  # nothing of this request is kept, and no transaction waits on the service
            _at_service(lambda: client.remove_domain(account_id, name))
            raise ValidationError({"domain": [said("%(domain)s is being ordered by another account.",
                                                  domain=to_unicode(name))]}) from None
    record_event(session, account=subscription.owner, by=actor.user, action="email_security.domain_added",
                 target=subscription, changes={"domain": name})
    assert held is not None
    return held


def remove_domain(session: Session, *, actor: Actor, subscription_id: int, domain: str) -> None:
    """Remove an extra domain from the account: its extra domain becomes free."""
    actor.require(Permission.MANAGE_SUBSCRIPTIONS)
    subscription = _running(session, actor, subscription_id)
    try:
        name = to_ascii(domain)
    except DomainNameError:
        raise NotFoundError(said("The account has no domain %(domain)s.", domain=quoted(domain[:80]))) from None
    row = next((row for row in domains_of(session, subscription) if row.name == name), None)
    if row is None:
        raise NotFoundError(said("The account has no domain %(domain)s.", domain=to_unicode(name)))
    if row.is_primary:
        raise ConflictError(said("%(domain)s is the account's own domain: it goes when the account is cancelled.",
                                domain=to_unicode(name)))
    account_id = _account_id(subscription)
    end_before_outside_call(session)
    client = EmailSecurityClient()
    try:
        client.remove_domain(account_id, name)
    except VendorError as error:
        if error.status != 404:  # a domain still waiting was never at the service
            _refused(error)
    session.delete(row)
    record_event(session, account=subscription.owner, by=actor.user, action="email_security.domain_removed",
                 target=subscription, changes={"domain": name})
    session.flush()


def check_dns(session: Session, *, actor: Actor, subscription_id: int, lookup: Lookup) -> list[ProtectedDomain]:
    """Look each domain of the account up in the DNS and keep where it stands: protected, pending or misconfigured."""
    subscription = account_subscription(session, actor.account, subscription_id)
    rows = domains_of(session, subscription)
    account_id = _account_id(subscription)
    end_before_outside_call(session)
    account = _at_service(lambda: EmailSecurityClient().account(account_id))
    try:
        findings = {row.name: classify(lookup(row.name), account.mx_records, account.spf_include) for row in rows}
    except LookupFailedError:
        raise VendorUnavailableError(said("The DNS did not answer: nothing was checked. "
                                         "Try again in a few minutes.")) from None
    now = utcnow()
    for row in rows:
        finding = findings[row.name]
        row.dns_status, row.dns_reason = finding.status, finding.reason.value
        row.dns_hosts, row.checked_at = ",".join(finding.other_hosts), now
    record_event(session, account=subscription.owner, by=actor.user, action="email_security.dns_checked",
                 target=subscription, changes={row.name: row.dns_status.value for row in rows})
    session.flush()
    return rows


def _running(session: Session, actor: Actor, subscription_id: int) -> Subscription:
    subscription = account_subscription(session, actor.account, subscription_id)
    if subscription.status not in RUNNING:
        raise ConflictError(said("The account is %(status)s: its domains can be changed while it is active.",
                                status=status_said(subscription.status)))
    return subscription


def _account_id(subscription: Subscription) -> str:
    account_id = subscription.provisioning_data.get("account_id")
    if account_id is None:
        raise ConflictError(said("The account is not set up at the email security service yet: "
                                "try again once it is active."))
    return str(account_id)


def _at_service(call: Callable[[], T], *, taken_field: str = "", name: str = "") -> T:
    """Make a call to the service; its refusals become the errors people read."""
    try:
        return call()
    except VendorError as error:
        _refused(error, taken_field, name)


def _refused(error: VendorError, taken_field: str = "", name: str = "") -> NoReturn:
    """Raise what a person reads for the service's refusal (or its silence)."""
    if error.retryable:
        raise VendorUnavailableError(said("The email security service is not answering just now: nothing was changed. "
                                         "Try again in a minute.")) from None
    if error.code == "domain_limit_reached":
        raise ConflictError(said("%(reason)s Add an extra domain to the account first.", reason=error.message)) from None
    if error.code == "domain_taken" and taken_field:
        raise ValidationError({taken_field: [said("%(domain)s is already protected by another account.",
                                                 domain=to_unicode(name))]}) from None
    if error.status == 404:
        raise NotFoundError(error.message) from None
    raise ConflictError(said("The email security service refused: %(reason)s", reason=error.message)) from None

"""A seller's own domain for its storefront (``shop.example.com``), proven by a DNS TXT record.

The seller names the domain; the platform gives it a token to publish as a TXT record at
``_domain-verification.<domain>`` (a neutral name: DNS is public, and the seller's customers may
read it); once a look-up finds it, visitors reach the shop at that
host. The domain keeps working while the seller's plan has ``custom_domain``: losing it (a
downgrade) stops the domain at once, and getting it back restores it, still verified.
"""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy import exists, select
from sqlalchemy.orm import Session

from core.clock import utcnow
from core.db import end_before_outside_call
from core.dns import LookupFailedError
from core.domain_names import DomainNameError, to_ascii
from core.errors import PermissionDeniedError, ValidationError
from core.languages import say
from core.models.storefronts import Storefront
from core.services.actors import Actor
from core.services.audit import record_event
from core.services.branding import brandable_storefront
from core.services.entitlements import CUSTOM_DOMAIN
from core.services.storefront_hosts import storefront_label
from core.tokens import new_secret

RECORD_PREFIX = "_domain-verification"
TOKEN_PREFIX = "domain-verification="


def verification_record(storefront: Storefront) -> tuple[str, str]:
    """The TXT record the seller publishes: its name and its value."""
    return f"{RECORD_PREFIX}.{storefront.custom_domain}", f"{TOKEN_PREFIX}{storefront.custom_domain_token}"


def set_custom_domain(session: Session, *, actor: Actor, domain: str, storefront_domain: str,
                      reserved_hosts: frozenset[str]) -> Storefront:
    """Name the storefront's custom domain (unverified until its TXT record is found); empty removes it.

    ``storefront_domain`` and ``reserved_hosts`` (the back office's host names) are the
    platform's own: no seller may claim them or a host below the storefront domain.
    """
    storefront = _entitled_storefront(session, actor)
    if not domain.strip().rstrip("."):
        return _forget(session, actor, storefront)
    try:
        domain = to_ascii(domain)  # "café.example" is "xn--caf-dma.example" on the wire
    except DomainNameError as error:
        raise ValidationError({"custom_domain": [str(error)]}) from None
    problem = _domain_problem(domain, storefront_domain, reserved_hosts)
    if problem is None and session.scalar(select(exists().where(
            Storefront.custom_domain == domain, Storefront.id != storefront.id))):
        problem = say("%(domain)s is already another shop's domain.", domain=domain)
    if problem:
        raise ValidationError({"custom_domain": [problem]})
    if domain != storefront.custom_domain:
        record_event(session, account=actor.account, by=actor.user, action="storefront.custom_domain_set",
                     target=storefront, changes={"custom_domain": [storefront.custom_domain, domain]})
        storefront.custom_domain, storefront.custom_domain_verified_at = domain, None
        storefront.custom_domain_token = new_secret()[:32]
        session.flush()
    return storefront


def verify_custom_domain(session: Session, *, actor: Actor, lookup: Callable[[str], list[str]]) -> Storefront:
    """Look the TXT record up (``lookup(name)`` answers its texts); the domain answers once it is found.

    The lookup runs with no transaction open (the session's is committed first: nothing is
    written yet), as a DNS server may take seconds; a domain renamed meanwhile is not verified.
    """
    storefront = _entitled_storefront(session, actor)
    if storefront.custom_domain is None:
        raise ValidationError({"custom_domain": [say("Name your domain first.")]})
    name, value = verification_record(storefront)
    end_before_outside_call(session)
    try:
        found = lookup(name)
    except LookupFailedError:
        raise ValidationError({"custom_domain": [say("The DNS did not answer: try again in a few minutes.")]}) from None
    if value not in found:
        raise ValidationError({"custom_domain": [
            say("No TXT record %(name)s with the value %(value)s was found yet. DNS changes can take a while to spread: "
                "check the record, then try again.", name=name, value=value)]})
    session.refresh(storefront)
    if verification_record(storefront) != (name, value):
        raise ValidationError({"custom_domain": [say("The domain changed while %(name)s was looked up: verify it again.",
                                                      name=name)]})
    if storefront.custom_domain_verified_at is None:
        storefront.custom_domain_verified_at = utcnow()
        record_event(session, account=actor.account, by=actor.user, action="storefront.custom_domain_verified",
                     target=storefront, changes={"custom_domain": storefront.custom_domain})
        session.flush()
    return storefront


def _forget(session: Session, actor: Actor, storefront: Storefront) -> Storefront:
    if storefront.custom_domain is not None:
        record_event(session, account=actor.account, by=actor.user, action="storefront.custom_domain_set",
                     target=storefront, changes={"custom_domain": [storefront.custom_domain, None]})
        storefront.custom_domain = storefront.custom_domain_token = storefront.custom_domain_verified_at = None
        session.flush()
    return storefront


def _entitled_storefront(session: Session, actor: Actor) -> Storefront:
    storefront = brandable_storefront(session, actor)
    if CUSTOM_DOMAIN not in storefront.entitlements:
        raise PermissionDeniedError(say("The plan %(account)s is on has no custom domain: Standard has one.",
                                        account=actor.account.name))
    return storefront


def _domain_problem(domain: str, storefront_domain: str, reserved_hosts: frozenset[str]) -> str | None:
    if storefront_label(domain, storefront_domain) is not None or domain in reserved_hosts:
        return say("%(domain)s belongs to the platform: give a domain of your own.", domain=domain)
    return None

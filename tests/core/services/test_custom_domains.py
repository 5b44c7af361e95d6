"""A Standard reseller's own domain: named, proven by a TXT record over real DNS, then serving its shop."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from functools import partial

import pytest
from sqlalchemy import select

from core.dns import LookupFailedError, txt_records
from core.errors import PermissionDeniedError, ValidationError
from core.models.audit import AuditEvent
from core.services.custom_domains import set_custom_domain, verification_record, verify_custom_domain
from core.services.renewals import run_period_ends
from core.services.storefront_hosts import find_storefront
from core.services.subscriptions import act_on_subscription
from plugin_kit.testing import provision_due
from tests.dns import DnsServer

PLATFORM = {"storefront_domain": "shop.localhost", "reserved_hosts": frozenset({"127.0.0.1:5000", "localhost"})}


@pytest.fixture
def dns_server() -> Iterator[DnsServer]:
    with DnsServer().running() as server:
        yield server


@pytest.fixture
def lookup(dns_server: DnsServer):
    return partial(txt_records, resolver_address=dns_server.address)


def _name(db, actor_for, domain):
    storefront = set_custom_domain(db, actor=actor_for("bright"), domain=domain, **PLATFORM)
    db.commit()
    return storefront


def test_a_domain_serves_the_shop_once_its_txt_record_is_found(db, shops, actor_for, dns_server, lookup):
    storefront = _name(db, actor_for, "Shop.Bright-IT.example.")
    assert storefront.custom_domain == "shop.bright-it.example"
    assert find_storefront(db, "shop.bright-it.example", "shop.localhost") is None  # not before it is proven

    name, value = verification_record(storefront)
    assert name == "_domain-verification.shop.bright-it.example" and value.startswith("domain-verification=")
    with pytest.raises(ValidationError, match="No TXT record"):
        verify_custom_domain(db, actor=actor_for("bright"), lookup=lookup)
    dns_server.txt[name] = ["v=spf1 -all", "domain-verification=someone-elses"]
    with pytest.raises(ValidationError, match="No TXT record"):
        verify_custom_domain(db, actor=actor_for("bright"), lookup=lookup)

    dns_server.txt[name].append(value)
    verify_custom_domain(db, actor=actor_for("bright"), lookup=lookup)
    db.commit()
    assert find_storefront(db, "SHOP.bright-it.example:443", "shop.localhost").account == shops["bright"]
    assert db.scalar(select(AuditEvent).where(AuditEvent.action == "storefront.custom_domain_verified")) is not None


def test_a_new_domain_needs_proving_again(db, shops, actor_for, dns_server, lookup):
    storefront = _name(db, actor_for, "shop.bright-it.example")
    name, value = verification_record(storefront)
    dns_server.txt[name] = [value]
    verify_custom_domain(db, actor=actor_for("bright"), lookup=lookup)
    storefront = _name(db, actor_for, "www.bright-it.example")
    assert storefront.custom_domain_verified_at is None and verification_record(storefront)[1] != value
    assert find_storefront(db, "shop.bright-it.example", "shop.localhost") is None
    assert find_storefront(db, "www.bright-it.example", "shop.localhost") is None


def test_a_domain_renamed_while_its_record_is_looked_up_is_not_verified(db, shops, actor_for, dns_server, lookup):
    storefront = _name(db, actor_for, "shop.bright-it.example")
    name, value = verification_record(storefront)
    dns_server.txt[name] = [value]

    def renamed_meanwhile(asked: str) -> list[str]:
        found = lookup(asked)  # the DNS is asked with no transaction open; another request renames the domain
        _name(db, actor_for, "store.bright-it.example")
        return found

    with pytest.raises(ValidationError, match="The domain changed while"):
        verify_custom_domain(db, actor=actor_for("bright"), lookup=renamed_meanwhile)
    db.rollback()
    assert find_storefront(db, "store.bright-it.example", "shop.localhost") is None


@pytest.mark.parametrize(("domain", "problem"), [
    ("localhost", "has no extension"),
    ("not a domain.example", "more than a name"),
    ("-bad.example", "cannot start or end with a hyphen"),
    ("shop.example.123", "123 is not an extension"),
    ("💩.example", "IDNA2008"),  # no emoji, in either form
    ("xn--ls8h.example", "not a valid internationalised"),
    ("corner.shop.localhost", "belongs to the platform"),
    ("shop.localhost", "belongs to the platform"),
])
def test_a_domain_that_is_not_the_sellers_to_claim_is_refused_by_name(db, shops, actor_for, domain, problem):
    with pytest.raises(ValidationError) as refused:
        set_custom_domain(db, actor=actor_for("bright"), domain=domain, **PLATFORM)
    assert list(refused.value.fields) == ["custom_domain"] and problem in refused.value.fields["custom_domain"][0]


def test_an_internationalised_name_is_kept_in_its_ascii_form(db, shops, actor_for):
    assert _name(db, actor_for, "boutique.café.example").custom_domain == "boutique.xn--caf-dma.example"


def test_one_domain_one_shop(db, shops, actor_for, reseller_plan):
    _name(db, actor_for, "shop.bright-it.example")
    reseller_plan("corner", "standard")
    with pytest.raises(ValidationError, match="already another shop's domain"):
        set_custom_domain(db, actor=actor_for("corner"), domain="shop.bright-it.example", **PLATFORM)


def test_a_custom_domain_comes_with_standard_and_stops_with_it(frozen_clock, db, shops, plans, actor_for, reseller_plan,
                                                               dns_server, lookup):
    storefront = _name(db, actor_for, "shop.bright-it.example")
    name, value = verification_record(storefront)
    dns_server.txt[name] = [value]
    verify_custom_domain(db, actor=actor_for("bright"), lookup=lookup)
    standard = reseller_plan("bright", "standard")
    act_on_subscription(db, actor=actor_for("bright"), subscription_id=standard.id, action="change",
                        plan_id=plans["reseller-plan/free"].id)
    db.commit()
    assert find_storefront(db, "shop.bright-it.example", "shop.localhost") is not None  # until the end of the term
    frozen_clock.advance(standard.current_period_end - frozen_clock.now() + timedelta(minutes=1))
    run_period_ends(db)
    db.commit()
    provision_due(db)
    assert find_storefront(db, "shop.bright-it.example", "shop.localhost") is None
    with pytest.raises(PermissionDeniedError, match="Standard has one"):
        set_custom_domain(db, actor=actor_for("bright"), domain="other.example", **PLATFORM)
    reseller_plan("bright", "standard")  # an upgrade applies at once, and the proven domain answers again
    assert find_storefront(db, "shop.bright-it.example", "shop.localhost").account == shops["bright"]


def test_an_unreachable_dns_is_told_apart_from_a_missing_record(db, shops, actor_for):
    _name(db, actor_for, "shop.bright-it.example")

    def down(name: str) -> list[str]:
        raise LookupFailedError("timed out")

    with pytest.raises(ValidationError, match="did not answer"):
        verify_custom_domain(db, actor=actor_for("bright"), lookup=down)


def test_removing_the_domain_forgets_it(db, shops, actor_for):
    _name(db, actor_for, "shop.bright-it.example")
    storefront = _name(db, actor_for, "")
    assert (storefront.custom_domain, storefront.custom_domain_token) == (None, None)

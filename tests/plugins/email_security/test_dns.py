"""The "check DNS" action: each domain's MX and SPF records looked up on a real DNS server (one on
loopback, answering for the test's zones) and each domain shown protected, pending or misconfigured."""

import pytest

from core.dns import LookupFailedError
from core.errors import VendorUnavailableError
from plugin_kit.testing import BRIGHT, text_of
from plugins.email_security.connector import MxRecord
from plugins.email_security.dns_records import Reason, Records, classify
from plugins.email_security.domains import check_dns
from plugins.email_security.models import DnsStatus

SERVICE_MX = ["mx1.filter.example", "mx2.filter.example"]
SPF = "v=spf1 include:spf.filter.example ~all"


def test_checking_the_dns_shows_each_domain_protected_pending_or_misconfigured(
        db, shops, account, client, shop_sign_in, shop_post, dns_server):
    subscription = account("maple", "maple-bakery.example", 4,
                           extra_domains=["maple-cakes.example", "maple-pies.example", "maple-tarts.example"])
    dns_server.publish("maple-bakery.example", mx=SERVICE_MX, txt=[SPF, "google-site-verification=abc"])
    dns_server.publish("maple-cakes.example", mx=["mail.old-host.example"], txt=["v=spf1 mx -all"])
    dns_server.publish("maple-pies.example", mx=["mx1.filter.example", "mail.old-host.example"], txt=[SPF])
    dns_server.publish("maple-tarts.example", mx=SERVICE_MX, txt=["v=spf1 mx -all"])
    shop_sign_in("owner@maple.example")
    page = text_of(client.get(f"/email-security/{subscription.id}", base_url=BRIGHT))
    assert page.count("Not checked yet") == 4
    assert "MX @ 10 mx1.filter.example MX @ 20 mx2.filter.example TXT @ v=spf1 include:spf.filter.example ~all" in page

    checked = shop_post(f"/email-security/{subscription.id}/dns-check")
    assert checked.status_code == 303
    page = text_of(client.get(checked.location, base_url=BRIGHT))
    assert "DNS checked: 1 of 4 domains protected." in page
    assert ("maple-bakery.example (the account's own) Protected Mail goes through the service, and the SPF record "
            "includes it.") in page
    assert ("maple-cakes.example Pending The domain's mail still goes to mail.old-host.example: publish the records "
            "below instead.") in page
    assert ("maple-pies.example Misconfigured mail.old-host.example also receive the domain's mail, which so goes "
            "round the filtering: remove them.") in page
    assert ("maple-tarts.example Misconfigured The domain's SPF record does not include the service: publish the one "
            "below instead.") in page

    dns_server.publish("maple-cakes.example", mx=SERVICE_MX, txt=[SPF])  # the customer publishes the records
    shop_post(f"/email-security/{subscription.id}/dns-check")
    page = text_of(client.get(f"/email-security/{subscription.id}", base_url=BRIGHT))
    assert "maple-cakes.example Protected" in page


def test_the_check_speaks_french_to_a_french_customer(db, shops, account, client, shop_sign_in, shop_post, dns_server):
    subscription = account("maple", "maple-bakery.example", 2)
    dns_server.publish("maple-bakery.example", mx=["mail.old-host.example"])
    shop_sign_in("owner@maple.example")
    client.get("/language/fr", base_url=BRIGHT)
    shop_post(f"/email-security/{subscription.id}/dns-check")
    page = text_of(client.get(f"/email-security/{subscription.id}", base_url=BRIGHT))
    assert "En attente Le courrier du domaine va encore à mail.old-host.example" in page
    assert "Enregistrements à publier" in page and "Vérifier le DNS" in page


def test_a_domain_the_dns_does_not_know_is_pending(db, demo, account, actor_for, dns_server):
    subscription = account("maple", "maple-bakery.example", 2)
    (row,) = check_dns(db, actor=actor_for("maple"), subscription_id=subscription.id,
                       lookup=_asking(dns_server))
    assert (row.dns_status, row.dns_reason) == (DnsStatus.PENDING, Reason.NO_MX)


def test_when_the_dns_does_not_answer_nothing_is_kept(db, demo, account, actor_for):
    subscription = account("maple", "maple-bakery.example", 2)

    def silent(name):
        raise LookupFailedError("timed out")

    with pytest.raises(VendorUnavailableError, match="The DNS did not answer: nothing was checked"):
        check_dns(db, actor=actor_for("maple"), subscription_id=subscription.id, lookup=silent)
    db.rollback()
    from plugins.email_security.accounts import domains_of

    assert [row.dns_status for row in domains_of(db, subscription)] == [DnsStatus.UNCHECKED]


@pytest.mark.parametrize(("mx", "txt", "status", "reason", "others"), [
    ([], [SPF], DnsStatus.PENDING, Reason.NO_MX, ()),
    (["mail.old.example"], [SPF], DnsStatus.PENDING, Reason.MX_ELSEWHERE, ("mail.old.example",)),
    (["MX1.Filter.Example.", "backup.old.example"], [SPF], DnsStatus.MISCONFIGURED, Reason.MX_MIXED,
     ("backup.old.example",)),
    (SERVICE_MX, [], DnsStatus.MISCONFIGURED, Reason.NO_SPF, ()),
    (SERVICE_MX, [SPF, "v=spf1 mx -all"], DnsStatus.MISCONFIGURED, Reason.SPF_TWICE, ()),
    (SERVICE_MX, ["v=spf1 include:spf.filter.example.evil ~all"], DnsStatus.MISCONFIGURED, Reason.SPF_WITHOUT_SERVICE, ()),
    (SERVICE_MX[:1], ["V=SPF1 mx include:SPF.filter.example -all"], DnsStatus.PROTECTED, Reason.OK, ()),
])
def test_a_domain_stands_by_its_mx_and_spf_records(mx, txt, status, reason, others):
    mx_records = (MxRecord("mx1.filter.example", 10), MxRecord("mx2.filter.example", 20))
    finding = classify(Records(tuple(mx), tuple(txt)), mx_records, "spf.filter.example")
    assert (finding.status, finding.reason, finding.other_hosts) == (status, reason, others)


def _asking(dns_server):
    from plugins.email_security.dns_records import look_up

    return look_up(dns_server.address)

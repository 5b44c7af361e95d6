"""Domain names with the reseller in the loop: both ways of registering, transfers, renewals,
expiry and redemption, and a registrar that fails; always through the registrar simulator over HTTP."""

import json
from datetime import timedelta

import pytest
from sqlalchemy import select

from core.errors import PermissionDeniedError, ValidationError
from core.models.orders import OrderStatus
from core.models.provisioning import ProvisioningRequest, RequestStatus
from core.models.subscriptions import SubscriptionStatus, SuspendReason
from core.services.branding import update_branding
from core.services.orders import LineRequest, confirm_payment, place_order, set_payment_confirmation
from core.services.renewals import run_period_ends, send_renewal_reminders
from core.services.subscriptions import act_on_subscription
from core.services.vendor_names import set_vendor_names
from plugin_kit.testing import provision_due
from plugins.hosting.domains import DomainState, release_lapsed_domains, set_auto_renew, standing
from plugins.hosting.registrar_simulator import DEFAULT_NAMESERVERS
from tests.plugins.hosting.conftest import vendor

S = SubscriptionStatus


@pytest.fixture
def customer_domain(db, demo, order_domain, open_tasks, do_task):
    """Harbour Dental orders harbour-dental.com and pays by card; Bright IT confirms it was paid."""

    def register(name="harbour-dental.com"):
        order = order_domain(name, by="harbour", for_="harbour", payer="owner", method="card")
        [task] = open_tasks("bright")
        do_task(task)
        return order.lines[0].subscription

    return register


def _whois(registrar, name):
    return vendor(registrar, "GET", f"/whois/{name}")


def test_a_reseller_registers_a_customers_domain_at_once_on_its_own_account(order_domain, registrar, open_tasks):
    order = order_domain("harbour-dental.com", by="bright", for_="harbour", payer="buyer")
    domain = order.lines[0].subscription
    assert domain.status is S.ACTIVE
    assert (domain.owner.slug, domain.payer.slug, domain.seller.slug) == ("harbour", "bright", "northwind")
    assert str(domain.total) == "9.20 EUR", "Northwind's wholesale price, billed to Bright IT's account"
    assert open_tasks("bright") == [] and open_tasks("northwind") == []
    whois = _whois(registrar, "harbour-dental.com")
    assert whois["registrant"] == {"name": "Bright IT"} and whois["technical"] == {"name": "Bright IT"}
    assert "Northwind" not in json.dumps(whois)
    held = vendor(registrar, "GET", "/domains/harbour-dental.com")
    assert held["registrant"] == {"handle": f"BRIGHT-{domain.payer_id}", "name": "Bright IT"}  # named after the reseller


def test_a_domain_bright_sells_points_at_its_vanity_nameservers_with_handles_under_its_prefix(
        db, shops, actor_for, order_domain, customer_domain, registrar):
    set_vendor_names(db, actor=actor_for("bright"), handle_prefix="BRT",
                     nameservers=["ns1.bright-dns.example", "ns2.bright-dns.example"])
    db.commit()
    customer_domain("harbour-dental.com")  # Harbour Dental buys it from Bright IT
    order_domain("harbour-smiles.com")  # Bright IT buys it for Harbour Dental
    bright = {"handle": f"BRT-{actor_for('bright').account.id}", "name": "Bright IT"}
    for name in ("harbour-dental.com", "harbour-smiles.com"):
        held = vendor(registrar, "GET", f"/domains/{name}")
        assert held["nameservers"] == ["ns1.bright-dns.example", "ns2.bright-dns.example"]
        assert held["registrant"] == held["technical"] == bright
        whois = _whois(registrar, name)
        assert whois["nameservers"] == ["ns1.bright-dns.example", "ns2.bright-dns.example"]
        assert whois["registrant"] == {"name": "Bright IT"}


def test_a_new_prefix_or_nameservers_apply_to_new_registrations_only(db, shops, actor_for, order_domain, registrar):
    order_domain("harbour-dental.com")
    set_vendor_names(db, actor=actor_for("bright"), handle_prefix="BRT",
                     nameservers=["ns1.bright-dns.example", "ns2.bright-dns.example"])
    db.commit()
    order_domain("harbour-smiles.com")
    before, after = (vendor(registrar, "GET", f"/domains/{name}") for name in ("harbour-dental.com", "harbour-smiles.com"))
    assert before["registrant"]["handle"].startswith("BRIGHT-") and before["nameservers"] == list(DEFAULT_NAMESERVERS)
    assert after["registrant"]["handle"].startswith("BRT-") and after["nameservers"][0] == "ns1.bright-dns.example"


def test_a_customers_domain_waits_for_its_reseller_to_confirm_the_payment(
        db, actor_for, order_domain, registrar, open_tasks, do_task, emails):
    set_payment_confirmation(db, actor=actor_for("bright"), methods=["bank_transfer"])
    db.commit()
    order = order_domain("harbour-dental.com", by="harbour", for_="harbour", payer="owner", method="bank_transfer")
    assert order.status is OrderStatus.AWAITING_PAYMENT and open_tasks("bright") == []
    confirm_payment(db, actor=actor_for("bright"), order_id=order.id, method="bank_transfer", reference="HD-0302",
                    amount=order.amount_due.amount)
    db.commit()
    provision_due(db)

    [task] = open_tasks("bright")
    assert task.title == "Register harbour-dental.com for Harbour Dental once they have paid you 11.50 EUR"
    assert "Bright IT as registrant and technical contact" in task.instructions
    assert vendor(registrar, "GET", "/domains/harbour-dental.com/availability")["available"], "nothing registered yet"
    [told] = emails("A task waits for you")
    assert told.to_address == "owner@bright.example" and "harbour-dental.com" in told.text_body

    do_task(task)
    domain = order.lines[0].subscription
    assert domain.status is S.ACTIVE and (domain.payer.slug, domain.seller.slug) == ("harbour", "bright")
    assert _whois(registrar, "harbour-dental.com")["registrant"] == {"name": "Bright IT"}


def test_a_customer_paying_by_card_is_confirmed_on_the_task_list_too(customer_domain, registrar, open_tasks):
    domain = customer_domain("bücher-harbour.com")
    assert domain.status is S.ACTIVE and domain.params["domain_name"] == "xn--bcher-harbour-wob.com"
    assert open_tasks("bright") == []
    assert _whois(registrar, "xn--bcher-harbour-wob.com")["status"] == "active"


def test_a_name_that_is_taken_or_not_registered_is_refused_by_field(db, order_domain):
    order_domain("harbour-dental.com")
    with pytest.raises(ValidationError) as taken:
        order_domain("harbour-dental.com")
    assert taken.value.fields["lines.0.params.domain_name"] == [
        "harbour-dental.com is registered already: transfer it in with its auth code, or choose another name."]
    with pytest.raises(ValidationError) as free:
        order_domain("nobody-has-it.com", transfer_code="EPP-123456")
    assert "is not registered anywhere: register it instead" in free.value.fields["lines.0.params.domain_name"][0]
    with pytest.raises(ValidationError) as wrong_plan:
        order_domain("www.harbour.com")
    assert wrong_plan.value.fields == {"lines.0.params.domain_name": [
        "www.harbour.com is a name under harbour.com: register harbour.com itself."]}


def test_a_registrar_that_cannot_be_asked_refuses_the_order_and_writes_nothing(db, order_domain, registrar):
    vendor(registrar, "POST", "/_simulator/faults", {"path": "/domains", "status": 503})
    with pytest.raises(ValidationError) as refused:
        order_domain("harbour-dental.com")
    assert refused.value.fields == {"lines.0.params.domain_name": [
        "The registrar could not be asked whether harbour-dental.com is free: try again in a minute."]}


def test_a_registrar_failing_for_a_moment_is_asked_again_at_once(db, order_domain, registrar, vendor_waits):
    vendor(registrar, "POST", "/_simulator/faults", {"path": "/domains", "status": 503, "times": 2})
    order = order_domain("harbour-dental.com")
    assert order.lines[0].subscription.status is S.ACTIVE
    assert vendor_waits == [0.5, 1.0], "the availability check, tried three times"


def test_a_name_held_elsewhere_is_transferred_in_with_its_auth_code(db, frozen_clock, order_domain, registrar):
    vendor(registrar, "POST", "/_simulator/registered-elsewhere", {"name": "harbour.net", "auth_code": "EPP-778899"})
    order = order_domain("harbour.net", transfer_code="EPP-778899")
    domain = order.lines[0].subscription
    request = db.scalar(select(ProvisioningRequest).where(ProvisioningRequest.subscription_id == domain.id))
    assert (domain.status, request.status) == (S.PENDING, RequestStatus.WAITING)
    assert "has to let harbour.net go" in request.detail
    for _ in range(6):  # polled after 10 s, 20 s, 40 s, ... until the other registrar lets go
        frozen_clock.advance(timedelta(minutes=2))
        provision_due(db)
    assert domain.status is S.ACTIVE
    assert _whois(registrar, "harbour.net")["registrant"] == {"name": "Bright IT"}


def test_a_name_transferred_in_points_at_its_reseller_s_vanity_nameservers(db, shops, actor_for, order_domain,
                                                                          registrar):
    set_vendor_names(db, actor=actor_for("bright"), handle_prefix="",
                     nameservers=["ns1.bright-dns.example", "ns2.bright-dns.example", "ns3.bright-dns.example"])
    db.commit()
    vendor(registrar, "POST", "/_simulator/registered-elsewhere", {"name": "harbour.net", "auth_code": "EPP-778899"})
    order_domain("harbour.net", transfer_code="EPP-778899")
    held = vendor(registrar, "GET", "/domains/harbour.net")
    assert held["nameservers"] == ["ns1.bright-dns.example", "ns2.bright-dns.example", "ns3.bright-dns.example"]
    assert held["registrant"]["handle"].startswith("BRIGHT-")  # no prefix chosen: the one made from its slug


def test_customers_are_reminded_30_7_and_1_days_ahead_with_how_to_pay_their_reseller(
        db, frozen_clock, shops, actor_for, customer_domain, emails):
    update_branding(db, actor=actor_for("bright"), values={"contact_email": "help@bright-it.example",
                                                          "contact_phone": "+44 20 7946 0321"})
    db.commit()
    domain = customer_domain()
    end = domain.current_period_end
    reminded_at = []
    while frozen_clock.now() < end:
        frozen_clock.advance(timedelta(days=1))
        sent = len(emails("Domain name"))
        send_renewal_reminders(db)
        if len(emails("Domain name")) > sent:
            reminded_at.append(round((end - frozen_clock.now()) / timedelta(days=1)))
    assert reminded_at == [30, 7, 1]
    reminders = [email for email in emails("Domain name is due for renewal") if email.to_address == "owner@harbour.example"]
    assert [email.subject for email in reminders] == [
        "Domain name is due for renewal in 30 days", "Domain name is due for renewal in 7 days",
        "Domain name is due for renewal in 1 day"]
    first = reminders[0]
    assert first.sender_name == "Bright IT"
    assert "Domain name .com harbour-dental.com" in first.text_body and "The renewal costs €11.50." in first.text_body
    assert "pay Bright IT (help@bright-it.example, +44 20 7946 0321)" in first.text_body
    assert "Northwind" not in first.text_body + first.subject


def test_the_reseller_confirms_a_customers_renewal_payment_and_the_renewal_runs(
        db, actor_for, customer_domain, registrar, open_tasks, do_task):
    domain = customer_domain()
    expiry = vendor(registrar, "GET", "/domains/harbour-dental.com")["expires_at"]
    act_on_subscription(db, actor=actor_for("harbour"), subscription_id=domain.id, action="renew")
    db.commit()
    provision_due(db)
    [task] = open_tasks("bright")
    assert task.title == "Renew harbour-dental.com for Harbour Dental once they have paid you 11.50 EUR"
    assert vendor(registrar, "GET", "/domains/harbour-dental.com")["expires_at"] == expiry, "not before it is paid"
    period_end = domain.current_period_end
    do_task(task)
    renewed = vendor(registrar, "GET", "/domains/harbour-dental.com")["expires_at"]
    assert int(renewed[:4]) == int(expiry[:4]) + 1
    assert domain.current_period_start == period_end and domain.events[-1].action == "renewed"


def test_a_domain_its_reseller_set_to_renew_by_itself_renews_without_asking(
        db, frozen_clock, actor_for, customer_domain, registrar, open_tasks):
    domain = customer_domain()
    with pytest.raises(PermissionDeniedError, match="Bright IT decides"):
        set_auto_renew(db, actor=actor_for("harbour"), subscription_id=domain.id, auto_renew=True)
    set_auto_renew(db, actor=actor_for("bright"), subscription_id=domain.id, auto_renew=True)
    db.commit()
    end = domain.current_period_end
    frozen_clock.advance(end - frozen_clock.now() + timedelta(minutes=1))
    run_period_ends(db)
    db.commit()
    provision_due(db)
    assert open_tasks("bright") == []
    assert domain.status is S.ACTIVE and domain.current_period_start == end
    assert vendor(registrar, "GET", "/domains/harbour-dental.com")["status"] == "active"


def test_an_unrenewed_domain_expires_goes_into_redemption_and_is_released(
        db, frozen_clock, customer_domain, registrar):
    domain = customer_domain()
    end = domain.current_period_end
    frozen_clock.advance(end - frozen_clock.now() + timedelta(minutes=1))
    run_period_ends(db)
    db.commit()
    provision_due(db)
    assert (domain.status, domain.suspend_reason) == (S.SUSPENDED, SuspendReason.EXPIRED)
    expired = standing(domain)
    assert expired.state is DomainState.EXPIRED and expired.expires_on == end
    assert (expired.renewable_until - end, expired.redemption_until - end) == (timedelta(days=30), timedelta(days=60))
    assert vendor(registrar, "GET", "/domains/harbour-dental.com")["status"] == "expired"

    frozen_clock.advance(timedelta(days=31))
    assert standing(domain).state is DomainState.REDEMPTION
    assert vendor(registrar, "GET", "/domains/harbour-dental.com")["status"] == "redemption"
    assert release_lapsed_domains(db) == 0, "it can still be restored"

    frozen_clock.advance(timedelta(days=30))
    assert release_lapsed_domains(db) == 1
    db.commit()
    provision_due(db)
    assert domain.status is S.CANCELLED and standing(domain).state is DomainState.RELEASED
    assert vendor(registrar, "GET", "/domains/harbour-dental.com/availability")["available"]


def test_a_domain_in_redemption_is_restored_once_its_renewal_is_paid(
        db, frozen_clock, actor_for, customer_domain, registrar, open_tasks, do_task):
    domain = customer_domain()
    frozen_clock.advance(domain.current_period_end - frozen_clock.now() + timedelta(days=40))
    run_period_ends(db)
    db.commit()
    provision_due(db)
    assert standing(domain).state is DomainState.REDEMPTION
    act_on_subscription(db, actor=actor_for("harbour"), subscription_id=domain.id, action="renew")
    db.commit()
    provision_due(db)
    do_task(open_tasks("bright")[0])
    assert domain.status is S.ACTIVE and standing(domain).state is DomainState.ACTIVE
    assert vendor(registrar, "GET", "/domains/harbour-dental.com")["status"] == "active"


def test_a_registrar_that_fails_is_retried_and_then_reported_to_the_reseller(
        db, frozen_clock, order_domain, registrar, open_tasks, do_task, emails):
    order = order_domain("harbour-dental.com", by="harbour", for_="harbour", payer="owner", method="card")
    vendor(registrar, "POST", "/_simulator/faults", {"path": "/domains", "status": 503})
    do_task(open_tasks("bright")[0])
    domain = order.lines[0].subscription
    request = db.scalar(select(ProvisioningRequest).where(ProvisioningRequest.subscription_id == domain.id))
    assert request.status is RequestStatus.PENDING and "registrar answered 503" in request.detail
    for _ in range(10):
        frozen_clock.advance(timedelta(minutes=31))
        provision_due(db)
    assert request.status is RequestStatus.FAILED and request.retries == 8
    assert request.detail.startswith("Gave up after 8 failed attempts. The last: registrar answered 503")
    assert domain.status is S.FAILED
    [reported] = emails("Could not activate")
    assert reported.to_address == "owner@bright.example"
    assert reported.subject == "Could not activate Domain name for Harbour Dental"
    assert "harbour-dental.com" in reported.text_body and "registrar answered 503" in reported.text_body


def test_a_registrar_that_answers_too_late_is_asked_again_and_registers_the_name_once(
        db, monkeypatch, order_domain, registrar, vendor_waits):
    monkeypatch.setenv("CASCADE_HOSTING_VENDOR_TIMEOUT", "0.2")
    # The availability check goes through; the registration is done, but its answer comes too late.
    vendor(registrar, "POST", "/_simulator/faults", {"path": "/domains", "skip": 1, "times": 1, "delay": 1})
    order = order_domain("harbour-dental.com")
    domain = order.lines[0].subscription
    request = db.scalar(select(ProvisioningRequest).where(ProvisioningRequest.subscription_id == domain.id))
    assert domain.status is S.ACTIVE, "asked again with the same idempotency key, the registrar gave its first answer"
    assert (request.retries, vendor_waits) == (0, [0.5])
    assert list(vendor(registrar, "GET", "/_simulator/state")["domains"]) == ["harbour-dental.com"]


def test_a_domain_is_one_unit_ordered_and_held(db, plans, actor_for, order_domain):
    with pytest.raises(ValidationError) as refused:
        place_order(db, actor=actor_for("bright"), payment_method="on_account",
                    lines=[LineRequest(plans["domain-name/com"].id, 2, {"domain_name": "two-of-them.com"})])
    assert refused.value.fields == {"lines.0.quantity": ["Each domain is a line of its own: order a quantity of 1."]}
    (line,) = order_domain("bright-it.com", for_="bright").lines
    with pytest.raises(ValidationError) as fixed:
        act_on_subscription(db, actor=actor_for("bright"), subscription_id=line.subscription_id, action="change",
                            quantity=2)
    assert fixed.value.fields == {"quantity": ["A subscription to Domain name is one domain: its quantity does not change."]}

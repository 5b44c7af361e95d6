"""An account's whole life at the email security service, over real HTTP to its simulator: ordered
with its domains checked and held, set up with its users, domains and services, changed, suspended,
resumed and cancelled; the service failing is retried, its refusals fail the request in its words."""

import pytest
from sqlalchemy import select

from core.errors import ValidationError
from core.models.provisioning import ProvisioningRequest, RequestStatus
from core.models.subscriptions import SubscriptionStatus
from core.services.provisioning import retry_delay
from core.services.subscriptions import act_on_subscription
from plugin_kit.testing import provision_due
from plugins.email_security.connector import EmailSecurityClient
from plugins.email_security.models import ProtectedDomain


def _act(db, actor_for, slug, subscription, action, **arguments):
    act_on_subscription(db, actor=actor_for(slug), subscription_id=subscription.id, action=action, **arguments)
    db.commit()
    provision_due(db)
    db.refresh(subscription)


def test_an_account_lives_its_whole_life_at_the_service(db, demo, account, service, actor_for, security_plans):
    subscription = account("maple", "maple-bakery.example", 6, "filtering-archiving",
                           extra_domains=["maple-cakes.example"])
    assert subscription.status is SubscriptionStatus.ACTIVE
    assert subscription.params == {"domain": "maple-bakery.example", "extra_domains": ["maple-cakes.example"]}
    held = service.accounts()["maple-bakery.example"]
    assert (held["company"], held["status"], held["user_limit"], held["extra_domain_limit"]) == ("Maple Bakery", "active",
                                                                                                 6, 1)
    assert held["services"] == ["filtering", "archiving"]
    assert [domain["name"] for domain in held["domains"]] == ["maple-bakery.example", "maple-cakes.example"]
    assert subscription.provisioning_data == {"account_id": held["id"]}

    _act(db, actor_for, "maple", subscription, "change", quantity=9)
    _act(db, actor_for, "maple", subscription, "change", plan_id=security_plans["filtering-archiving-encryption"].id)
    held = service.accounts()["maple-bakery.example"]
    assert (held["user_limit"], held["services"]) == (9, ["filtering", "archiving", "encryption"])
    assert (subscription.quantity, subscription.plan.code) == (9, "filtering-archiving-encryption")

    _act(db, actor_for, "bright", subscription, "suspend", note="Unpaid")
    assert (subscription.status, service.accounts()["maple-bakery.example"]["status"]) == (SubscriptionStatus.SUSPENDED,
                                                                                          "suspended")
    _act(db, actor_for, "bright", subscription, "resume")
    assert (subscription.status, service.accounts()["maple-bakery.example"]["status"]) == (SubscriptionStatus.ACTIVE,
                                                                                          "active")
    _act(db, actor_for, "maple", subscription, "cancel", when="now")
    assert subscription.status is SubscriptionStatus.CANCELLED
    assert service.accounts()["maple-bakery.example"]["status"] == "cancelled"


def test_a_cancelled_accounts_domains_can_be_ordered_by_another_customer(db, demo, account, actor_for, service):
    cancelled = account("maple", "maple-bakery.example", 2)
    _act(db, actor_for, "maple", cancelled, "cancel", when="now")
    taken_over = account("harbour", "maple-bakery.example", 3)
    assert taken_over.status is SubscriptionStatus.ACTIVE
    assert service.accounts()["maple-bakery.example"]["company"] == "Harbour Dental"
    assert db.scalar(select(ProtectedDomain.owner_id).where(ProtectedDomain.name == "maple-bakery.example")) == (
        demo["harbour"].id)


def test_an_internationalised_domain_is_kept_and_sent_in_its_idna_2008_form(db, demo, account, service):
    # IDNA 2008 keeps the ß (IDNA 2003 made it "ss"), as registries do.
    subscription = account("harbour", "Zahnarzt-Straße.DE", 2)
    assert subscription.params["domain"] == "xn--zahnarzt-strae-dgb.de"
    assert "xn--zahnarzt-strae-dgb.de" in service.accounts()


@pytest.mark.parametrize(("params", "field", "problem"), [
    ({"domain": "www.harbour-dental.example"}, "domain",
     "www.harbour-dental.example is a name under harbour-dental.example: give the domain itself, harbour-dental.example."),
    ({"domain": "harbour dental"}, "domain", "Give the name alone, such as example.com: 'harbour dental' is more than a name."),
    ({"domain": "example"}, "domain", "example has no extension: give the whole name, such as example.com."),
    ({"domain": "harbour.example", "extra_domains": "harbour.example"}, "extra_domains",
     "The primary domain is not an extra domain as well."),
    ({"domain": "harbour.example", "services": ["archiving", "faxes"]}, "services",
     "faxes: choose among hosted_email, archiving, encryption."),
    ({"domain": "harbour.example", "services": ["archiving"]}, "services",
     "Filtering is not those services: order the plan “Filtering + archiving” (filtering-archiving) for them."),
])
def test_a_bad_order_is_refused_naming_the_field_and_holds_nothing(db, demo, order_account, service, params, field,
                                                                  problem):
    with pytest.raises(ValidationError) as refused:
        order_account("harbour", slots=0, **params)
    assert refused.value.fields == {f"lines.0.params.{field}": [problem]}
    db.rollback()
    assert db.scalars(select(ProtectedDomain)).all() == [] and service.accounts() == {}


def test_a_domain_another_account_protects_is_refused_with_a_clear_message(db, demo, account, order_account, service):
    account("maple", "maple-bakery.example", 2, extra_domains=["maple-cakes.example"])
    with pytest.raises(ValidationError) as refused:
        order_account("harbour", "harbour-dental.example", 2, extra_domains=["maple-cakes.example"])
    assert refused.value.fields == {
        "lines.0.params.extra_domains": ["maple-cakes.example is already protected by another account."]}


def test_a_domain_held_by_an_order_awaiting_payment_is_refused_too(db, demo, order_account, actor_for):
    from core.services.orders import set_payment_confirmation

    set_payment_confirmation(db, actor=actor_for("bright"), methods=["bank_transfer"])
    order_account("maple", "maple-bakery.example", 2, method="bank_transfer")  # waits for Bright IT to confirm it
    with pytest.raises(ValidationError) as refused:
        order_account("harbour", "maple-bakery.example", 2)
    assert refused.value.fields == {"lines.0.params.domain": ["maple-bakery.example is already protected by another account."]}


def test_a_domain_taken_at_the_service_is_refused_before_the_order_is_accepted(db, demo, order_account, service):
    db.commit()  # someone outside the platform has it at the service: no transaction of ours is open meanwhile
    EmailSecurityClient().create_account(reference="elsewhere", company="Someone", primary_domain="harbour.example",
                                         user_limit=1, services=["filtering"], key="elsewhere")
    with pytest.raises(ValidationError) as refused:
        order_account("harbour", "harbour.example", 2)
    assert refused.value.fields == {"lines.0.params.domain": ["harbour.example is already protected by another account."]}


def test_extra_domains_named_without_being_bought_wait_for_them(db, demo, account, service, actor_for, security_plans):
    subscription = account("maple", "maple-bakery.example", 2, extra_domains=["maple-cakes.example"], slots=0)
    assert subscription.status is SubscriptionStatus.ACTIVE
    held = service.accounts()["maple-bakery.example"]
    assert ([domain["name"] for domain in held["domains"]], held["extra_domain_limit"]) == (["maple-bakery.example"], 0)

    with pytest.raises(ValidationError) as refused:  # extra domains are for an account the customer has
        from core.services.orders import LineRequest, place_order
        place_order(db, actor=actor_for("harbour"), payment_method="card",
                    lines=[LineRequest(security_plans["extra-domain"].id, 1, {"domain": "maple-bakery.example"})])
    assert refused.value.fields == {"lines.0.params.domain": [
        ("Harbour Dental has no email security account for maple-bakery.example: order the account first (earlier in "
        "the same order will do).")]}
    db.rollback()


def test_the_service_failing_is_retried_until_it_answers(db, demo, frozen_clock, order_account, service, vendor_waits):
    order = order_account("maple", provision=False)
    service.misbehave("/v1/accounts", status=503, times=4)  # the worker's first try: its call and two retries, then one
    provision_due(db)
    request = db.scalar(select(ProvisioningRequest).where(ProvisioningRequest.order_line_id == order.lines[0].id))
    assert request.status is RequestStatus.PENDING and "503" in request.detail
    frozen_clock.advance(retry_delay(request.retries))
    provision_due(db)
    assert request.status is RequestStatus.DONE
    assert order.lines[0].subscription.status is SubscriptionStatus.ACTIVE
    assert len(service.accounts()) == 1


def test_a_refusal_fails_the_change_in_the_services_words(db, demo, account, actor_for):
    from core.services.product_users import create_product_user

    subscription = account("maple", "maple-bakery.example", 2)
    for name in ("ann", "bob"):
        create_product_user(db, actor_for("maple"), subscription.id, display_name=name.title(),
                            user_principal_name=f"{name}@maple-bakery.example")
    _act(db, actor_for, "maple", subscription, "change", quantity=1)
    assert subscription.quantity == 2
    assert subscription.events[-1].action == "change_failed"
    assert subscription.events[-1].reason == ("The email security service refused to change it: 2 users are protected: "
                                              "remove some before going down to 1.")


def test_an_accounts_extra_domains_end_with_it_and_their_unused_days_are_credited(
        db, demo, frozen_clock, order_account, actor_for, service):
    from datetime import timedelta

    from core.models.charges import Charge
    from plugins.email_security.upkeep import end_orphaned_extra_domains

    order = order_account("maple", "maple-bakery.example", 2, extra_domains=["maple-cakes.example"])
    subscription, extra = order.lines[0].subscription, order.lines[1].subscription
    assert end_orphaned_extra_domains(db) == 0  # its account stands
    frozen_clock.advance(timedelta(days=10))
    _act(db, actor_for, "maple", subscription, "cancel", when="now")
    assert end_orphaned_extra_domains(db) == 1
    db.commit()
    provision_due(db)
    db.refresh(extra)
    assert extra.status is SubscriptionStatus.CANCELLED
    refunds = db.scalars(select(Charge).where(Charge.subscription_id == extra.id, Charge.amount < 0).order_by(Charge.id))
    assert [(charge.issuer.slug, charge.recipient.slug, str(charge.money)) for charge in refunds] == [
        ("bright", "maple", "-1.95 EUR"),  # 2.88 x 21/31 of its period unused
        ("northwind", "bright", "-1.56 EUR"),  # 2.30 x 21/31
    ]

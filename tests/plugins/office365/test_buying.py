"""Buying Microsoft 365 seats: the tenant prefix checked before the order is accepted, then the
tenant and the subscription created at Microsoft (the simulator, over HTTP), once."""

import pytest
from sqlalchemy import select

from core.errors import ValidationError
from core.models.provisioning import ProvisioningRequest
from core.models.subscriptions import SubscriptionStatus
from core.services.provisioning import call_product, claim_request, record_answer
from plugins.office365.connector import Office365Client
from plugins.office365.settings import load_settings
from plugins.office365.tenants import Tenant

FIELD = "lines.0.params.tenant_prefix"


def test_buying_seats_creates_the_tenant_and_a_subscription_of_them_at_microsoft(db, demo, buy_seats, microsoft):
    subscription = buy_seats("harbour", 8, tenant_prefix="  HarbourDental ")
    assert subscription.status is SubscriptionStatus.ACTIVE
    assert subscription.params == {"tenant_prefix": "harbourdental"}
    tenant = microsoft.customers()["harbourdental.onmicrosoft.com"]
    assert tenant["companyProfile"]["companyName"] == "Harbour Dental"
    assert [(s["offerId"], s["quantity"], s["status"]) for s in tenant["subscriptions"]] == [
        ("CFQ7TTC0LH18:0001", 8, "active")]
    assert subscription.provisioning_data == {
        "customer_id": tenant["id"], "tenant_domain": "harbourdental.onmicrosoft.com",
        "vendor_subscription_id": tenant["subscriptions"][0]["id"]}


def test_a_later_purchase_reuses_the_customers_tenant(db, demo, buy_seats, microsoft):
    first = buy_seats("harbour", 8, tenant_prefix="harbourdental")
    second = buy_seats("harbour", 2, "exchange-online")
    assert second.status is SubscriptionStatus.ACTIVE
    assert second.params == {"tenant_prefix": "harbourdental"}
    assert second.provisioning_data["customer_id"] == first.provisioning_data["customer_id"]
    (tenant,) = microsoft.customers().values()
    assert sorted(s["quantity"] for s in tenant["subscriptions"]) == [2, 8]


def test_a_later_purchase_cannot_name_another_tenant(db, demo, buy_seats, order_seats):
    buy_seats("harbour", 8, tenant_prefix="harbourdental")
    with pytest.raises(ValidationError) as refused:
        order_seats("harbour", 2, tenant_prefix="harbourtwo")
    assert refused.value.fields == {
        FIELD: ["Harbour Dental already has its tenant, harbourdental.onmicrosoft.com: leave this empty."]}


@pytest.mark.parametrize(("prefix", "problem"), [
    (None, "Choose the prefix of the new tenant's domain: <prefix>.onmicrosoft.com."),
    ("harbour-dental", "Use only letters and digits: no spaces, hyphens, dots or accents."),
    ("harbour dental", "Use only letters and digits: no spaces, hyphens, dots or accents."),
    ("zahnärzte", "Use only letters and digits: no spaces, hyphens, dots or accents."),
    ("a" * 28, "Use at most 27 characters (this has 28)."),
])
def test_a_first_purchase_needs_a_prefix_by_microsofts_rules(db, demo, order_seats, microsoft, prefix, problem):
    params = {"tenant_prefix": prefix} if prefix is not None else {}
    with pytest.raises(ValidationError) as refused:
        order_seats("harbour", 8, **params)
    assert refused.value.fields == {FIELD: [problem]}
    db.rollback()
    assert db.scalars(select(Tenant)).all() == []
    assert microsoft.customers() == {}


def test_a_prefix_taken_at_microsoft_is_refused_before_the_order_is_accepted(db, demo, order_seats, microsoft):
    db.commit()  # someone else takes the name at Microsoft: no transaction of ours is open meanwhile
    Office365Client(load_settings()).create_customer(domain="harbourdental.onmicrosoft.com", company_name="Someone",
                                                     request_key="elsewhere")
    with pytest.raises(ValidationError) as refused:
        order_seats("harbour", 8, tenant_prefix="harbourdental")
    assert refused.value.fields == {FIELD: ["harbourdental.onmicrosoft.com is taken: choose another prefix."]}


def test_a_prefix_another_customer_reserved_is_refused(db, demo, order_seats, microsoft):
    order_seats("maple", 3, tenant_prefix="bakery")  # reserved, not at Microsoft yet
    with pytest.raises(ValidationError) as refused:
        order_seats("harbour", 8, tenant_prefix="bakery")
    assert refused.value.fields == {FIELD: ["bakery.onmicrosoft.com is taken: choose another prefix."]}


def test_an_order_is_refused_when_microsoft_cannot_say_whether_the_prefix_is_free(db, demo, order_seats, microsoft):
    microsoft.misbehave("/v1/domains", status=503)
    with pytest.raises(ValidationError) as refused:
        order_seats("harbour", 8, tenant_prefix="harbourdental")
    (message,) = refused.value.fields[FIELD]
    assert message.startswith("Microsoft could not be asked whether harbourdental.onmicrosoft.com is free (Microsoft "
                              "answered 503 to HEAD /v1/domains/harbourdental.onmicrosoft.com")
    assert message.endswith("Try again in a minute.")


def test_an_activation_carried_out_twice_creates_one_tenant_and_one_subscription(db, demo, order_seats, microsoft):
    subscription = order_seats("harbour", 8, tenant_prefix="harbourdental")
    request_id = db.scalar(select(ProvisioningRequest.id).where(ProvisioningRequest.subscription_id == subscription.id))
    claim = claim_request(db, request_id)
    db.commit()  # as the worker does, before calling the product
    first, again = call_product(claim), call_product(claim)  # as when a worker dies after Microsoft acted
    assert first == again
    record_answer(db, request_id, claim.attempt, again)
    assert subscription.status is SubscriptionStatus.ACTIVE
    (tenant,) = microsoft.customers().values()
    assert len(tenant["subscriptions"]) == 1

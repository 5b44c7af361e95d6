"""A customer's move to another seller reaches Microsoft: the subscription's reseller of record follows it,
through a provisioning request the worker carries out once the transfer is committed."""

from __future__ import annotations

from core.models.provisioning import RequestStatus
from core.services.attention import needs_attention
from core.services.transfers import consent_to_transfer, start_transfer, vendor_steps
from plugin_kit.testing import provision_due


def partners(microsoft, domain):
    return [subscription["partnerId"] for subscription in microsoft.customers()[domain]["subscriptions"]]


def test_the_reseller_of_record_follows_the_customer(db, demo, shops, actor_for, buy_seats, microsoft):
    buy_seats("harbour", 3, tenant_prefix="harbourmoves")
    assert partners(microsoft, "harbourmoves.onmicrosoft.com") == ["bright"]  # sold by Bright IT from the start

    started = start_transfer(db, actor=actor_for("bright"), account_id=demo["harbour"].id, release=True)
    done = consent_to_transfer(db, actor=actor_for("harbour"), transfer_id=started.id)
    db.commit()
    assert partners(microsoft, "harbourmoves.onmicrosoft.com") == ["bright"]  # nothing at Microsoft before the worker
    provision_due(db)

    assert partners(microsoft, "harbourmoves.onmicrosoft.com") == [""]  # Northwind sells it directly now
    (step,) = vendor_steps(db, done.transfer)
    assert step.status is RequestStatus.DONE
    assert step.subscription.events[-1].action == "transferred"


def test_a_vendor_that_refuses_leaves_a_step_to_retry_not_half_a_transfer(db, demo, shops, actor_for, buy_seats,
                                                                         microsoft):
    buy_seats("harbour", 3, tenant_prefix="harbourstays")
    started = start_transfer(db, actor=actor_for("bright"), account_id=demo["harbour"].id, release=True)
    done = consent_to_transfer(db, actor=actor_for("harbour"), transfer_id=started.id)
    db.commit()
    microsoft.misbehave("/v1/customers", status=400, times=1)
    try:
        provision_due(db)
    finally:
        microsoft.behave()

    assert done.transfer.status == "completed" and demo["harbour"].parent.slug == "northwind"
    (step,) = vendor_steps(db, done.transfer)
    assert step.status is RequestStatus.FAILED and "Microsoft refused" in step.detail
    assert step in needs_attention(db, actor_for("northwind")).failed  # the new seller's to retry


def test_the_transfers_page_shows_each_vendor_step(client, db, demo, shops, actor_for, buy_seats, microsoft, login_as):
    buy_seats("harbour", 3, tenant_prefix="harbourshows")
    started = start_transfer(db, actor=actor_for("bright"), account_id=demo["harbour"].id, release=True)
    consent_to_transfer(db, actor=actor_for("harbour"), transfer_id=started.id)
    db.commit()
    provision_due(db)
    login_as("admin@northwind.example")
    page = client.get(f"/bss/transfers/{started.id}").get_data(as_text=True)
    assert "At the vendors" in page and "the vendor knows its new seller." in page

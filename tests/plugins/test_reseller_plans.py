"""Reseller plans as products: eligibility, the licence, the storefront they switch on and off."""

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from core.errors import ValidationError
from core.models.orders import Order
from core.models.outbox import OutboxEmail
from core.models.storefronts import Storefront, StorefrontStatus
from core.models.subscriptions import Subscription, SubscriptionStatus
from core.services.orders import LineRequest, place_order
from core.services.renewals import run_period_ends
from core.services.subscriptions import act_on_subscription
from plugin_kit.testing import provision_due


def _storefront(db, account):
    db.expire_all()
    return db.scalar(select(Storefront).where(Storefront.account_id == account.id))


def _invitations(db):
    return db.scalars(select(OutboxEmail).where(OutboxEmail.subject.like("Your customer portal is live%"))).all()


@pytest.mark.parametrize(("change", "reason"), [
    ({"tier": "gold"}, "Northwind Distribution is on the gold tier: own storefronts need Diamond or Diamond with "
                       "Distribution Rights."),
    ({"addons": []}, "Northwind Distribution does not have the standard-edition-resellers add-on active."),
    ({"service_manager_active": False}, "Northwind Distribution has not activated the Service Manager."),
])
def test_each_programme_rule_refuses_with_its_reason_and_creates_nothing(db, demo, plans, actor_for, change, reason):
    for name, value in change.items():
        setattr(demo["northwind"], name, value)
    with pytest.raises(ValidationError) as refused:
        place_order(db, actor=actor_for("northwind"), owner_id=demo["bright"].id, payment_method="on_account",
                    lines=[LineRequest(plans["reseller-plan/standard"].id)])
    assert refused.value.fields == {"lines.0.plan_id": [reason]}
    db.rollback()
    assert db.scalar(select(func.count()).select_from(Order)) == 0


def test_an_account_without_reselling_is_refused_a_reseller_plan(db, demo, plans, actor_for):
    with pytest.raises(ValidationError) as refused:
        place_order(db, actor=actor_for("northwind"), owner_id=demo["solo"].id, payment_method="on_account",
                    lines=[LineRequest(plans["reseller-plan/free"].id)])
    assert "Solo Consulting does not have reselling enabled" in refused.value.fields["lines.0.plan_id"][0]


def test_activating_standard_issues_a_licence_opens_the_storefront_and_invites_the_owners(db, demo, reseller_plan):
    subscription = reseller_plan("bright", "standard")
    assert subscription.status is SubscriptionStatus.ACTIVE
    licence = subscription.provisioning_data["licence"]
    assert licence["plan"] == "standard" and licence["key"].startswith("RSL-") and licence["valid_from"]
    storefront = _storefront(db, demo["bright"])
    assert storefront.status is StorefrontStatus.LIVE
    assert storefront.entitlements == ["api_access", "custom_domain", "fast_track_support", "own_sender_name", "theme_choice"]
    (invitation,) = _invitations(db)
    assert invitation.to_address == "owner@bright.example"
    assert "http://bright.shop.localhost:5000/" in invitation.subject
    assert "/bss/storefront" in invitation.text_body


def test_basic_has_no_storefront(db, demo, reseller_plan):
    reseller_plan("corner", "basic")
    assert _storefront(db, demo["corner"]) is None and _invitations(db) == []


def test_standard_to_free_loses_the_custom_domain_and_theme_at_the_end_of_the_term(frozen_clock, db, demo, plans,
                                                                                  reseller_plan, actor_for):
    subscription = reseller_plan("bright", "standard")
    act_on_subscription(db, actor=actor_for("bright"), subscription_id=subscription.id, action="change",
                        plan_id=plans["reseller-plan/free"].id)
    db.commit()
    assert "custom_domain" in _storefront(db, demo["bright"]).entitlements  # until the end of the term
    frozen_clock.advance(subscription.current_period_end - frozen_clock.now() + timedelta(minutes=1))
    run_period_ends(db)
    db.commit()
    provision_due(db)
    storefront = _storefront(db, demo["bright"])
    assert (subscription.plan.code, storefront.status) == ("free", StorefrontStatus.LIVE)
    assert storefront.entitlements == []
    assert subscription.provisioning_data["licence"]["plan"] == "free"


def test_cancelling_returns_to_basic_and_closes_the_storefront_and_upgrading_brings_it_back(db, demo, plans, reseller_plan,
                                                                                            actor_for):
    subscription = reseller_plan("bright", "free")
    opened = _storefront(db, demo["bright"])
    act_on_subscription(db, actor=actor_for("bright"), subscription_id=subscription.id, action="cancel", when="now")
    db.commit()
    provision_due(db)
    assert (subscription.status, subscription.plan.code) == (SubscriptionStatus.ACTIVE, "basic")
    closed = _storefront(db, demo["bright"])
    assert (closed.id, closed.status) == (opened.id, StorefrontStatus.CLOSED)

    place_order(db, actor=actor_for("bright"), payment_method="on_account",
                lines=[LineRequest(plans["reseller-plan/standard"].id)])  # the reseller buys it itself
    db.commit()
    provision_due(db)
    reopened = _storefront(db, demo["bright"])
    assert (reopened.id, reopened.status, reopened.closed_at) == (opened.id, StorefrontStatus.LIVE, None)
    assert db.scalar(select(func.count()).select_from(Subscription)) == 1
    assert len(_invitations(db)) == 2


def test_cancelling_at_the_end_of_the_term_can_be_taken_back(db, demo, plans, reseller_plan, actor_for):
    subscription = reseller_plan("bright", "standard")
    act_on_subscription(db, actor=actor_for("bright"), subscription_id=subscription.id, action="cancel")
    assert subscription.scheduled_plan.code == "basic" and subscription.status is SubscriptionStatus.ACTIVE
    act_on_subscription(db, actor=actor_for("bright"), subscription_id=subscription.id, action="change",
                        plan_id=plans["reseller-plan/standard"].id)
    assert subscription.scheduled_plan is None
    assert [event.action for event in subscription.events][-2:] == ["change_scheduled", "scheduled_change_dropped"]


def test_a_new_reseller_has_basic_from_the_start(db, demo, plans):
    from core.models.accounts import AccountKind
    from core.models.people import User
    from core.services.account_changes import create_account_below

    admin = db.scalar(select(User).where(User.email == "admin@northwind.example"))
    reseller = create_account_below(db, viewer=demo["northwind"], by=admin, kind=AccountKind.RESELLER,
                                    name="Delta Tech", slug="delta", reselling_enabled=True)
    db.commit()
    provision_due(db)
    (basic,) = db.scalars(select(Subscription).where(Subscription.owner_id == reseller.id)).all()
    assert (basic.plan.code, basic.status, basic.provisioning_data["licence"]["plan"]) == (
        "basic", SubscriptionStatus.ACTIVE, "basic")
    (granted,) = db.scalars(select(Order).where(Order.owner_id == reseller.id)).all()
    assert (granted.placed_by, granted.payment_method, granted.status) == (None, "on_account", "completed")


def test_enabling_reselling_grants_basic_and_nothing_is_granted_twice(db, demo, plans):
    from core.models.people import User
    from core.models.prices import PriceList, PriceListKind
    from core.services.account_changes import update_account
    from core.services.price_lists import set_price

    # Northwind's direct customers pay cost plus 40 %; Basic has no cost, so it gets a price of its own.
    retail = db.scalar(select(PriceList).where(PriceList.seller_id == demo["northwind"].id,
                                               PriceList.kind == PriceListKind.RETAIL))
    set_price(db, price_list=retail, plan=plans["reseller-plan/basic"], by=None, unit_price="0")
    admin = db.scalar(select(User).where(User.email == "admin@northwind.example"))
    update_account(db, viewer=demo["northwind"], account_id=demo["solo"].id, by=admin,
                   changes={"reselling_enabled": True})
    update_account(db, viewer=demo["northwind"], account_id=demo["solo"].id, by=admin, changes={"name": "Solo & Co"})
    db.commit()
    provision_due(db)
    owned = db.scalars(select(Subscription).where(Subscription.owner_id == demo["solo"].id)).all()
    assert [(subscription.plan.code, subscription.status) for subscription in owned] == [("basic", SubscriptionStatus.ACTIVE)]

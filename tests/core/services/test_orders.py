"""Placing orders: who may, for whom, who pays at which price, and what waits for payment."""

from dataclasses import replace
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from core.errors import ConflictError, NotFoundError, PermissionDeniedError, ValidationError
from core.models.orders import Order, OrderLineKind, OrderStatus
from core.models.outbox import OutboxEmail
from core.models.people import Team, User
from core.models.provisioning import ProvisioningRequest
from core.models.subscriptions import Subscription, SubscriptionStatus
from core.money import Money
from core.services import orders
from core.services.actors import acting_as
from core.services.orders import LineRequest, cancel_order, confirm_payment, place_order, set_payment_confirmation
from core.services.people import add_member
from plugin_kit.testing import provision_due


def _count(db, model):
    return db.scalar(select(func.count()).select_from(model))


def test_a_customer_order_is_priced_by_its_reseller_and_provisioned_to_active(db, demo, fake_catalog, fake_plugin, actor_for):
    order = place_order(db, actor=actor_for("harbour"), lines=[LineRequest(fake_catalog["small"].id, 3)],
                        payment_method="card")
    db.commit()
    # Bright IT marks its 11.50 wholesale cost up by 25 %: 14.375, rounded half-up once.
    assert (order.status, str(order.lines[0].unit_price), str(order.total)) == (OrderStatus.IN_PROGRESS, "14.38 EUR", "43.14 EUR")
    assert (order.owner, order.payer, order.seller) == (demo["harbour"], demo["harbour"], demo["bright"])
    subscription = order.lines[0].subscription
    assert subscription.status is SubscriptionStatus.PENDING

    provision_due(db)
    db.refresh(order)
    assert order.status is OrderStatus.COMPLETED and order.completed_at is not None
    assert subscription.status is SubscriptionStatus.ACTIVE
    assert subscription.provisioning_data == {"vendor_id": f"fake-{subscription.id}"}
    assert [event.action for event in subscription.events] == ["created", "activated"]
    assert (subscription.current_period_end - subscription.current_period_start).days in (28, 29, 30, 31)


def test_a_reseller_buying_for_its_customer_pays_wholesale_and_the_customer_owns_it(db, demo, fake_catalog, actor_for):
    order = place_order(db, actor=actor_for("bright"), owner_id=demo["harbour"].id, payer="buyer",
                        lines=[LineRequest(fake_catalog["small"].id)], payment_method="on_account")
    assert (order.owner, order.payer, order.seller) == (demo["harbour"], demo["bright"], demo["northwind"])
    assert str(order.lines[0].unit_price) == "11.50 EUR"
    assert order.lines[0].subscription.owner == demo["harbour"]


def test_a_trial_plan_starts_in_trial(db, demo, fake_catalog, actor_for):
    order = place_order(db, actor=actor_for("harbour"), lines=[LineRequest(fake_catalog["large"].id)], payment_method="card")
    db.commit()
    provision_due(db)
    subscription = order.lines[0].subscription
    assert subscription.status is SubscriptionStatus.TRIAL
    assert (subscription.trial_end - subscription.started_at).days == 30


def test_every_problem_is_reported_by_field_and_nothing_is_written(db, demo, fake_catalog, actor_for):
    before = (_count(db, Order), _count(db, Subscription), _count(db, ProvisioningRequest))
    with pytest.raises(ValidationError) as error:
        place_order(db, actor=actor_for("harbour"), payment_method="cheque", lines=[
            LineRequest(fake_catalog["small"].id, 0),
            LineRequest(987654),
        ])
    assert set(error.value.fields) == {"payment_method", "lines.0.quantity", "lines.1.plan_id"}
    with pytest.raises(ValidationError) as error:
        place_order(db, actor=actor_for("harbour"), payment_method="card", lines=[])
    assert error.value.fields == {"lines": ["Order at least one plan."]}
    db.rollback()
    assert (_count(db, Order), _count(db, Subscription), _count(db, ProvisioningRequest)) == before


def test_an_order_of_plans_priced_in_several_currencies_is_refused(db, demo, fake_catalog, actor_for, monkeypatch):
    # Pricing never mixes currencies on its own (one list, one currency): this is the order's own guard.
    large, resolve = fake_catalog["large"], orders.resolve_prices

    def large_in_dollars(*args, **kwargs):
        return {plan_id: replace(price, unit_price=Money(price.unit_price.amount, "USD")) if plan_id == large.id else price
                for plan_id, price in resolve(*args, **kwargs).items()}

    monkeypatch.setattr(orders, "resolve_prices", large_in_dollars)
    before = (_count(db, Order), _count(db, Subscription))
    with pytest.raises(ValidationError) as error:
        place_order(db, actor=actor_for("harbour"), payment_method="card",
                    lines=[LineRequest(fake_catalog["small"].id), LineRequest(large.id)])
    assert error.value.fields == {
        "lines": ["These plans are priced in several currencies (EUR, USD): order them separately."]}
    db.rollback()
    assert (_count(db, Order), _count(db, Subscription)) == before


def test_params_are_checked_with_the_plan_schema(db, demo, fake_catalog, actor_for):
    with pytest.raises(ValidationError) as error:
        place_order(db, actor=actor_for("harbour"), payment_method="card",
                    lines=[LineRequest(fake_catalog["small"].id, 1, {"colour": "red"})])
    assert error.value.fields == {"lines.0.params": ["Small takes no details."]}


def test_prerequisites_refuse_with_their_reason(db, demo, plans, actor_for):
    solo = demo["solo"]
    with pytest.raises(ValidationError) as error:
        place_order(db, actor=actor_for("northwind"), owner_id=solo.id,
                    lines=[LineRequest(plans["reseller-plan/basic"].id)], payment_method="on_account")
    assert "Solo Consulting does not have reselling enabled" in error.value.fields["lines.0.plan_id"][0]


def test_an_account_outside_the_buyers_tree_is_not_found(db, demo, fake_catalog, actor_for):
    with pytest.raises(NotFoundError):
        place_order(db, actor=actor_for("bright"), owner_id=demo["atlas"].id,
                    lines=[LineRequest(fake_catalog["small"].id)], payment_method="on_account")


def test_a_distributor_cannot_pay(db, demo, fake_catalog, actor_for):
    with pytest.raises(ValidationError) as error:
        place_order(db, actor=actor_for("northwind"), owner_id=demo["bright"].id, payer="buyer",
                    lines=[LineRequest(fake_catalog["small"].id)], payment_method="on_account")
    assert "payer" in error.value.fields


def test_the_team_needs_the_purchase_permission_and_the_payment_method(db, demo, fake_catalog, actor_for):
    harbour = demo["harbour"]
    owner = db.scalar(select(User).where(User.email == "owner@harbour.example"))
    viewers = Team(account=harbour, name="Viewers", permissions=["view_billing"], payment_methods=["card"])
    buyers = Team(account=harbour, name="Card buyers", permissions=["purchase"], payment_methods=["card"])
    db.add_all([viewers, buyers])
    add_member(db, viewers, owner)
    add_member(db, buyers, owner)
    line = [LineRequest(fake_catalog["small"].id)]
    with pytest.raises(PermissionDeniedError):
        place_order(db, actor=acting_as(db, owner, harbour, viewers), lines=line, payment_method="card")
    with pytest.raises(ValidationError) as error:
        place_order(db, actor=acting_as(db, owner, harbour, buyers), lines=line, payment_method="bank_transfer")
    assert error.value.fields["payment_method"] == [
        "Your teams in Harbour Dental may not pay by bank_transfer (they may use: card)."
    ]
    assert place_order(db, actor=acting_as(db, owner, harbour, buyers), lines=line, payment_method="card").id


def test_a_seller_that_confirms_payments_holds_the_order_until_it_does(db, demo, fake_catalog, actor_for):
    set_payment_confirmation(db, actor=actor_for("bright"), methods=["bank_transfer"])
    order = place_order(db, actor=actor_for("harbour"), lines=[LineRequest(fake_catalog["small"].id, 2)],
                        payment_method="bank_transfer")
    db.commit()
    assert order.status is OrderStatus.AWAITING_PAYMENT
    assert order.lines[0].subscription is None and _count(db, ProvisioningRequest) == 0
    seller_mail = db.scalar(select(OutboxEmail).where(OutboxEmail.to_address == "owner@bright.example"))
    assert "waits for your payment confirmation" in seller_mail.subject

    with pytest.raises(NotFoundError):  # the buyer cannot confirm its own payment
        confirm_payment(db, actor=actor_for("harbour"), order_id=order.id, method="bank_transfer", reference="x", amount="28.76")
    with pytest.raises(ValidationError) as error:
        confirm_payment(db, actor=actor_for("bright"), order_id=order.id, method="bank_transfer", reference=" ", amount="10")
    assert set(error.value.fields) == {"reference", "amount"}
    assert error.value.fields["amount"] == ["The order needs €28.76; €10.00 does not cover it."]

    confirm_payment(db, actor=actor_for("bright"), order_id=order.id, method="bank_transfer",
                    reference="TRF-2026-118", amount="28.76")
    db.commit()
    assert order.status is OrderStatus.IN_PROGRESS
    assert [(p.reference, p.amount) for p in order.payments] == [("TRF-2026-118", Decimal("28.76"))]
    provision_due(db)
    assert order.status is OrderStatus.COMPLETED
    with pytest.raises(ConflictError):
        confirm_payment(db, actor=actor_for("bright"), order_id=order.id, method="card", reference="again", amount="28.76")


def test_other_payment_methods_are_not_held(db, demo, fake_catalog, actor_for):
    set_payment_confirmation(db, actor=actor_for("bright"), methods=["bank_transfer"])
    order = place_order(db, actor=actor_for("harbour"), lines=[LineRequest(fake_catalog["small"].id)], payment_method="card")
    assert order.status is OrderStatus.IN_PROGRESS


def test_an_order_waiting_for_payment_can_be_cancelled_and_then_never_confirmed(db, demo, fake_catalog, actor_for):
    set_payment_confirmation(db, actor=actor_for("bright"), methods=["card"])
    order = place_order(db, actor=actor_for("harbour"), lines=[LineRequest(fake_catalog["small"].id)], payment_method="card")
    cancel_order(db, actor=actor_for("harbour"), order_id=order.id, reason="ordered by mistake")
    assert order.status is OrderStatus.CANCELLED
    with pytest.raises(ConflictError):
        confirm_payment(db, actor=actor_for("bright"), order_id=order.id, method="card", reference="r", amount="14.38")


def test_a_one_per_account_product_is_changed_rather_than_bought_twice(app, db, demo, plans, actor_for):
    northwind, bright = actor_for("northwind"), demo["bright"]
    first = place_order(db, actor=northwind, owner_id=bright.id, lines=[LineRequest(plans["reseller-plan/basic"].id)],
                        payment_method="on_account")
    db.commit()
    provision_due(db)
    licence = first.lines[0].subscription
    assert licence.status is SubscriptionStatus.ACTIVE
    upgrade = place_order(db, actor=northwind, owner_id=bright.id,
                          lines=[LineRequest(plans["reseller-plan/standard"].id)], payment_method="on_account")
    db.commit()
    assert upgrade.lines[0].kind is OrderLineKind.CHANGE and upgrade.lines[0].subscription == licence
    provision_due(db)
    db.refresh(licence)
    assert licence.plan.code == "standard" and str(licence.unit_price) == "49.00 EUR"
    assert _count(db, Subscription) == 1
    with pytest.raises(ValidationError) as error:
        place_order(db, actor=northwind, owner_id=bright.id, lines=[LineRequest(plans["reseller-plan/standard"].id)],
                    payment_method="on_account")
    assert error.value.fields["lines.0.plan_id"] == ["Bright IT already has Reseller plan Standard."]
    with app.test_request_context(headers={"Accept-Language": "fr"}), pytest.raises(ValidationError) as in_french:
        place_order(db, actor=northwind, owner_id=bright.id, lines=[LineRequest(plans["reseller-plan/standard"].id)],
                    payment_method="on_account")
    assert in_french.value.fields["lines.0.plan_id"] == ["Bright IT a déjà Forfait revendeur Standard."]


def test_the_order_received_email_goes_out_in_the_resellers_name(db, demo, fake_catalog, actor_for):
    place_order(db, actor=actor_for("harbour"), lines=[LineRequest(fake_catalog["small"].id)], payment_method="card")
    email = db.scalar(select(OutboxEmail).where(OutboxEmail.to_address == "owner@harbour.example"))
    assert email.sender_name == "Bright IT"
    assert "Northwind" not in email.text_body + email.subject
    assert "€14.38" in email.text_body

"""Prerequisites from the product types, checked against the account tree's data."""

import marshmallow
import pytest
from sqlalchemy import select

from core.errors import ValidationError
from core.models.catalog import BillingPeriod, Plan, Product
from core.plugins import product_types
from core.products import PlanSpec
from core.services.catalog import sync_catalog
from core.services.eligibility import purchase_blockers
from tests.fakes import FakeProduct


@pytest.fixture
def reseller_plans(db, demo):
    return {plan.code: plan for plan in db.scalars(select(Plan).join(Plan.product).where(Product.key == "reseller-plan"))}


def test_an_eligible_reseller_may_buy_every_reseller_plan(db, demo, reseller_plans):
    assert purchase_blockers(db, demo["bright"], reseller_plans.values()) == dict.fromkeys(
        (plan.id for plan in reseller_plans.values()), []
    )


def test_an_account_without_reselling_is_told_what_to_do(db, demo, reseller_plans):
    (reason,) = purchase_blockers(db, demo["solo"], [reseller_plans["basic"]])[reseller_plans["basic"].id]
    assert reason == 'Solo Consulting does not have reselling enabled: its seller must tick "Enable Reselling" first.'


def test_a_distributor_outside_the_programme_blocks_own_storefronts_only(db, demo, reseller_plans):
    northwind = demo["northwind"]
    northwind.tier, northwind.addons, northwind.service_manager_active = "gold", [], False
    assert purchase_blockers(db, demo["bright"], [reseller_plans["basic"]])[reseller_plans["basic"].id] == []
    assert purchase_blockers(db, demo["bright"], [reseller_plans["standard"]])[reseller_plans["standard"].id] == [
        "Northwind Distribution is on the gold tier: own storefronts need Diamond or Diamond with Distribution Rights.",
        "Northwind Distribution does not have the standard-edition-resellers add-on active.",
        "Northwind Distribution has not activated the Service Manager.",
    ]
    northwind.tier = "diamond-distribution"
    assert len(purchase_blockers(db, demo["bright"], [reseller_plans["free"]])[reseller_plans["free"].id]) == 2


class SeatParams(marshmallow.Schema):
    seats_note = marshmallow.fields.String(required=True, validate=marshmallow.validate.Length(max=20))


class WithParams(FakeProduct):
    plans = (
        PlanSpec(code="small", name="Small", billing_period=BillingPeriod.MONTHLY, rank=10, params=SeatParams),
        PlanSpec(code="large", name="Large", billing_period=BillingPeriod.MONTHLY, rank=20),
    )


def test_order_parameters_are_checked_with_the_plans_schema(db, fake_plugin):
    product_type = WithParams()
    assert product_type.load_params("small", {"seats_note": "for sales"}) == {"seats_note": "for sales"}
    with pytest.raises(ValidationError) as caught:
        product_type.load_params("small", {})
    assert list(caught.value.fields) == ["params.seats_note"]
    with pytest.raises(ValidationError) as caught:
        product_type.load_params("small", {"seats_note": "x" * 30, "colour": "red"})
    assert set(caught.value.fields) == {"params.seats_note", "params.colour"}
    with pytest.raises(ValidationError) as caught:
        product_type.load_params("large", {"anything": 1})
    assert caught.value.fields == {"params": ["Large takes no details."]}


def test_a_product_whose_plugin_is_gone_cannot_be_bought(db, demo, fake_plugin):
    sync_catalog(db, product_types())
    plan = db.scalar(select(Plan).where(Plan.code == "small"))
    fake_plugin.product_types = []
    assert purchase_blockers(db, demo["harbour"], [plan])[plan.id] == ["Fake product is no longer supplied by any plugin."]

"""An order line's vendor is asked before the order's transaction opens, and its answer decides
(``core.services.orders``: ``place_order`` and ``start_trial``)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import marshmallow
import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session, scoped_session

from core.errors import PermissionDeniedError, ValidationError
from core.models.orders import Order
from core.models.people import Team
from core.products import OrderLineContext
from core.services.orders import LineRequest, place_order, start_trial
from core.services.people import add_member, owner_team
from tests.fakes import FakeProduct


class NameParams(marshmallow.Schema):
    name = marshmallow.fields.String(required=True)


class AskingProduct(FakeProduct):
    """A product whose vendor must say whether a name is free; it notes what it is asked, and
    whether the test's session held a transaction then."""

    plans = tuple(type(plan)(**{**plan.__dict__, "params": NameParams}) for plan in FakeProduct.plans)
    taken = ("taken",)

    def __init__(self, vendor: str, session: scoped_session[Session]) -> None:
        super().__init__(vendor)
        self.session = session
        self.asked: list[str] = []
        self.asked_in_transaction = False

    def ask_vendor(self, plan_code: str, params: Mapping[str, Any]) -> dict[str, Any]:
        self.asked.append(params["name"])
        self.asked_in_transaction |= self.session().in_transaction()
        return {"free": params["name"] not in self.taken}

    def accept_params(self, line: OrderLineContext) -> dict[str, Any]:
        if not line.vendor_answers["free"]:
            raise ValidationError({"params.name": [f"{line.params['name']} is taken at the vendor."]})
        return dict(line.params)


@pytest.fixture
def asking(db, fake_plugin, fake_catalog) -> AskingProduct:
    product = AskingProduct(fake_plugin.vendor, db)
    fake_plugin.product_types = [product]
    return product


def test_the_vendors_answer_decides_and_the_vendor_is_asked_with_no_transaction_open(db, fake_catalog, asking,
                                                                                    actor_for):
    actor = actor_for("harbour")
    with pytest.raises(ValidationError) as refused:
        place_order(db, actor=actor, payment_method="card", lines=[
            LineRequest(fake_catalog["small"].id, 1, {"name": "free-one"}),
            LineRequest(fake_catalog["small"].id, 1, {"name": "taken"})])
    assert refused.value.fields == {"lines.1.params.name": ["taken is taken at the vendor."]}
    db.rollback()
    assert db.scalars(select(Order)).all() == []
    placed = place_order(db, actor=actor, payment_method="card",
                         lines=[LineRequest(fake_catalog["small"].id, 1, {"name": "free-one"})])
    assert placed.lines[0].params == {"name": "free-one"}
    assert asking.asked == ["free-one", "taken", "free-one"]
    assert not asking.asked_in_transaction


def test_a_trial_asks_the_vendor_with_no_transaction_open(db, fake_catalog, asking, actor_for):
    with pytest.raises(ValidationError) as refused:
        start_trial(db, actor=actor_for("harbour"), plan_id=fake_catalog["small"].id, days=14, params={"name": "taken"})
    assert refused.value.fields == {"params.name": ["taken is taken at the vendor."]}
    assert asking.asked == ["taken"]
    assert not asking.asked_in_transaction


def test_lines_the_order_refuses_anyway_are_not_asked_about(db, fake_catalog, asking, actor_for):
    with pytest.raises(ValidationError) as refused:
        place_order(db, actor=actor_for("harbour"), payment_method="card", lines=[
            LineRequest(fake_catalog["small"].id, 1, {}),  # no name: the schema refuses it
            LineRequest(999_999, 1, {"name": "nowhere"}),  # no such plan
        ])
    assert set(refused.value.fields) == {"lines.0.params.name", "lines.1.plan_id"}
    assert asking.asked == []


def test_someone_who_may_not_buy_gets_no_vendor_asked(db, demo, fake_catalog, asking, actor_for):
    team = Team(account=demo["harbour"], name="Billing", permissions=["view_billing"])
    add_member(db, team, owner_team(db, demo["harbour"]).memberships[0].user)
    billing = actor_for("harbour", team)
    with pytest.raises(PermissionDeniedError):
        place_order(db, actor=billing, payment_method="card",
                    lines=[LineRequest(fake_catalog["small"].id, 1, {"name": "free-one"})])
    assert asking.asked == []


def test_an_order_whose_vendors_are_asked_nothing_stays_in_the_callers_transaction(db, fake_catalog, actor_for):
    place_order(db, actor=actor_for("harbour"), payment_method="card", lines=[LineRequest(fake_catalog["small"].id)])
    db.rollback()
    assert db.scalars(select(Order)).all() == []

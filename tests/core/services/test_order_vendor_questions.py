"""Placing an order in three steps: read what to ask the vendors, ask them with no transaction
open, then check and write the order with their answers (``core.services.orders``)."""

from __future__ import annotations

import logging
from collections.abc import Mapping
from typing import Any

import marshmallow
import pytest
from sqlalchemy import select

from core.errors import PermissionDeniedError, ValidationError
from core.models.orders import Order
from core.models.people import Team
from core.products import OrderLineContext
from core.services.orders import LineRequest, place_order, vendor_questions
from core.services.people import add_member, owner_team
from tests.fakes import FakeProduct


class NameParams(marshmallow.Schema):
    name = marshmallow.fields.String(required=True)


class AskingProduct(FakeProduct):
    """A product whose vendor must say whether a name is free; it counts what it is asked."""

    plans = tuple(type(plan)(**{**plan.__dict__, "params": NameParams}) for plan in FakeProduct.plans)
    taken = ("taken",)

    def __init__(self, *args: Any) -> None:
        super().__init__(*args)
        self.asked: list[str] = []

    def ask_vendor(self, plan_code: str, params: Mapping[str, Any]) -> dict[str, Any]:
        self.asked.append(params["name"])
        return {"free": params["name"] not in self.taken}

    def accept_params(self, line: OrderLineContext) -> dict[str, Any]:
        if not line.vendor_answers["free"]:
            raise ValidationError({"params.name": [f"{line.params['name']} is taken at the vendor."]})
        return dict(line.params)


@pytest.fixture
def asking(fake_plugin, fake_catalog) -> AskingProduct:
    product = AskingProduct(fake_plugin.vendor)
    fake_plugin.product_types = [product]
    return product


def test_the_vendors_answer_decides_and_the_vendor_is_asked_once(db, fake_catalog, asking, actor_for):
    actor = actor_for("harbour")
    lines = [LineRequest(fake_catalog["small"].id, 1, {"name": "free-one"}),
             LineRequest(fake_catalog["small"].id, 1, {"name": "taken"})]
    questions = vendor_questions(db, actor=actor, lines=lines)
    db.commit()
    answered = questions.ask()
    assert asking.asked == ["free-one", "taken"]
    with pytest.raises(ValidationError) as refused:
        place_order(db, actor=actor, lines=answered, payment_method="card")
    assert refused.value.fields == {"lines.1.params.name": ["taken is taken at the vendor."]}
    placed = place_order(db, actor=actor, lines=answered[:1], payment_method="card")
    assert placed.lines[0].params == {"name": "free-one"}
    assert asking.asked == ["free-one", "taken"]  # place_order used the answers it was given


def test_lines_place_order_refuses_anyway_are_not_asked_about(db, fake_catalog, asking, actor_for):
    questions = vendor_questions(db, actor=actor_for("harbour"), lines=[
        LineRequest(fake_catalog["small"].id, 1, {}),  # no name: the schema refuses it
        LineRequest(999_999, 1, {"name": "nowhere"}),  # no such plan
    ])
    assert questions.ask() == list(questions.lines)
    assert asking.asked == []


def test_someone_who_may_not_buy_gets_no_vendor_asked(db, demo, fake_catalog, asking, actor_for):
    team = Team(account=demo["harbour"], name="Billing", permissions=["view_billing"])
    add_member(db, team, owner_team(db, demo["harbour"]).memberships[0].user)
    billing = actor_for("harbour", team)
    with pytest.raises(PermissionDeniedError):
        vendor_questions(db, actor=billing, lines=[LineRequest(fake_catalog["small"].id, 1, {"name": "free-one"})])
    assert asking.asked == []


def test_a_line_nobody_asked_about_is_asked_inside_the_transaction_and_said_so(db, fake_catalog, asking, actor_for,
                                                                                caplog):
    with caplog.at_level(logging.WARNING, logger="core.services.orders"):
        place_order(db, actor=actor_for("harbour"), payment_method="card",
                    lines=[LineRequest(fake_catalog["small"].id, 1, {"name": "free-one"})])
    assert asking.asked == ["free-one"]
    assert "asks its vendor inside the order's transaction" in caplog.text
    assert db.scalars(select(Order)).one().lines[0].params == {"name": "free-one"}

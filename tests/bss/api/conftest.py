"""API test fixtures (the plugin kit makes the keys and the clients that send them): answers checked
against the OpenAPI document, and subscriptions ordered and provisioned through the API."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from flask.testing import FlaskClient
from sqlalchemy.orm import Session
from werkzeug.test import TestResponse

from core.models.catalog import Plan
from plugin_kit.testing import KeyClient, provision_due
from tests.bss.api.test_openapi import conforms


def documented(client: FlaskClient, response: TestResponse, path: str, method: str) -> None:
    """Check that ``response`` is an answer the OpenAPI document describes for ``method path``."""
    document = client.get("/api/v1/openapi.json").json
    answer = document["paths"][path][method]["responses"][str(response.status_code)]
    conforms(document, response.json, answer["content"][response.mimetype]["schema"], f"{method.upper()} {path}")


@pytest.fixture
def subscribe_by_api(
    db: Session, api_as: Callable[..., KeyClient], fake_catalog: dict[str, Plan]
) -> Callable[..., dict[str, Any]]:
    """Order a fake-product plan through the API as a demo account, provision it, and return
    the subscription as that account reads it; ``order`` adds to the order's body."""

    def make(slug: str = "harbour", plan: str = "small", quantity: int = 1, **order: Any) -> dict[str, Any]:
        buyer = api_as(slug)
        lines = [{"plan_id": str(fake_catalog[plan].id), "quantity": quantity}]
        placed = buyer.post("/api/v1/orders", json={"payment_method": "card", "lines": lines, **order})
        assert placed.status_code == 201, placed.json
        provision_due(db)
        return buyer.get(f"/api/v1/subscriptions/{placed.json['lines'][0]['subscription_id']}").json

    return make

"""Storefront test helpers: forms posted with the shop session's CSRF token, customers signed in."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import pytest
from flask.testing import FlaskClient

from core.services.demo import DEMO_PASSWORD

BRIGHT = "http://bright.shop.localhost"
CORNER = "http://corner.shop.localhost"
NORTHWIND = "http://northwind.shop.localhost"

_TOKEN = re.compile(r'name="csrf_token" value="([^"]+)"')


def shop_csrf(client: FlaskClient, base: str = BRIGHT) -> str:
    """The CSRF token of the client's session on the shop at ``base``, read off a form as a browser has it."""
    page = client.get("/sign-up", base_url=base).get_data(as_text=True)
    found = _TOKEN.search(page)
    assert found, "the sign-up form carries a CSRF token"
    return found.group(1)


@pytest.fixture
def shop_post(client: FlaskClient) -> Callable[..., Any]:
    """Post a form to a shop (Bright IT's unless ``base`` says otherwise) as a browser would."""

    def send(url: str, data: dict[str, Any] | None = None, base: str = BRIGHT, **kwargs: Any) -> Any:
        return client.post(url, data={**(data or {}), "csrf_token": shop_csrf(client, base)}, base_url=base, **kwargs)

    return send


@pytest.fixture
def shop_sign_in(shop_post: Callable[..., Any]) -> Callable[..., Any]:
    """Sign in on a shop through its sign-in form; a demo customer of Bright IT by default."""

    def sign_in(email: str = "owner@harbour.example", password: str = DEMO_PASSWORD, base: str = BRIGHT) -> Any:
        response = shop_post("/sign-in", {"email": email, "password": password}, base=base)
        assert response.status_code == 302, response.get_data(as_text=True)
        return response

    return sign_in


_HIDDEN = re.compile(r'<input type="hidden" name="([^"]+)" value="([^"]*)">')


@pytest.fixture
def add_to_cart(shop_post: Callable[..., Any]) -> Callable[..., Any]:
    """Put ``quantity`` of a plan in the cart from its product page's form, on Bright IT's shop by default."""

    def add(plan: Any, quantity: int | str = 1, base: str = BRIGHT) -> Any:
        return shop_post("/cart/add", {"plan_id": plan.id, "quantity": quantity}, base=base)

    return add


@pytest.fixture
def check_out(client: FlaskClient) -> Callable[..., Any]:
    """Send the checkout form as the page has it, with the order parameters and the payment method given."""

    def send(payment_method: str = "card", params: dict[str, str] | None = None, base: str = BRIGHT) -> Any:
        page = client.get("/checkout", base_url=base)
        assert page.status_code == 200, page.get_data(as_text=True)
        form = dict(_HIDDEN.findall(page.get_data(as_text=True)))
        return client.post("/checkout", data={**form, **(params or {}), "payment_method": payment_method}, base_url=base)

    return send

"""Forms sent as a browser sends them, CSRF token included, to the back office and to the shops.

``post_form`` is the one way a test posts a form; the fixtures bind it to the test's client:
``post`` for the back office, ``shop_post`` for a storefront (Bright IT's by default).
"""

from __future__ import annotations

import re
import secrets
from collections.abc import Callable
from functools import partial
from typing import Any

import pytest
from flask.testing import FlaskClient
from werkzeug.test import TestResponse

from core.services.demo import DEMO_PASSWORD
from web.csrf import FIELD, SESSION_KEY

#: The demo's storefronts as a browser reaches them: Bright IT's (Standard plan), Corner Computers'
#: (Basic: none of its own) and the distributor's.
BRIGHT = "http://bright.shop.localhost"
CORNER = "http://corner.shop.localhost"
NORTHWIND = "http://northwind.shop.localhost"

_TOKEN = re.compile(rf'name="{FIELD}" value="([^"]+)"')
_HIDDEN = re.compile(r'<input type="hidden" name="([^"]+)" value="([^"]*)">')


def form_token(client: FlaskClient, base_url: str | None = None) -> str:
    """The CSRF token the client's forms carry: the back office's, from its session, or the shop's
    at ``base_url``, read off the shop's sign-up form as a browser has it."""
    if base_url is None:
        with client.session_transaction() as session:
            return session.setdefault(SESSION_KEY, secrets.token_urlsafe(16))
    page = client.get("/sign-up", base_url=base_url).get_data(as_text=True)
    found = _TOKEN.search(page)
    assert found, f"the sign-up form of {base_url} carries a CSRF token"
    return found.group(1)


def post_form(client: FlaskClient, url: str, data: dict[str, Any] | None = None, *, base_url: str | None = None,
              **kwargs: Any) -> TestResponse:
    """Post a form as a browser would, with the CSRF token of the client's session (on the shop at
    ``base_url`` if given, else the back office)."""
    if base_url is not None:
        kwargs["base_url"] = base_url
    return client.post(url, data={**(data or {}), FIELD: form_token(client, base_url)}, **kwargs)


@pytest.fixture
def post(client: FlaskClient) -> Callable[..., TestResponse]:
    """Post a back-office form with the test client: ``post(url, data, **client_post_options)``."""
    return partial(post_form, client)


@pytest.fixture
def shop_post(client: FlaskClient) -> Callable[..., TestResponse]:
    """Post a form to a shop (Bright IT's unless ``base`` says otherwise) with the test client."""

    def send(url: str, data: dict[str, Any] | None = None, base: str = BRIGHT, **kwargs: Any) -> TestResponse:
        return post_form(client, url, data, base_url=base, **kwargs)

    return send


@pytest.fixture
def login_as(client: FlaskClient) -> Callable[..., FlaskClient]:
    """Sign the test client in to the back office through the real sign-in form."""

    def login(email: str, password: str = DEMO_PASSWORD) -> FlaskClient:
        response = post_form(client, "/bss/login", {"email": email, "password": password})
        assert response.status_code == 302, response.get_data(as_text=True)
        return client

    return login


@pytest.fixture
def shop_sign_in(shop_post: Callable[..., TestResponse]) -> Callable[..., TestResponse]:
    """Sign in on a shop through its sign-in form; a demo customer of Bright IT by default."""

    def sign_in(email: str = "owner@harbour.example", password: str = DEMO_PASSWORD, base: str = BRIGHT) -> TestResponse:
        response = shop_post("/sign-in", {"email": email, "password": password}, base=base)
        assert response.status_code == 302, response.get_data(as_text=True)
        return response

    return sign_in


@pytest.fixture
def add_to_cart(shop_post: Callable[..., TestResponse]) -> Callable[..., TestResponse]:
    """Put ``quantity`` of a plan in the cart from its product page's form, on Bright IT's shop by default."""

    def add(plan: Any, quantity: int | str = 1, base: str = BRIGHT) -> TestResponse:
        return shop_post("/cart/add", {"plan_id": plan.id, "quantity": quantity}, base=base)

    return add


@pytest.fixture
def check_out(client: FlaskClient) -> Callable[..., TestResponse]:
    """Send the checkout form as the page has it, with the order parameters and the payment method given."""

    def send(payment_method: str = "card", params: dict[str, str] | None = None, base: str = BRIGHT) -> TestResponse:
        page = client.get("/checkout", base_url=base)
        assert page.status_code == 200, page.get_data(as_text=True)
        form = dict(_HIDDEN.findall(page.get_data(as_text=True)))
        return client.post("/checkout", data={**form, **(params or {}), "payment_method": payment_method}, base_url=base)

    return send

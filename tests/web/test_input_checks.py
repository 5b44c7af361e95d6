"""Input no database or encoder could take is refused before any view reads it, naming the field, on
every app (the API, the back office, the storefronts): a NUL byte, a lone UTF-16 surrogate, JSON
nested past reason, an id no database integer holds. Nothing is written, and nothing answers 500."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from core.models.accounts import Account
from core.models.sign_ups import SignUp
from plugin_kit.testing import BRIGHT, post_form

HUGE = "99999999999999999999999"


def account_count(db):
    return db.scalar(select(func.count()).select_from(Account))


@pytest.fixture
def bright_key(api_as):
    return api_as("bright")


def test_a_nul_byte_in_the_query_string_is_named(bright_key):
    response = bright_key.get("/api/v1/accounts?q=a%00b")
    assert response.status_code == 422
    assert response.mimetype == "application/problem+json"
    assert list(response.json["fields"]) == ["q"]


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ('{"kind": "customer", "name": "a\\u0000b", "slug": "nul"}', "name"),
        ('{"kind": "customer", "name": "\\ud800", "slug": "surrogate"}', "name"),
        ('{"kind": "customer", "name": "Pair \\ud83d\\ude00 fine", "slug": "pair", "x\\udfff": 1}', "x\\udfff"),
        ('{"kind": "customer", "name": "N", "slug": "n", "parent_id": ["\\udc80"]}', "parent_id.0"),
    ],
)
def test_text_no_database_can_store_is_named_in_a_json_body(db, bright_key, body, field):
    before = account_count(db)
    response = bright_key.post("/api/v1/accounts", data=body, content_type="application/json")
    assert response.status_code == 422, response.get_data(as_text=True)
    assert list(response.json["fields"]) == [field]
    assert account_count(db) == before


def test_json_nested_past_reason_is_refused_whole(db, bright_key):
    before = account_count(db)
    deep = "[" * 200_000 + "]" * 200_000
    response = bright_key.post("/api/v1/accounts", data=deep, content_type="application/json")
    assert response.status_code == 422
    assert "nested" in response.json["fields"]["_schema"][0]
    assert account_count(db) == before


def test_json_nested_deeper_than_any_field_needs_names_the_field(bright_key):
    nested = "[" * 100 + "]" * 100
    body = f'{{"kind": "customer", "name": "N", "slug": "deep", "parent_id": {nested}}}'
    response = bright_key.post("/api/v1/accounts", data=body, content_type="application/json")
    assert response.status_code == 422
    assert list(response.json["fields"]) == ["parent_id"]


def test_the_back_office_names_a_nul_byte_in_a_search(client, demo, login_as):
    login_as("admin@northwind.example")
    response = client.get("/bss/accounts?q=a%00b", headers={"Accept": "text/html"})
    assert response.status_code == 422
    assert "<strong>Search:</strong>" in response.get_data(as_text=True)


def test_the_back_office_names_a_nul_byte_in_a_form_and_writes_nothing(db, client, demo, login_as):
    login_as("admin@northwind.example")
    before = account_count(db)
    response = post_form(client, "/bss/accounts", {"kind": "customer", "name": "Nul\x00Ltd", "slug": "nul-ltd"},
                         headers={"Accept": "text/html"})
    assert response.status_code == 422
    assert "<strong>Name:</strong>" in response.get_data(as_text=True)
    assert account_count(db) == before


def test_a_storefront_names_a_nul_byte_in_a_form_and_writes_nothing(db, client, shops):
    response = post_form(client, "/sign-up", {"email": "nul@example.com", "name": "Nul\x00", "company_name": "Nul",
                                              "password": "a long enough password"}, base_url=BRIGHT)
    assert response.status_code == 422
    assert "name" in response.get_data(as_text=True)
    assert db.scalar(select(func.count()).select_from(SignUp).where(SignUp.email == "nul@example.com")) == 0


@pytest.mark.parametrize(
    "path",
    [f"/orders/{HUGE}", f"/orders/{HUGE}/cancel", "/orders/2147483648",  # past PostgreSQL's integer f"/subscriptions/{HUGE}", f"/microsoft-365/{HUGE}/users",
     f"/hosting/websites/{HUGE}", f"/organisation/teams/{HUGE}", f"/invoices/{HUGE}"],
)
def test_a_storefront_id_no_database_holds_is_not_found(client, shops, shop_sign_in, path):
    shop_sign_in()
    method = "POST" if path.endswith("/cancel") else "GET"
    assert client.open(path, method=method, base_url=BRIGHT).status_code == 404


@pytest.mark.parametrize("path", [f"/bss/orders/{HUGE}", f"/bss/subscriptions/{HUGE}", f"/bss/teams/{HUGE}",
                                  f"/bss/hosting/websites/{HUGE}", f"/api/v1/orders/{HUGE}",
                                  "/api/v1/accounts/2147483648/teams"])
def test_a_back_office_id_no_database_holds_is_not_found(client, demo, login_as, path):
    login_as("admin@northwind.example")
    assert client.get(path).status_code == 404


def test_a_page_number_past_64_bits_reads_as_no_page(client, demo, login_as, shops, shop_sign_in):
    login_as("admin@northwind.example")
    assert client.get(f"/bss/accounts?after={HUGE}").status_code == 200
    assert client.get(f"/bss/orders?after={HUGE}").status_code == 200
    assert client.get("/bss/orders?after=2147483648").status_code == 200
    shop_sign_in()
    assert client.get(f"/orders?after={HUGE}", base_url=BRIGHT).status_code == 200

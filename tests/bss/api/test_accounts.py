import re

import pytest
from sqlalchemy import func, select

from core.models.accounts import Account, AccountKind
from core.models.prices import PriceListKind
from core.services.price_lists import create_price_list

UTC_TIME = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$")
FOREIGN_TO_BRIGHT = ("corner", "northwind", "solo")
MISSING_ID = 987_654_321


def account_count(db):
    return db.scalar(select(func.count()).select_from(Account))


def test_a_reseller_lists_only_its_own_customers(api_as):
    body = api_as("bright").get("/api/v1/accounts").json
    assert [item["slug"] for item in body["items"]] == ["harbour", "maple"]
    assert body["next"] is None


def test_a_distributor_lists_its_whole_tree_filtered_and_searched(api_as):
    northwind = api_as("northwind")
    slugs = [item["slug"] for item in northwind.get("/api/v1/accounts").json["items"]]
    assert sorted(slugs) == ["atlas", "bright", "corner", "harbour", "maple", "solo"]
    resellers = northwind.get("/api/v1/accounts?kind=reseller").json["items"]
    assert [item["slug"] for item in resellers] == ["bright", "corner"]
    assert [item["slug"] for item in northwind.get("/api/v1/accounts?q=BAKERY").json["items"]] == ["maple"]


def test_an_account_is_json_with_string_ids_and_utc_times(api_as, demo):
    body = api_as("bright").get(f"/api/v1/accounts/{demo['harbour'].id}").json
    assert body == {
        "id": str(demo["harbour"].id),
        "kind": "customer",
        "name": "Harbour Dental",
        "slug": "harbour",
        "parent_id": str(demo["bright"].id),
        "reselling_enabled": False,
        "primary_domain": "harbour-dental.example",
        "tax_id": None,
        "created_at": body["created_at"],
    }
    assert UTC_TIME.match(body["created_at"])


def test_programme_fields_only_on_distributors_and_a_price_tier_on_resellers(api_as, demo):
    northwind = api_as("northwind")
    own = northwind.get("/api/v1/me").json["account"]
    assert own["parent_id"] is None
    assert own["tier"] == "diamond"
    assert own["addons"] == ["standard-edition-resellers"]
    assert own["service_manager_active"] is True
    for item in northwind.get("/api/v1/accounts").json["items"]:
        assert not {"addons", "service_manager_active"} & item.keys()
        assert ("tier" in item) is (item["kind"] == "reseller")


def test_a_distributor_puts_a_reseller_in_a_price_tier_it_has_a_list_for(api_as, db, demo):
    create_price_list(db, seller=demo["northwind"], kind=PriceListKind.WHOLESALE, name="Gold resellers",
                      currency="EUR", tier="gold", by=None)
    db.commit()
    northwind, url = api_as("northwind"), f"/api/v1/accounts/{demo['bright'].id}"
    refused = northwind.patch(url, json={"tier": "platinum"})
    assert refused.status_code == 404 and "tier" in refused.json["fields"]  # no list for that tier
    assert northwind.patch(url, json={"tier": "gold"}).json["tier"] == "gold"
    assert api_as("bright").patch(url, json={"tier": None}).status_code == 403  # not its own
    assert northwind.patch(url, json={"tier": None}).json["tier"] is None


@pytest.mark.parametrize("foreign", [*FOREIGN_TO_BRIGHT, None])
@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("GET", "/api/v1/accounts/{id}"),
        ("PATCH", "/api/v1/accounts/{id}"),
        ("GET", "/api/v1/accounts/{id}/teams"),
        ("GET", "/api/v1/accounts/{id}/members"),
    ],
)
def test_accounts_outside_the_subtree_are_not_found(api_as, db, demo, method, path, foreign):
    account_id = demo[foreign].id if foreign else MISSING_ID
    response = api_as("bright").open(method, path.format(id=account_id), json={"name": "Hijacked"})
    assert response.status_code == 404
    assert response.mimetype == "application/problem+json"
    if foreign:
        assert demo[foreign].name not in response.get_data(as_text=True)
    assert db.scalar(select(func.count()).select_from(Account).where(Account.name == "Hijacked")) == 0


@pytest.mark.parametrize("account_id", ["99999999999999999999999", "-1", "abc"])
def test_ids_no_database_could_hold_are_not_found(api_as, account_id):
    assert api_as("bright").get(f"/api/v1/accounts/{account_id}").status_code == 404


def test_other_tenants_never_appear_in_lists(api_as, demo):
    bright = api_as("bright")
    for query in ("", "?q=corner", "?q=northwind", "?q=solo", "?kind=reseller", "?kind=distributor"):
        body = bright.get(f"/api/v1/accounts{query}").get_data(as_text=True)
        for other in FOREIGN_TO_BRIGHT:
            assert demo[other].name not in body and f'"{demo[other].id}"' not in body


def test_paging_walks_every_account_once(api_as, demo, make_account):
    made = {str(make_account(AccountKind.CUSTOMER, parent=demo["corner"]).id) for _ in range(120)}
    corner = api_as("corner")
    seen, pages, url = [], [], "/api/v1/accounts?limit=50&kind=customer"
    while url:
        body = corner.get(url).json
        pages.append(len(body["items"]))
        seen += [item["id"] for item in body["items"]]
        url = body["next"]
        if url:
            assert url.startswith("http://localhost/api/v1/accounts?")
            assert "kind=customer" in url and "limit=50" in url
    assert pages == [50, 50, 20]
    assert len(seen) == len(set(seen)) == 120
    assert set(seen) == made
    assert [int(id_) for id_ in seen] == sorted(int(id_) for id_ in seen)


def test_a_full_last_page_has_no_next(api_as, demo, make_account):
    for _ in range(2):
        make_account(AccountKind.CUSTOMER, parent=demo["corner"])
    body = api_as("corner").get("/api/v1/accounts?limit=2").json
    assert len(body["items"]) == 2 and body["next"] is None


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("limit=0", "limit"),
        ("limit=201", "limit"),
        ("limit=many", "limit"),
        ("kind=emperor", "kind"),
        ("cursor=bm90LW91cnM", "cursor"),
        ("cursor=%F0%9F%92%A5", "cursor"),
        ("colour=blue", "colour"),
    ],
)
def test_bad_list_queries_name_the_parameter(api_as, query, field):
    response = api_as("bright").get(f"/api/v1/accounts?{query}")
    assert response.status_code == 422
    assert response.mimetype == "application/problem+json"
    assert list(response.json["fields"]) == [field]


def test_patch_parent_id_is_refused_naming_transfers(api_as, demo):
    northwind = api_as("northwind")
    response = northwind.patch(f"/api/v1/accounts/{demo['solo'].id}", json={"parent_id": str(demo["bright"].id)})
    assert response.status_code == 422 and "POST /api/v1/transfers" in response.json["fields"]["parent_id"][0]
    assert api_as("bright").get(f"/api/v1/accounts/{demo['solo'].id}").status_code == 404


def test_a_seller_sets_its_customers_tax_number_and_a_bad_one_is_refused_by_field(api_as, demo):
    bright = api_as("bright")
    url = f"/api/v1/accounts/{demo['harbour'].id}"
    assert bright.patch(url, json={"tax_id": "fr 40 303 265 045"}).json["tax_id"] == "FR40303265045"
    refused = bright.patch(url, json={"tax_id": "40 % off"})
    assert refused.status_code == 422 and list(refused.json["fields"]) == ["tax_id"]
    assert bright.get(url).json["tax_id"] == "FR40303265045"
    assert bright.patch(url, json={"tax_id": None}).json["tax_id"] is None

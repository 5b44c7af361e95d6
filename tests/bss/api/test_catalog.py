import pytest
from sqlalchemy import func, select

from core.models.audit import AuditEvent
from core.models.catalog import Plan, Product
from core.models.prices import HiddenPlan, OfferedProduct
from tests.bss.api.test_openapi import conforms

MISSING_ID = 987_654_321


@pytest.fixture
def premium(db, demo):
    return db.scalar(select(Plan).where(Plan.code == "business-premium"))


@pytest.fixture
def domains(db, demo):
    return db.scalar(select(Product).where(Product.key == "domain-name"))


def on_sale(client, query=""):
    """The plans listed by /products, as "product/plan"."""
    items = client.get(f"/api/v1/products{query}").json["items"]
    return {f"{product['key']}/{plan['code']}" for product in items for plan in product["plans"]}


def choices(db):
    """The distributors' catalog choices and their audit trail, to show that a refusal changed nothing."""
    db.expire_all()
    return (
        db.execute(select(OfferedProduct.distributor_id, OfferedProduct.product_id).order_by(OfferedProduct.id)).all(),
        db.execute(select(HiddenPlan.distributor_id, HiddenPlan.plan_id).order_by(HiddenPlan.id)).all(),
        db.scalar(select(func.count()).select_from(AuditEvent).where(AuditEvent.action.startswith("catalog."))),
    )


def test_a_hidden_plan_is_off_sale_down_the_whole_tree_until_shown(api_as, db, demo, premium):
    northwind, harbour = api_as("northwind"), f"?account_id={demo['harbour'].id}"
    url = f"/api/v1/catalog/plans/{premium.id}/hidden"
    response = northwind.open("PUT", url)
    assert response.status_code == 200 and response.json == {"plan_id": str(premium.id), "hidden": True}
    for client, query in ((api_as("bright"), ""), (api_as("bright"), harbour), (api_as("solo"), "")):
        assert "microsoft-365/business-premium" not in on_sale(client, query)
        assert "microsoft-365/business-standard" in on_sale(client, query)
    response = northwind.open("DELETE", url)
    assert response.status_code == 200 and response.json == {"plan_id": str(premium.id), "hidden": False}
    assert "microsoft-365/business-premium" in on_sale(api_as("bright"), harbour)


def test_a_withdrawn_product_is_off_sale_until_offered_again(api_as, demo, domains):
    northwind = api_as("northwind")
    url = f"/api/v1/catalog/products/{domains.id}"
    response = northwind.open("DELETE", url)
    assert response.status_code == 200 and response.json == {"product_id": str(domains.id), "offered": False}
    assert not {key for key in on_sale(api_as("solo")) if key.startswith("domain-name/")}
    assert "web-hosting/pro" in on_sale(api_as("solo"))
    response = northwind.open("PUT", url)
    assert response.status_code == 200 and response.json == {"product_id": str(domains.id), "offered": True}
    assert "domain-name/com" in on_sale(api_as("solo"))


def test_choices_are_idempotent_and_recorded_once_with_who(api_as, db, demo, premium):
    northwind = api_as("northwind")
    for _ in range(2):
        assert northwind.open("PUT", f"/api/v1/catalog/plans/{premium.id}/hidden").status_code == 200
    assert northwind.open("PUT", f"/api/v1/catalog/products/{premium.product_id}").status_code == 200  # offered already
    (event,) = db.scalars(select(AuditEvent).where(AuditEvent.action.startswith("catalog."),
                                                   AuditEvent.actor_id.is_not(None))).all()
    assert (event.action, event.account_id, event.target_id) == ("catalog.plan_hidden", demo["northwind"].id, premium.id)
    assert str(event.actor_id) == northwind.get("/api/v1/me").json["user"]["id"]


ROUTES = [("PUT", "/api/v1/catalog/products/{product}"), ("DELETE", "/api/v1/catalog/products/{product}"),
          ("PUT", "/api/v1/catalog/plans/{plan}/hidden"), ("DELETE", "/api/v1/catalog/plans/{plan}/hidden")]


@pytest.mark.parametrize(("method", "route"), ROUTES)
@pytest.mark.parametrize("slug", ["bright", "harbour", "solo", "northwind without manage_prices"])
def test_only_a_distributor_with_manage_prices_chooses(api_as, db, make_team, premium, domains, method, route, slug):
    if slug.startswith("northwind"):
        client = api_as("northwind", make_team("northwind", "Sales", ["purchase", "manage_accounts", "support"]))
    else:
        client = api_as(slug)  # an owner team: it has manage_prices in its own account
    before = choices(db)
    response = client.open(method, route.format(product=domains.id, plan=premium.id))
    assert response.status_code == 403 and response.mimetype == "application/problem+json"
    assert choices(db) == before


@pytest.mark.parametrize(("method", "route"), ROUTES)
def test_unknown_products_and_plans_are_not_found(api_as, db, method, route):
    client = api_as("northwind")
    before = choices(db)
    response = client.open(method, route.format(product=MISSING_ID, plan=MISSING_ID))
    assert response.status_code == 404 and response.mimetype == "application/problem+json"
    assert choices(db) == before


def test_catalog_answers_are_documented(client, api_as, premium, domains):
    document = client.get("/api/v1/openapi.json").json
    northwind, bright = api_as("northwind"), api_as("bright")
    answers = [
        ("/api/v1/catalog/products/{product_id}", "delete", northwind.open("DELETE", f"/api/v1/catalog/products/{domains.id}")),
        ("/api/v1/catalog/products/{product_id}", "put", northwind.open("PUT", f"/api/v1/catalog/products/{domains.id}")),
        ("/api/v1/catalog/products/{product_id}", "put", bright.open("PUT", f"/api/v1/catalog/products/{domains.id}")),
        ("/api/v1/catalog/plans/{plan_id}/hidden", "put", northwind.open("PUT", f"/api/v1/catalog/plans/{premium.id}/hidden")),
        ("/api/v1/catalog/plans/{plan_id}/hidden", "delete", northwind.open("DELETE", f"/api/v1/catalog/plans/{premium.id}/hidden")),
        ("/api/v1/catalog/plans/{plan_id}/hidden", "delete", northwind.open("DELETE", f"/api/v1/catalog/plans/{MISSING_ID}/hidden")),
    ]
    for path, method, response in answers:
        documented = document["paths"][path][method]["responses"][str(response.status_code)]
        conforms(document, response.json, documented["content"][response.mimetype]["schema"],
                 f"{method.upper()} {path} {response.status_code}")

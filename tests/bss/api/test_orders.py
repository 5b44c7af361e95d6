import pytest
from sqlalchemy import func, select

from core.models.orders import Order
from core.models.provisioning import ProvisioningRequest
from plugin_kit.testing import provision_due
from tests.bss.api.conftest import documented

MISSING_ID = 987_654_321


def eur(amount):
    return {"amount": amount, "currency": "EUR"}


def line(plan, quantity=1, **extra):
    return {"plan_id": str(plan.id), "quantity": quantity, **extra}


def order(client, *lines, payment_method="card", **body):
    return client.post("/api/v1/orders", json={"payment_method": payment_method, "lines": list(lines), **body})


def count(db, model):
    db.expire_all()
    return db.scalar(select(func.count()).select_from(model))


@pytest.fixture
def waits_for_transfers(db, demo):
    """Bright IT confirms bank transfers before its customers' orders go ahead."""
    demo["bright"].payment_confirmation_methods = ["bank_transfer"]
    db.commit()


def test_a_customer_order_is_priced_by_its_reseller_and_followed_to_completion(client, api_as, db, demo, fake_catalog):
    harbour = api_as("harbour")
    placed = order(harbour, line(fake_catalog["small"], 3))
    assert placed.status_code == 201, placed.json
    body = placed.json
    assert placed.headers["Location"].endswith(f"/api/v1/orders/{body['id']}")
    ids = {key: body[key] for key in ("account_id", "buyer_id", "payer_id", "seller_id")}
    assert ids == {"account_id": str(demo["harbour"].id), "buyer_id": str(demo["harbour"].id),
                   "payer_id": str(demo["harbour"].id), "seller_id": str(demo["bright"].id)}
    assert (body["status"], body["payment_method"], body["payments"], body["completed_at"]) == (
        "in_progress", "card", [], None)
    # Bright IT marks its 11.50 wholesale cost up by 25 %: 14.375, rounded half-up.
    assert (body["total"], body["setup_total"], body["amount_due"]) == (eur("43.14"), eur("0.00"), eur("43.14"))
    [ordered] = body["lines"]
    assert {key: ordered[key] for key in ("kind", "plan_id", "quantity", "params", "unit_price", "setup_fee", "total")} == {
        "kind": "new", "plan_id": str(fake_catalog["small"].id), "quantity": 3, "params": {},
        "unit_price": eur("14.38"), "setup_fee": None, "total": eur("43.14"),
    }
    assert ordered["subscription_id"] is not None
    documented(client, placed, "/api/v1/orders", "post")

    provision_due(db)
    read = harbour.get(placed.headers["Location"])
    assert read.status_code == 200
    assert read.json["status"] == "completed" and read.json["completed_at"].endswith("Z")
    documented(client, read, "/api/v1/orders/{order_id}", "get")


def test_a_reseller_paying_for_its_customer_pays_wholesale_and_the_customer_never_sees_it(api_as, demo, fake_catalog):
    bright = api_as("bright")
    placed = order(bright, line(fake_catalog["small"]), account_id=str(demo["harbour"].id), payer="buyer",
                   payment_method="on_account")
    assert placed.status_code == 201, placed.json
    assert (placed.json["account_id"], placed.json["payer_id"], placed.json["seller_id"]) == (
        str(demo["harbour"].id), str(demo["bright"].id), str(demo["northwind"].id))
    assert placed.json["lines"][0]["unit_price"] == eur("11.50")
    harbour = api_as("harbour")
    assert harbour.get(f"/api/v1/orders/{placed.json['id']}").status_code == 404
    assert harbour.get("/api/v1/orders").json == {"items": [], "next": None}
    northwind = api_as("northwind").get(f"/api/v1/orders?account_id={demo['harbour'].id}")
    assert [order["id"] for order in northwind.json["items"]] == [placed.json["id"]]


def test_the_list_is_newest_first_filtered_and_paged(api_as, demo, fake_catalog, waits_for_transfers):
    bright = api_as("bright")
    placed = []
    for slug, method in (("harbour", "card"), ("maple", "bank_transfer"), ("harbour", "bank_transfer")):
        response = order(bright, line(fake_catalog["small"]), account_id=str(demo[slug].id), payment_method=method)
        assert response.status_code == 201, response.json
        placed.append(response.json["id"])
    seen, url = [], f"/api/v1/orders?limit=2&seller_id={demo['bright'].id}"  # not Bright's own plan's order
    while url:
        page = bright.get(url).json
        seen.append([order["id"] for order in page["items"]])
        url = page["next"]
    assert seen == [[placed[2], placed[1]], [placed[0]]]

    def ids(query):
        response = bright.get(f"/api/v1/orders?{query}")
        assert response.status_code == 200, response.json
        return [order["id"] for order in response.json["items"]]

    assert ids(f"account_id={demo['harbour'].id}") == [placed[2], placed[0]]
    assert ids("status=awaiting_payment") == [placed[2], placed[1]]
    assert ids(f"status=awaiting_payment&account_id={demo['maple'].id}") == [placed[1]]
    assert ids(f"seller_id={demo['bright'].id}&status=in_progress") == [placed[0]]
    assert bright.get("/api/v1/orders?status=shipped").status_code == 422
    assert bright.get("/api/v1/orders?cursor=Forged").json["fields"] == {
        "cursor": ["This cursor is not one the API gave out."]}


def test_invalid_orders_are_refused_by_field_and_write_nothing(api_as, db, make_team, fake_catalog):
    before = (count(db, Order), count(db, ProvisioningRequest))
    harbour = api_as("harbour")
    response = order(harbour, line(fake_catalog["small"], 0), payment_method="cheque")
    assert response.status_code == 422
    assert set(response.json["fields"]) == {"payment_method", "lines.0.quantity"}
    response = order(harbour, {"plan_id": str(MISSING_ID)}, line(fake_catalog["small"], params={"colour": "red"}))
    assert response.status_code == 422
    assert response.json["fields"] == {"lines.0.plan_id": [f"There is no plan {MISSING_ID}."],
                                       "lines.1.params": ["Small takes no details."]}
    assert order(harbour).json["fields"] == {"lines": ["Length must be between 1 and 50."]}
    assert harbour.post("/api/v1/orders").json["fields"] == {
        "payment_method": ["Missing data for required field."], "lines": ["Missing data for required field."]}
    buyers = api_as("harbour", make_team("harbour", "Buyers", ["purchase"]))
    response = order(buyers, line(fake_catalog["small"]))
    assert response.status_code == 422
    assert response.json["fields"]["payment_method"] == [
        "Your teams in Harbour Dental may not pay by card (they may use: none)."]
    assert (count(db, Order), count(db, ProvisioningRequest)) == before


def test_an_account_outside_the_tree_answers_as_a_missing_one(api_as, db, demo, fake_catalog):
    bright = api_as("bright")
    before = count(db, Order)
    foreign = order(bright, line(fake_catalog["small"]), account_id=str(demo["solo"].id))
    missing = order(bright, line(fake_catalog["small"]), account_id=str(MISSING_ID))
    assert foreign.status_code == missing.status_code == 404
    assert demo["solo"].name not in foreign.get_data(as_text=True)
    assert count(db, Order) == before


def test_ordering_needs_the_purchase_permission(api_as, db, make_team, fake_catalog):
    support = api_as("harbour", make_team("harbour", "Support", ["support"]))
    response = order(support, line(fake_catalog["small"]))
    assert response.status_code == 403 and response.mimetype == "application/problem+json"
    assert count(db, Order) == 0


def test_the_seller_confirms_a_payment_it_waits_for_and_the_order_goes_ahead(client, api_as, db, fake_catalog,
                                                                             waits_for_transfers):
    harbour, bright = api_as("harbour"), api_as("bright")
    requests_before = count(db, ProvisioningRequest)
    placed = order(harbour, line(fake_catalog["small"], 2), payment_method="bank_transfer")
    assert placed.status_code == 201, placed.json
    assert (placed.json["status"], placed.json["lines"][0]["subscription_id"]) == ("awaiting_payment", None)
    url = f"/api/v1/orders/{placed.json['id']}/confirm-payment"
    payment = {"method": "bank_transfer", "reference": "TRF-2026-0042", "amount": "28.76"}
    assert harbour.post(url, json=payment).status_code == 404  # only its seller confirms it
    short = bright.post(url, json={**payment, "amount": "20.00"})
    assert (short.status_code, short.json["fields"]) == (  # a well-formed amount, short of this order's
        409, {"amount": ["The order needs €28.76; €20.00 does not cover it."]})
    as_number = bright.post(url, json={**payment, "amount": 28.76})
    assert as_number.json["fields"]["amount"] == ['Send amounts as decimal strings, such as "12.50", never as JSON numbers.']
    assert count(db, ProvisioningRequest) == requests_before

    confirmed = bright.post(url, json=payment)
    assert confirmed.status_code == 200, confirmed.json
    assert confirmed.json["status"] == "in_progress" and confirmed.json["lines"][0]["subscription_id"] is not None
    [recorded] = confirmed.json["payments"]
    assert {key: recorded[key] for key in ("method", "reference", "amount")} == {
        "method": "bank_transfer", "reference": "TRF-2026-0042", "amount": eur("28.76")}
    documented(client, confirmed, "/api/v1/orders/{order_id}/confirm-payment", "post")
    again = bright.post(url, json=payment)
    assert again.status_code == 409 and "does not wait for a payment" in again.json["detail"]
    assert count(db, ProvisioningRequest) == requests_before + 1


def test_confirming_payments_needs_the_pay_permission(api_as, make_team, fake_catalog, waits_for_transfers):
    placed = order(api_as("harbour"), line(fake_catalog["small"]), payment_method="bank_transfer")
    sales = api_as("bright", make_team("bright", "Sales", ["purchase"]))
    response = sales.post(f"/api/v1/orders/{placed.json['id']}/confirm-payment",
                          json={"method": "bank_transfer", "reference": "x", "amount": "14.38"})
    assert response.status_code == 403
    assert "pay permission" in response.json["detail"]


def test_an_order_waiting_for_its_payment_can_be_withdrawn_once(client, api_as, make_team, fake_catalog,
                                                                 waits_for_transfers):
    harbour = api_as("harbour")
    waiting = order(harbour, line(fake_catalog["small"]), payment_method="bank_transfer").json
    accepted = order(harbour, line(fake_catalog["large"])).json
    support = api_as("harbour", make_team("harbour", "Support", ["support"]))
    assert support.post(f"/api/v1/orders/{waiting['id']}/cancel").status_code == 403

    cancelled = harbour.post(f"/api/v1/orders/{waiting['id']}/cancel", json={"reason": "ordered twice"})
    assert cancelled.status_code == 200 and cancelled.json["status"] == "cancelled"
    documented(client, cancelled, "/api/v1/orders/{order_id}/cancel", "post")
    again = harbour.post(f"/api/v1/orders/{waiting['id']}/cancel")
    assert again.status_code == 409 and again.mimetype == "application/problem+json"
    refused = harbour.post(f"/api/v1/orders/{accepted['id']}/cancel")
    assert refused.status_code == 409 and "Cancel its subscriptions instead." in refused.json["detail"]
    assert harbour.post(f"/api/v1/orders/{MISSING_ID}/cancel").status_code == 404

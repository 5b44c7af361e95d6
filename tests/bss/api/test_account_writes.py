import re

import pytest
from sqlalchemy import func, select

from core.models.accounts import Account
from core.models.audit import AuditEvent

NEW_CUSTOMER = {"kind": "customer", "name": "Lighthouse Café", "slug": "lighthouse", "primary_domain": "Lighthouse.example"}


def count(db, model, *where):
    return db.scalar(select(func.count()).select_from(model).where(*where))


def test_create_a_customer_below_the_acting_account(api_as, db, demo):
    response = api_as("bright").post("/api/v1/accounts", json=NEW_CUSTOMER)
    assert response.status_code == 201
    body = response.json
    assert body["id"].isdigit() and body["parent_id"] == str(demo["bright"].id)
    assert body["slug"] == "lighthouse" and body["primary_domain"] == "lighthouse.example"
    assert re.match(r"^\d{4}-\d\d-\d\dT[\d:.]+Z$", body["created_at"])
    assert response.headers["Location"] == f"http://localhost/api/v1/accounts/{body['id']}"
    created = db.get(Account, int(body["id"]))
    assert created.path == f"{demo['bright'].path}{created.id}/"
    event = db.scalar(select(AuditEvent).where(AuditEvent.action == "account.created", AuditEvent.target_id == created.id))
    assert event.actor_id == int(api_as("bright").get("/api/v1/me").json["user"]["id"])


def test_create_below_an_account_in_the_subtree(api_as, demo):
    payload = {"kind": "reseller", "name": "Gale IT", "slug": "gale", "reselling_enabled": True,
               "parent_id": str(demo["northwind"].id)}
    response = api_as("northwind").post("/api/v1/accounts", json=payload)
    assert response.status_code == 201
    customer = {**NEW_CUSTOMER, "parent_id": demo["bright"].id}  # ids are read as numbers too
    response = api_as("northwind").post("/api/v1/accounts", json=customer)
    assert response.status_code == 201 and response.json["parent_id"] == str(demo["bright"].id)


@pytest.mark.parametrize(
    ("changes", "fields"),
    [
        ({"name": ""}, ["name"]),
        ({"slug": "Not A Slug"}, ["slug"]),
        ({"primary_domain": "nodot"}, ["primary_domain"]),
        ({"kind": "distributor"}, ["kind"]),
        ({"kind": "reseller"}, ["parent_id", "reselling_enabled"]),
        ({"parent_id": "corner"}, ["parent_id"]),
        ({"tier": "diamond"}, ["tier"]),
        ({"name": None, "slug": 7}, ["name", "slug"]),
        ({"reselling_enabled": 0}, ["reselling_enabled"]),  # 0 is no boolean
        ({"name": "Harbour \u202egpj.exe"}, ["name"]),  # a right-to-left override: reads "exe.jpg"
        ({"name": "Harbour\u200bDental"}, ["name"]),  # a zero-width space: looks like another's name
        ({"slug": "www"}, ["slug"]),
        ({"slug": "api"}, ["slug"]),
        ({"primary_domain": "\U0001f4a9.example"}, ["primary_domain"]),
        ({"primary_domain": "xn--ls8h.example"}, ["primary_domain"]),
    ],
)
def test_invalid_accounts_name_their_fields_and_create_nothing(api_as, db, demo, changes, fields):
    before = count(db, Account)
    response = api_as("bright").post("/api/v1/accounts", json={**NEW_CUSTOMER, **changes})
    assert response.status_code == 422, response.json
    assert response.mimetype == "application/problem+json"
    assert sorted(response.json["fields"]) == fields
    assert count(db, Account) == before


@pytest.mark.parametrize(("changes", "field"), [({"slug": "harbour"}, "slug"),
                                                ({"primary_domain": "maple-bakery.example"}, "primary_domain")])
def test_a_slug_or_domain_another_account_has_is_a_conflict_naming_it(api_as, db, demo, changes, field):
    before = count(db, Account)
    response = api_as("bright").post("/api/v1/accounts", json={**NEW_CUSTOMER, **changes})
    assert response.status_code == 409 and response.mimetype == "application/problem+json"
    assert list(response.json["fields"]) == [field]
    assert count(db, Account) == before


def test_opening_an_account_honours_its_idempotency_key(api_as, db, demo):
    bright, key = api_as("bright"), {"Idempotency-Key": "open-lighthouse"}
    first = bright.post("/api/v1/accounts", json=NEW_CUSTOMER, headers=key)
    again = bright.post("/api/v1/accounts", json=NEW_CUSTOMER, headers=key)
    assert first.status_code == again.status_code == 201
    assert again.json == first.json and again.headers["Idempotent-Replayed"] == "true"
    assert again.headers["Location"] == first.headers["Location"]
    assert count(db, Account, Account.slug == "lighthouse") == 1
    other = bright.post("/api/v1/accounts", json={**NEW_CUSTOMER, "slug": "other"}, headers=key)
    assert other.status_code == 409 and count(db, Account, Account.slug == "other") == 0


@pytest.mark.parametrize("parent", ["corner", "northwind", "solo"])
def test_no_account_is_created_outside_the_subtree(api_as, db, demo, parent):
    before = count(db, Account)
    response = api_as("bright").post("/api/v1/accounts", json={**NEW_CUSTOMER, "parent_id": str(demo[parent].id)})
    assert response.status_code == 404
    assert response.json["fields"] == {"parent_id": [f"No account {demo[parent].id}."]}
    assert demo[parent].name not in response.get_data(as_text=True)
    assert count(db, Account) == before


@pytest.mark.parametrize("body", ["not json", "[1, 2]"])
def test_a_body_that_is_not_a_json_object_is_invalid(api_as, body):
    response = api_as("bright").post("/api/v1/accounts", data=body, content_type="application/json")
    assert response.status_code == 422 and "_schema" in response.json["fields"]


def test_writes_need_manage_accounts(api_as, db, demo, make_team):
    sales = api_as("bright", make_team("bright", "Sales", ["purchase"]))
    before = count(db, Account)
    response = sales.post("/api/v1/accounts", json=NEW_CUSTOMER)
    assert response.status_code == 403 and response.mimetype == "application/problem+json"
    response = sales.patch(f"/api/v1/accounts/{demo['harbour'].id}", json={"name": "Renamed"})
    assert response.status_code == 403
    assert count(db, Account) == before and db.get(Account, demo["harbour"].id).name == "Harbour Dental"
    assert sales.get(f"/api/v1/accounts/{demo['harbour'].id}").status_code == 200, "reading needs no permission"


def test_patch_changes_the_fields_and_records_who_and_what(api_as, db, demo):
    harbour = demo["harbour"]
    response = api_as("bright").patch(
        f"/api/v1/accounts/{harbour.id}",
        json={"name": " Harbour Dental Group ", "primary_domain": "HARBOUR.example", "reselling_enabled": True},
    )
    assert response.status_code == 200
    assert response.json["name"] == "Harbour Dental Group"
    assert response.json["primary_domain"] == "harbour.example"
    assert response.json["reselling_enabled"] is True
    db.expire_all()
    event = db.scalars(select(AuditEvent).where(AuditEvent.action == "account.changed")).one()
    assert event.account_id == harbour.id
    assert event.changes == {
        "name": ["Harbour Dental", "Harbour Dental Group"],
        "primary_domain": ["harbour-dental.example", "harbour.example"],
        "reselling_enabled": [False, True],
    }


def test_patching_nothing_new_records_nothing(api_as, db, demo):
    response = api_as("bright").patch(f"/api/v1/accounts/{demo['harbour'].id}", json={"name": "Harbour Dental"})
    assert response.status_code == 200
    assert count(db, AuditEvent, AuditEvent.action == "account.changed") == 0


def test_a_primary_domain_can_be_cleared_or_kept(api_as, db, demo):
    bright = api_as("bright")
    assert bright.patch(f"/api/v1/accounts/{demo['harbour'].id}", json={"primary_domain": "harbour-dental.example"}).status_code == 200
    assert bright.patch(f"/api/v1/accounts/{demo['harbour'].id}", json={"primary_domain": None}).json["primary_domain"] is None


@pytest.mark.parametrize(
    ("changes", "fields", "status"),
    [
        ({"slug": "renamed"}, ["slug"], 422),
        ({"kind": "reseller"}, ["kind"], 422),
        ({"name": "  "}, ["name"], 422),
        ({"name": "x" * 201}, ["name"], 422),
        ({"primary_domain": "not a domain"}, ["primary_domain"], 422),
        ({"primary_domain": "xn--ls8h.example"}, ["primary_domain"], 422),
        ({"name": "Harbour\u2066Dental"}, ["name"], 422),
        ({"reselling_enabled": "maybe"}, ["reselling_enabled"], 422),
        ({"primary_domain": "maple-bakery.example"}, ["primary_domain"], 409),  # another account's
        ({"name": "Fine", "parent_id": "1"}, ["parent_id"], 422),  # a seller changes by a transfer only
    ],
)
def test_invalid_changes_name_their_fields_and_change_nothing(api_as, db, demo, changes, fields, status):
    harbour = demo["harbour"]
    response = api_as("bright").patch(f"/api/v1/accounts/{harbour.id}", json={"name": "Should not stick", **changes})
    assert response.status_code == status
    assert sorted(response.json["fields"]) == fields
    db.expire_all()
    assert db.get(Account, harbour.id).name == "Harbour Dental"
    assert db.get(Account, harbour.id).primary_domain == "harbour-dental.example"
    assert count(db, AuditEvent, AuditEvent.action == "account.changed") == 0


@pytest.mark.parametrize(("language", "start"), [
    ("en", "An account moves to another seller by a transfer"),
    ("fr-FR, fr;q=0.9", "Un compte passe chez un autre vendeur par un transfert"),
])
def test_a_new_seller_is_refused_pointing_to_a_transfer_in_the_callers_language(api_as, demo, language, start):
    response = api_as("bright").patch(f"/api/v1/accounts/{demo['harbour'].id}", json={"parent_id": str(demo["bright"].id)},
                                      headers={"Accept-Language": language})
    assert response.status_code == 422
    [message] = response.json["fields"]["parent_id"]
    assert message.startswith(start) and "/api/v1/transfers" in message


def test_reselling_stays_on_while_an_account_has_accounts_below_it(api_as, db, demo):
    response = api_as("northwind").patch(f"/api/v1/accounts/{demo['bright'].id}", json={"reselling_enabled": False})
    assert response.status_code == 409 and response.mimetype == "application/problem+json"
    db.expire_all()
    assert db.get(Account, demo["bright"].id).reselling_enabled is True


def test_an_account_cannot_switch_its_own_reselling(api_as, db, demo):
    response = api_as("harbour").patch(f"/api/v1/accounts/{demo['harbour'].id}", json={"reselling_enabled": True})
    assert response.status_code == 403
    db.expire_all()
    assert db.get(Account, demo["harbour"].id).reselling_enabled is False
    renamed = api_as("harbour").patch(f"/api/v1/accounts/{demo['harbour'].id}", json={"name": "Harbour Smiles"})
    assert renamed.status_code == 200 and renamed.json["name"] == "Harbour Smiles"

"""The account's users and mailboxes: protected only while one of the users bought is free, as Office 365
gives a licence only while a seat is; more users bought count at once."""

import pytest
from sqlalchemy import select

from core.errors import ConflictError, ValidationError
from core.models.audit import AuditEvent
from core.services.product_users import create_product_user, list_product_users, set_product_user_licensed
from plugin_kit.testing import BRIGHT, provision_due, text_of


def test_a_user_is_protected_only_while_a_user_bought_is_free(db, demo, account, actor_for, service):
    subscription = account("maple", "maple-bakery.example", 2, "filtering-hosted-email")
    maple = actor_for("maple")
    for name in ("ann", "bob"):
        create_product_user(db, maple, subscription.id, display_name=name.title(),
                            user_principal_name=f"{name}@maple-bakery.example")
    with pytest.raises(ConflictError, match="All 2 users of Filtering \\+ hosted mailboxes are protected"):
        create_product_user(db, maple, subscription.id, display_name="Cy", user_principal_name="cy@maple-bakery.example")
    carol = create_product_user(db, maple, subscription.id, display_name="Carol",
                                user_principal_name="carol@maple-bakery.example", licensed=False).user
    with pytest.raises(ConflictError, match="are protected: stop protecting someone, or buy more users"):
        set_product_user_licensed(db, maple, subscription.id, carol.id, True)
    users, seats = list_product_users(db, maple, subscription.id)
    assert [(user.display_name, user.licensed) for user in users] == [("Ann", True), ("Bob", True), ("Carol", False)]
    assert (seats.bought, seats.assigned, seats.free) == (2, 2, 0)
    held = service.accounts()["maple-bakery.example"]
    assert sorted((user["address"], user["mailbox"]) for user in held["users"]) == [
        ("ann@maple-bakery.example", True), ("bob@maple-bakery.example", True), ("carol@maple-bakery.example", True)]


def test_an_address_outside_the_accounts_domains_is_refused_naming_the_field(db, demo, account, actor_for):
    subscription = account("maple", "maple-bakery.example", 2, extra_domains=["maple-cakes.example"])
    with pytest.raises(ValidationError) as refused:
        create_product_user(db, actor_for("maple"), subscription.id, display_name="Ann",
                            user_principal_name="ann@harbour-dental.example")
    assert refused.value.fields == {"user_principal_name": [
        "harbour-dental.example is not a domain of this account: use maple-bakery.example or maple-cakes.example."]}


def test_on_the_storefront_a_customer_buys_more_users_and_protects_someone_with_them(
        db, shops, account, client, shop_sign_in, shop_post):
    subscription = account("maple", "maple-bakery.example", 1, "filtering-hosted-email")
    shop_sign_in("owner@maple.example")
    made = shop_post(f"/email-security/{subscription.id}/users", {"display_name": "Ann Baker",
                                                                   "user_principal_name": "ann@maple-bakery.example",
                                                                   "protected": "yes"})
    assert made.status_code == 200 and "Temporary password for Ann Baker" in text_of(made)
    full = shop_post(f"/email-security/{subscription.id}/users", {"display_name": "Bo Baker",
                                                                   "user_principal_name": "bo@maple-bakery.example",
                                                                   "protected": "yes"})
    assert full.status_code == 409
    assert "All 1 users of Filtering + hosted mailboxes are protected" in text_of(full)
    assert "Every user is in use" in text_of(full)

    bought = shop_post(f"/email-security/{subscription.id}/more-users", {"users": "2"})
    assert bought.status_code == 303
    provision_due(db)
    again = shop_post(f"/email-security/{subscription.id}/users", {"display_name": "Bo Baker",
                                                                    "user_principal_name": "bo@maple-bakery.example",
                                                                    "protected": "yes"})
    assert again.status_code == 200
    page = text_of(client.get(f"/email-security/{subscription.id}/users", base_url=BRIGHT))
    assert "1 of 3 users free" in page
    assert "Ann Baker ann@maple-bakery.example Protected Hosted Allowed" in page
    changes = db.scalars(select(AuditEvent.action).where(AuditEvent.account_id == subscription.owner_id)).all()
    assert changes.count("product_user.created") == 2


def test_the_users_are_the_cores_users_api_and_back_office_page(db, demo, account, api_as, client, login_as):
    subscription = account("maple", "maple-bakery.example", 3)
    maple = api_as("maple")
    created = maple.post(f"/api/v1/subscriptions/{subscription.id}/users",
                         json={"display_name": "Ann", "user_principal_name": "ann@maple-bakery.example"})
    assert created.status_code == 201, created.get_json()
    listed = maple.get(f"/api/v1/subscriptions/{subscription.id}/users").get_json()
    assert listed["seats"] == {"bought": 3, "assigned": 1, "free": 2}
    login_as("owner@bright.example")
    page = text_of(client.get(f"/bss/subscriptions/{subscription.id}/users"))
    assert "ann@maple-bakery.example" in page

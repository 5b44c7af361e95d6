"""Cloud backup end to end, as a plugin outside Cascade's tree: its product on sale, its table
migrated on its own branch, its pages in the back office and on a storefront, its API route,
its setting and its demo data, each reached through Cascade's hooks alone."""

from datetime import timedelta

from cloud_backup.restores import Restore, RestoreStatus
from sqlalchemy import inspect, select, text

from core.clock import utcnow
from core.models.subscriptions import SubscriptionStatus
from plugin_kit.testing import BRIGHT, text_of


def test_the_vault_is_on_sale_and_provisioned_like_any_product(subscribe, plans):
    assert {"cloud-backup/vault-100", "cloud-backup/vault-1000"} <= set(plans)
    vault = subscribe("harbour", "vault-100")
    assert vault.status is SubscriptionStatus.ACTIVE
    assert vault.provisioning_data["vault"].startswith("vault-")


def test_its_table_is_migrated_on_a_branch_of_its_own(db):
    connection = db.connection()
    assert "cloud_backup_restores" in inspect(connection).get_table_names()
    assert connection.execute(text("SELECT version_num FROM alembic_version_cloud_backup")).scalar() == "a1c0b5e2d7f3"


def test_a_customer_asks_for_a_restore_on_its_storefront(client, shops, subscribe, shop_sign_in, shop_post, db):
    vault = subscribe("harbour", "vault-100")
    shop_sign_in()
    subscription_page = client.get(f"/subscriptions/{vault.id}", base_url=BRIGHT)
    assert "Backups and restores" in text_of(subscription_page)

    day = utcnow().date().isoformat()
    response = shop_post(f"/backup/{vault.id}/restores", {"restore_point": day, "note": "The reception PC"})
    assert response.status_code == 302
    page = client.get(f"/backup/{vault.id}", base_url=BRIGHT)
    assert day in text_of(page) and "Asked for" in text_of(page)
    assert db.scalars(select(Restore)).one().note == "The reception PC"


def test_a_restore_too_far_back_is_refused_naming_the_field_and_nothing_is_kept(client, shops, subscribe, shop_sign_in,
                                                                               shop_post, db, monkeypatch):
    vault = subscribe("harbour", "vault-100")
    shop_sign_in()
    monkeypatch.setenv("CASCADE_CLOUD_BACKUP_RETENTION_DAYS", "1")
    too_old = (utcnow() - timedelta(days=400)).date().isoformat()
    response = shop_post(f"/backup/{vault.id}/restores", {"restore_point": too_old})
    assert response.status_code == 422
    assert "the vault keeps no older copy" in text_of(response)
    assert db.scalars(select(Restore)).all() == []


def test_another_customers_vault_answers_404_on_the_storefront(client, shops, subscribe, shop_sign_in):
    maples = subscribe("maple", "vault-100")
    shop_sign_in("owner@harbour.example")
    assert client.get(f"/backup/{maples.id}", base_url=BRIGHT).status_code == 404


def test_the_seller_sees_the_restore_in_its_back_office_and_marks_it_done(client, shops, subscribe, actor_for, login_as,
                                                                         post, db):
    from cloud_backup.restores import request_restore

    vault = subscribe("harbour", "vault-100")
    restore = request_restore(db, actor=actor_for("harbour"), subscription_id=vault.id, restore_point=utcnow().date())
    db.commit()
    login_as("owner@bright.example")
    page = client.get("/bss/backup/restores")
    assert 'href="/bss/backup/restores"' in page.get_data(as_text=True)  # its entry in the navigation
    assert "Harbour Dental" in text_of(page)
    assert post(f"/bss/backup/restores/{restore.id}/done").status_code == 302
    db.refresh(restore)
    assert restore.status is RestoreStatus.DONE


def test_the_customer_cannot_mark_its_own_restore_done(client, shops, subscribe, actor_for, login_as, post, db):
    from cloud_backup.restores import request_restore

    vault = subscribe("harbour", "vault-100")
    restore = request_restore(db, actor=actor_for("harbour"), subscription_id=vault.id, restore_point=utcnow().date())
    db.commit()
    login_as("owner@corner.example")  # another reseller: the restore is not its customer's
    assert post(f"/bss/backup/restores/{restore.id}/done").status_code == 404
    db.refresh(restore)
    assert restore.status is RestoreStatus.REQUESTED


def test_the_api_route_is_authenticated_scoped_and_documented(client, subscribe, api_as):
    vault = subscribe("harbour", "vault-100")
    harbour = api_as("harbour")
    created = harbour.post(f"/api/v1/subscriptions/{vault.id}/restores", json={"restore_point": utcnow().date().isoformat()})
    assert created.status_code == 201, created.get_json()
    listed = harbour.get(f"/api/v1/subscriptions/{vault.id}/restores").get_json()["items"]
    assert [item["id"] for item in listed] == [created.get_json()["id"]]
    assert api_as("maple").get(f"/api/v1/subscriptions/{vault.id}/restores").status_code == 404
    assert client.get(f"/api/v1/subscriptions/{vault.id}/restores").status_code == 401
    document = client.get("/api/v1/openapi.json").get_json()
    assert "post" in document["paths"]["/api/v1/subscriptions/{subscription_id}/restores"]


def test_a_bad_setting_stops_the_app_naming_it(make_app, monkeypatch):
    import pytest

    from core.settings import ConfigError

    monkeypatch.setenv("CASCADE_CLOUD_BACKUP_RETENTION_DAYS", "forever")
    with pytest.raises(ConfigError, match="^CASCADE_CLOUD_BACKUP_RETENTION_DAYS: "):
        make_app()


def test_cascade_demo_load_adds_its_part_of_the_demo(runner, db):
    result = runner.invoke(args=["demo", "load"])
    assert result.exit_code == 0, result.output
    restore = db.scalars(select(Restore)).one()
    assert restore.subscription.owner.slug == "harbour" and restore.note == "The reception PC"

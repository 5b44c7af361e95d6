from sqlalchemy import select

from core.models.audit import AuditEvent
from plugin_kit.testing import main_of, post_form


def test_an_operator_sets_a_distributors_programme(client, demo, login_as, db):
    login_as("operator@cascade.example")
    assert client.get("/bss/").headers["Location"] == "/bss/platform/distributors"
    assert "Northwind Distribution" in client.get("/bss/platform/distributors").get_data(as_text=True)
    northwind = demo["northwind"]
    response = post_form(client, f"/bss/platform/distributors/{northwind.id}",
                         {"tier": "diamond-distribution", "addons": "standard-edition-resellers, extra-storage"})
    assert response.status_code == 302
    db.refresh(northwind)
    assert (northwind.tier, northwind.addons, northwind.service_manager_active) == (
        "diamond-distribution", ["extra-storage", "standard-edition-resellers"], False
    )
    event = db.scalars(select(AuditEvent).where(AuditEvent.action == "account.programme_changed")).one()
    assert event.changes["tier"] == ["diamond", "diamond-distribution"]
    assert event.actor.email == "operator@cascade.example"


def test_a_bad_tier_is_refused_naming_the_field(client, demo, login_as, db):
    login_as("operator@cascade.example")
    response = post_form(client, f"/bss/platform/distributors/{demo['northwind'].id}", {"tier": "Diamond Plus!"})
    assert response.status_code == 422
    assert "use lowercase letters" in response.get_data(as_text=True)
    db.refresh(demo["northwind"])
    assert demo["northwind"].tier == "diamond"


def test_only_operators_run_the_platform(client, demo, login_as):
    login_as("admin@northwind.example")
    assert client.get("/bss/platform/distributors").status_code == 403
    response = post_form(client, f"/bss/platform/distributors/{demo['northwind'].id}", {"tier": "gold"})
    assert response.status_code == 403


def test_the_audit_log_shows_a_sellers_own_subtree(client, demo, login_as):
    login_as("owner@bright.example")
    page = client.get("/bss/audit").get_data(as_text=True)
    assert "Created the account “Harbour Dental”" in page
    assert "Corner Computers" not in page


def test_a_reseller_reads_only_its_own_events(client, demo, login_as):
    login_as("owner@corner.example")
    page = main_of(client.get("/bss/audit"))
    assert demo["corner"].name in page
    assert "Harbour Dental" not in page and "Bright IT" not in page

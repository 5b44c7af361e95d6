from core.plugins import product_types
from core.services.catalog import sync_catalog


def test_the_start_page_lists_the_synced_catalog(client, db, fake_plugin):
    sync_catalog(db, product_types())
    db.commit()
    page = client.get("/").get_data(as_text=True)
    assert "Fake product" in page and "Small" in page and "Large" in page
    assert "Microsoft 365 Business Premium" in page
    assert "9.9.9" in page, "plugin versions are shown"


def test_retired_plans_are_not_offered(client, db, fake_plugin):
    sync_catalog(db, product_types())
    fake_plugin.product_types = []
    sync_catalog(db, product_types())
    db.commit()
    assert "Fake product" not in client.get("/").get_data(as_text=True)

from sqlalchemy import func, select

from core.models.catalog import BillingPeriod, Plan, Product
from core.plugins import product_types
from core.products import PlanSpec
from core.services.catalog import sync_catalog
from tests.fakes import FakeProduct


def _catalog(db):
    rows = db.execute(
        select(Product.key, Plan.code, Plan.name, Plan.rank, Plan.retired_at.is_(None))
        .join(Plan)
        .order_by(Product.key, Plan.code)
    )
    return [tuple(row) for row in rows]


def test_sync_creates_every_declared_product_and_plan(db, fake_plugin):
    report = sync_catalog(db, product_types())
    assert "fake-product" in report.created
    assert {"fake-product/small", "fake-product/large"} <= set(report.created)
    product = db.scalar(select(Product).where(Product.key == "fake-product"))
    assert (product.plugin, product.name, product.unit) == ("fake", "Fake product", "widget")
    large = next(plan for plan in product.plans if plan.code == "large")
    assert (large.billing_period, large.trial_days, large.features) == (BillingPeriod.YEARLY, 30, {"widgets": 100})


def test_sync_is_idempotent(db, fake_plugin):
    sync_catalog(db, product_types())
    before = _catalog(db)
    report = sync_catalog(db, product_types())
    assert not report.changed
    assert _catalog(db) == before
    assert db.scalar(select(func.count()).select_from(Product).where(Product.key == "fake-product")) == 1


def test_sync_updates_what_changed(db, fake_plugin):
    sync_catalog(db, product_types())

    class Renamed(FakeProduct):
        name = "Fake product, renamed"
        plans = (
            PlanSpec(code="small", name="Small plus", billing_period=BillingPeriod.MONTHLY, rank=15),
            FakeProduct.plans[1],
        )

    fake_plugin.product_types = [Renamed()]
    report = sync_catalog(db, product_types())
    assert "fake-product" in report.updated and "fake-product/small" in report.updated
    assert "fake-product/large" in report.unchanged
    assert ("fake-product", "small", "Small plus", 15, True) in _catalog(db)


def test_plans_and_products_are_retired_never_deleted_and_revived_when_back(db, fake_plugin):
    sync_catalog(db, product_types())

    class OnePlan(FakeProduct):
        plans = FakeProduct.plans[:1]

    fake_plugin.product_types = [OnePlan()]
    report = sync_catalog(db, product_types())
    assert report.retired == ["fake-product/large"]
    assert ("fake-product", "large", "Large", 20, False) in _catalog(db)

    fake_plugin.product_types = []
    report = sync_catalog(db, product_types())
    assert report.retired == ["fake-product", "fake-product/small"]
    assert db.scalar(select(Product.retired_at).where(Product.key == "fake-product")) is not None

    fake_plugin.product_types = [FakeProduct()]
    report = sync_catalog(db, product_types())
    assert {"fake-product", "fake-product/small", "fake-product/large"} <= set(report.updated)
    assert [row[-1] for row in _catalog(db) if row[0] == "fake-product"] == [True, True]


def test_translations_are_synced_beside_the_english_text(db, fake_plugin):
    class Translated(FakeProduct):
        name = {"en": "Widget", "fr": "Bidule"}
        description = {"en": "A widget.", "de": "Ein Ding."}

    fake_plugin.product_types = [Translated()]
    sync_catalog(db, product_types())
    product = db.scalar(select(Product).where(Product.key == "fake-product"))
    assert (product.name, product.description) == ("Widget", "A widget.")
    assert (product.name_in("fr"), product.description_in("fr")) == ("Bidule", "A widget.")
    assert (product.name_in("de"), product.description_in("de")) == ("Widget", "Ein Ding.")
    assert product.name_in("es") == "Widget"


def test_a_plans_own_name_is_synced_in_each_language_its_plugin_gives(db, fake_plugin):
    class Translated(FakeProduct):
        name = {"en": "Widget", "fr": "Bidule"}
        plans = (PlanSpec(code="yearly", name={"en": "Small yearly", "fr": "Petit annuel"},
                          billing_period=BillingPeriod.YEARLY, rank=1),)

    fake_plugin.product_types = [Translated()]
    sync_catalog(db, product_types())
    plan = db.scalar(select(Plan).where(Plan.code == "yearly"))
    assert (plan.name, plan.translations) == ("Small yearly", {"fr": {"name": "Petit annuel"}})
    assert (plan.name_in("fr"), plan.name_in("de")) == ("Petit annuel", "Small yearly")
    assert (plan.title(), plan.title("fr")) == ("Widget Small yearly", "Bidule Petit annuel")


def test_a_translated_text_needs_its_english_one():
    import pytest

    with pytest.raises(ValueError, match="'en'"):
        type("NoEnglish", (FakeProduct,), {"key": "no-english", "name": {"fr": "Bidule"}})
    with pytest.raises(ValueError, match="plan 'petit'"):
        PlanSpec(code="petit", name={"fr": "Petit"}, billing_period=BillingPeriod.MONTHLY, rank=1)

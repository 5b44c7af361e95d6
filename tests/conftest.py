"""What only this repository's suite needs, on top of the plugin kit's fixtures (``plugin_kit.testing``:
the app, its databases, the demo, clients, forms, the simulators; see ../shared/STYLE.md, "Tests").

The suite runs on SQLite by default. ``CASCADE_TEST_DATABASE_URL`` points it at PostgreSQL
and ``CASCADE_TEST_BROKER_URL`` at Redis or RabbitMQ; CI sets both.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from flask import Flask
from sqlalchemy import select
from sqlalchemy.orm import Session

from core.models.accounts import Account
from core.models.catalog import Plan, Product
from core.models.prices import PriceList, PriceListKind
from core.plugins import pm, product_types
from core.services.catalog import sync_catalog
from core.services.price_lists import set_price, set_product_offered
from tests.fakes import FakePlugin, FakeProduct

pytest_plugins = ["tests.vendor"]


@pytest.fixture
def fake_plugin(app: Flask) -> Iterator[FakePlugin]:
    """Register the fake product plugin for one test, and remove it afterwards."""
    plugin = FakePlugin()
    pm.register(plugin, name=FakePlugin.name)
    try:
        yield plugin
    finally:
        pm.unregister(plugin)


@pytest.fixture
def fake_catalog(db: Session, demo: dict[str, Account], fake_plugin: FakePlugin) -> dict[str, Plan]:
    """The fake product on sale in the demo tree: Northwind offers it and prices it wholesale
    (Small 11.50, Large 115.00 EUR); the demo's retail markups price it for customers."""
    sync_catalog(db, product_types())
    product = db.scalar(select(Product).where(Product.key == FakeProduct.key))
    northwind = demo["northwind"]
    set_product_offered(db, distributor=northwind, product=product, offered=True, by=None)
    wholesale = db.scalar(select(PriceList).where(PriceList.seller_id == northwind.id,
                                                  PriceList.kind == PriceListKind.WHOLESALE))
    for plan, price in zip(product.plans, ("11.50", "115.00"), strict=True):
        set_price(db, price_list=wholesale, plan=plan, by=None, unit_price=price)
    db.commit()
    return {plan.code: plan for plan in product.plans}


@pytest.fixture
def subscription_plans(fake_catalog: dict[str, Plan]) -> dict[str, Plan]:
    """``subscribe`` orders the fake product here: ``subscribe()`` is a Small, ``subscribe(plan="large")`` a Large."""
    return fake_catalog

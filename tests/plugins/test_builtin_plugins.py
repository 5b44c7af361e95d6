"""What the built-in plugins declare, as resellers and customers will see it."""

import pytest

from core.plugins import product_types


@pytest.mark.parametrize(
    ("key", "plugin", "plan_codes"),
    [
        ("reseller-plan", "reseller_plans", ["basic", "free", "standard"]),
        ("microsoft-365", "office365", ["exchange-online-monthly", "exchange-online", "business-basic-monthly",
                                        "business-basic", "business-standard-monthly", "business-standard",
                                        "business-premium-monthly", "business-premium"]),
        ("web-hosting", "hosting", ["starter", "starter-yearly", "business", "business-yearly", "pro", "pro-yearly"]),
        ("domain-name", "hosting", ["com", "net", "org", "eu", "co-uk", "io"]),
    ],
)
def test_each_product_type_declares_its_plans_in_rank_order(app, key, plugin, plan_codes):
    owner, product_type = product_types()[key]
    assert owner == plugin
    ranked = sorted(product_type.plans, key=lambda plan: plan.rank)
    assert [plan.code for plan in ranked] == plan_codes
    assert len({plan.rank for plan in product_type.plans}) == len(plan_codes), "ranks must order plans"


def test_reseller_plans_differ_by_features_not_by_code(app):
    _, reseller_plan = product_types()["reseller-plan"]
    features = {plan.code: dict(plan.features) for plan in reseller_plan.plans}
    assert not features["basic"]["own_storefront"]
    assert features["free"]["own_storefront"] and not features["free"]["custom_domain"]
    assert all(features["standard"].values())

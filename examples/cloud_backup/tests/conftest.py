"""The plugin's tests run on Cascade's own fixtures (the plugin kit's pytest plugin); this adds its plans."""

from collections.abc import Mapping

import pytest
from cloud_backup.product import KEY

from core.models.catalog import Plan


@pytest.fixture
def subscription_plans(plans: Mapping[str, Plan]) -> dict[str, Plan]:
    """``subscribe`` orders the plugin's vaults: ``subscribe("harbour", "vault-100")``."""
    return {plan.code: plan for key, plan in plans.items() if key.startswith(f"{KEY}/")}

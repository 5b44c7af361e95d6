"""A third-party plugin, installed as a distribution, shows up everywhere a built-in one does."""


import pytest

from tests.processes import cascade, cascade_env, installed_plugin_site

PLUGIN = '''
from core.models.catalog import BillingPeriod
from core.plugins import hookimpl
from core.products import PlanSpec, ProductType


class HelloWidget(ProductType):
    key = "hello-widget"
    name = "Hello widget"
    unit = "widget"
    plans = (PlanSpec(code="basic", name="Basic", billing_period=BillingPeriod.MONTHLY, rank=1),)


@hookimpl
def register_product_types():
    return [HelloWidget()]
'''


pytestmark = pytest.mark.integration  # it runs ``cascade`` as processes


@pytest.fixture
def installed_plugin(tmp_path):
    """The plugin installed as a distribution, and the environment of a ``cascade`` that finds it."""
    env = cascade_env(tmp_path / "instance")
    env["PYTHONPATH"] = str(installed_plugin_site(tmp_path, PLUGIN, version="1.2.3"))
    return env


def test_an_installed_plugin_is_listed_and_synced(installed_plugin):
    listed = cascade("plugins", "list", env=installed_plugin)
    assert listed.returncode == 0, listed.stderr
    assert any(line.split() == ["hello", "1.2.3", "hello-widget"] for line in listed.stdout.splitlines())
    assert "reseller_plans" in listed.stdout

    assert cascade("db", "upgrade", env=installed_plugin).returncode == 0
    synced = cascade("catalog", "sync", env=installed_plugin)
    assert synced.returncode == 0, synced.stderr
    assert "created  hello-widget\n" in synced.stdout
    assert "created  hello-widget/basic\n" in synced.stdout

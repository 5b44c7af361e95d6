"""A third-party plugin, installed as a distribution, shows up everywhere a built-in one does."""

import textwrap

import pytest

from tests.processes import cascade, cascade_env

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


@pytest.fixture
def installed_plugin(tmp_path):
    """Lay out a distribution on disk as pip would: the package and its dist-info with entry points."""
    site = tmp_path / "site"
    (site / "cascade_hello").mkdir(parents=True)
    (site / "cascade_hello" / "__init__.py").write_text(PLUGIN)
    dist_info = site / "cascade_hello-1.2.3.dist-info"
    dist_info.mkdir()
    (dist_info / "METADATA").write_text("Metadata-Version: 2.1\nName: cascade-hello\nVersion: 1.2.3\n")
    (dist_info / "entry_points.txt").write_text(textwrap.dedent("""\
        [cascade.plugins]
        hello = cascade_hello
    """))
    env = cascade_env(tmp_path / "instance")
    env["PYTHONPATH"] = str(site)
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

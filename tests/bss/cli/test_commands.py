import re

from sqlalchemy import select

from core.models.accounts import Account
from tests.processes import cascade, cascade_env


def test_plugins_list_shows_each_plugin_with_version_and_product_types(runner, fake_plugin):
    result = runner.invoke(args=["plugins", "list"])
    assert result.exit_code == 0
    lines = {line.split()[0]: line.split(maxsplit=2)[1:] for line in result.output.splitlines()}
    assert lines["reseller_plans"][1] == "reseller-plan"
    assert lines["office365"][1] == "microsoft-365"
    assert lines["hosting"][1] == "web-hosting, domain-name"
    assert lines["fake"] == ["9.9.9", "fake-product"]


def test_catalog_sync_reports_changes_then_nothing(runner, fake_plugin):
    first = runner.invoke(args=["catalog", "sync"])
    assert first.exit_code == 0
    assert "created  fake-product/large" in first.output
    assert "created  reseller-plan/standard" in first.output
    second = runner.invoke(args=["catalog", "sync"])
    assert second.output.startswith("Catalog up to date")


def test_demo_load_fills_an_empty_database_once(runner, db):
    result = runner.invoke(args=["demo", "load"])
    assert result.exit_code == 0, result.output
    assert "Demo logins (password cascade-demo):" in result.output
    assert re.search(r"admin@northwind\.example +Northwind Distribution\n", result.output)
    assert re.search(r"sam@books\.example +Harbour Dental, Maple Bakery\n", result.output)
    assert re.search(r"operator@cascade\.example +the platform \(operator\)\n", result.output)
    northwind = db.scalar(select(Account).where(Account.slug == "northwind"))
    assert (northwind.tier, northwind.addons, northwind.service_manager_active) == (
        "diamond", ["standard-edition-resellers"], True
    )
    assert {child.slug for child in northwind.children} == {"bright", "corner", "solo", "atlas"}
    again = runner.invoke(args=["demo", "load"])
    assert again.exit_code == 1
    assert "already holds data" in again.output


def test_demo_data_never_goes_into_production(make_app):
    app = make_app(env="production", secret_key="p" * 40)
    result = app.test_cli_runner().invoke(args=["demo", "load"])
    assert result.exit_code == 1
    assert "never loaded into a production platform" in result.output


def test_the_group_lists_the_documented_commands(tmp_path):
    result = cascade("--help", env=cascade_env(tmp_path))
    assert result.returncode == 0
    output = result.stdout
    for command in ("run", "serve", "worker", "beat", "db", "catalog", "demo", "plugins"):
        assert f"  {command} " in output

from sqlalchemy import select

from core.models.accounts import Account
from core.services.api_keys import authenticate_api_key


def test_operators_create_and_configure_distributors(runner, db):
    result = runner.invoke(args=[
        "distributor", "create", "--name", "Southwind", "--slug", "southwind",
        "--owner-email", "boss@southwind.example", "--tier", "gold", "--addon", "standard-edition-resellers",
    ])
    assert result.exit_code == 0, result.output
    assert "boss@southwind.example has no password yet" in result.output
    southwind = db.scalar(select(Account).where(Account.slug == "southwind"))
    assert (southwind.tier, southwind.addons, southwind.service_manager_active) == (
        "gold", ["standard-edition-resellers"], False
    )
    result = runner.invoke(args=["distributor", "set", "southwind", "--tier", "diamond", "--service-manager"])
    assert result.exit_code == 0, result.output
    assert "tier diamond, add-ons standard-edition-resellers, Service Manager activated" in result.output


def test_bad_programme_values_name_the_option(runner, demo):
    result = runner.invoke(args=["distributor", "set", "northwind", "--tier", "NOT OK"])
    assert result.exit_code == 1
    assert "tier:" in result.output
    assert runner.invoke(args=["distributor", "set", "bright", "--tier", "gold"]).exit_code == 2


def test_apikey_create_prints_a_working_key(runner, demo, db):
    result = runner.invoke(args=["apikey", "create", "--account", "bright", "--email", "owner@bright.example"])
    assert result.exit_code == 0, result.output
    secret = result.output.splitlines()[0]
    api_key = authenticate_api_key(db, secret)
    assert api_key.team.account.slug == "bright" and api_key.user.email == "owner@bright.example"
    refused = runner.invoke(args=["apikey", "create", "--account", "corner", "--email", "owner@bright.example"])
    assert refused.exit_code == 2 and "not in any team of Corner Computers" in refused.output

"""The plugin as Cascade sees it: its catalog, priced down the tree like any product, its setting, its
demo, its translations; and the proof of the plugin boundaries: it needs nothing outside its folder."""

import ast
import re
import subprocess
from pathlib import Path

import jinja2
import jinja2.nodes
import pytest
from sqlalchemy import select

from core.models.subscriptions import Subscription, SubscriptionStatus
from core.plugins import product_types
from core.settings import ConfigError
from plugins.email_security import accounts, archive, texts

ROOT = Path(__file__).resolve().parents[3]
PLUGIN = ROOT / "plugins" / "email_security"
#: The only places of the repository that may mention the plugin: its folder and its tests'.
OWN = ("plugins/email_security/", "tests/plugins/email_security/")
#: Its lines in pyproject.toml: its entry point and its package data.
PYPROJECT_LINES = {
    'email_security = "plugins.email_security"',
    ('"plugins.email_security" = ["templates/email_security/*.html", "templates/email_security/backoffice/*.html", '
    '"migrations/*.py"]'),
}
_MENTION = re.compile(r"email[ _-]?security", re.IGNORECASE)
_PLACEHOLDER = re.compile(r"%\((\w+)\)s")


def test_its_products_declare_eight_plans_of_add_ons_and_one_of_extra_domains(app):
    plugin, account = product_types()["email_security"]
    assert plugin == "email_security"
    assert [plan.code for plan in sorted(account.plans, key=lambda plan: plan.rank)] == [
        "filtering", "filtering-encryption", "filtering-archiving", "filtering-archiving-encryption",
        "filtering-hosted-email", "filtering-hosted-email-encryption", "filtering-hosted-email-archiving",
        "filtering-hosted-email-archiving-encryption"]
    everything = account.plan("filtering-hosted-email-archiving-encryption")
    assert str(everything.cost_price) == "5.25 EUR" and all(everything.features.values())
    _, extra = product_types()["email_security_domains"]
    assert [(plan.code, str(plan.cost_price)) for plan in extra.plans] == [("extra-domain", "2.00 EUR")]


def test_catalog_sync_lists_its_plans_and_the_distributor_prices_them_for_resellers(runner, db, demo, api_as):
    synced = runner.invoke(args=["catalog", "sync"])
    assert synced.exit_code == 0, synced.output
    items = {item["key"]: item for item in api_as("bright").get("/api/v1/products").get_json()["items"]}
    wholesale = {plan["code"]: plan["price"]["unit_price"] for plan in items["email_security"]["plans"]}
    assert len(wholesale) == 8
    assert wholesale["filtering"] == {"amount": "1.15", "currency": "EUR"}  # Northwind's cost plus 15 %
    assert wholesale["filtering-archiving"] == {"amount": "2.30", "currency": "EUR"}
    assert [plan["code"] for plan in items["email_security_domains"]["plans"]] == ["extra-domain"]


def test_a_bad_setting_stops_the_app_naming_it(make_app, monkeypatch):
    monkeypatch.setenv("CASCADE_EMAIL_SECURITY_TIMEOUT", "forever")
    with pytest.raises(ConfigError, match="^CASCADE_EMAIL_SECURITY_TIMEOUT: 'forever': "):
        make_app()


def test_cascade_demo_load_gives_maple_bakery_an_account_with_an_extra_domain_and_an_archive(runner, db, service):
    loaded = runner.invoke(args=["demo", "load"])
    assert loaded.exit_code == 0, loaded.output
    subscriptions = {subscription.product.key: subscription for subscription in db.scalars(select(Subscription))
                     if subscription.product.key.startswith("email_security")}
    account, extra = subscriptions["email_security"], subscriptions["email_security_domains"]
    assert (account.owner.slug, account.status, account.quantity) == ("maple", SubscriptionStatus.ACTIVE, 6)
    assert (extra.owner.slug, extra.status, extra.quantity) == ("maple", SubscriptionStatus.ACTIVE, 1)
    held = service.accounts()["maple-bakery.example"]
    assert [domain["name"] for domain in held["domains"]] == ["maple-bakery.example", "maple-cakes.example"]
    assert "archiving" in held["services"] and held["archive"]


def test_every_text_of_its_storefront_pages_has_a_french_translation_with_the_same_placeholders():
    used = _texts_used()
    assert len(used) > 100
    missing = sorted(text for text in used if text not in texts.FRENCH)
    assert not missing, f"translate these in plugins/email_security/texts.py: {missing}"
    for text in used:
        assert sorted(_PLACEHOLDER.findall(text)) == sorted(_PLACEHOLDER.findall(texts.FRENCH[text])), text


def test_the_plugin_needs_nothing_outside_its_own_folder_but_its_lines_in_pyproject():
    try:
        listed = subprocess.run(["git", "ls-files", "--cached", "--others", "--exclude-standard", "-z"], cwd=ROOT,
                                capture_output=True, check=True).stdout.decode().split("\0")
    except (OSError, subprocess.CalledProcessError):
        pytest.skip("not a git checkout: the repository's files cannot be listed")
    mentions = {}
    for path in filter(None, listed):
        if path.startswith(OWN) or not (ROOT / path).is_file():
            continue
        try:
            lines = (ROOT / path).read_text(encoding="utf-8").splitlines()
        except (UnicodeDecodeError, OSError):
            continue  # a binary file names nothing
        found = [line for line in lines if _MENTION.search(line)]
        if found:
            mentions[path] = found
    pyproject = set(mentions.pop("pyproject.toml", []))
    assert pyproject == PYPROJECT_LINES
    assert mentions == {}, f"files outside the plugin that name it: {mentions}"


def _texts_used() -> set[str]:
    """Every literal text the plugin's pages and their Python write with ``t("...")`` or ``said("...")``, and the texts
    they translate from variables (a DNS check's reasons, what a page says instead of the service's data)."""
    used: set[str] = set()
    for path in PLUGIN.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            if (isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in ("t", "said") and node.args
                    and isinstance(node.args[0], ast.Constant)):
                used.add(node.args[0].value)
    environment = jinja2.Environment()
    for path in (PLUGIN / "templates" / "email_security").glob("*.html"):
        for call in environment.parse(path.read_text()).find_all(jinja2.nodes.Call):
            if (isinstance(call.node, jinja2.nodes.Name) and call.node.name == "t" and call.args
                    and isinstance(call.args[0], jinja2.nodes.Const)):
                used.add(call.args[0].value)
    used.update(texts.REASONS.values())
    used.update((accounts.NOT_SET_UP, accounts.NOT_ANSWERING, archive.NO_ARCHIVING, archive.NOT_SET_UP,
                 archive.NOT_ANSWERING))
    return used

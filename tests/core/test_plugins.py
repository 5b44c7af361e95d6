import pluggy
import pytest

from core.plugins import DuplicateProductTypeError, hookimpl, load_plugins, plugin_infos, pm, product_types
from tests.fakes import FakePlugin, FakeProduct


def test_built_in_plugins_load_through_entry_points(app):
    names = {info.name for info in plugin_infos()}
    assert {"reseller_plans", "office365", "hosting"} <= names


def test_loading_twice_changes_nothing(app):
    before = pm.list_name_plugin()
    load_plugins()
    load_plugins()
    assert pm.list_name_plugin() == before


def test_the_fake_plugin_appears_with_its_version_and_product_type(fake_plugin):
    info = next(info for info in plugin_infos() if info.name == "fake")
    assert info.version == "9.9.9"
    assert [product_type.key for product_type in info.product_types] == ["fake-product"]
    assert product_types()["fake-product"][0] == "fake"


def test_a_misspelled_hook_is_an_error(app):
    class Misspelled:
        @hookimpl
        def register_product_type(self):  # the spec is register_product_types
            return []

    plugin = Misspelled()
    pm.register(plugin, name="misspelled")
    try:
        with pytest.raises(pluggy.PluginValidationError, match="register_product_type"):
            pm.check_pending()
    finally:
        pm.unregister(plugin)


def test_two_plugins_cannot_declare_the_same_product_type(fake_plugin):
    twin = FakePlugin()
    pm.register(twin, name="twin")
    try:
        with pytest.raises(DuplicateProductTypeError, match="fake-product"):
            product_types()
    finally:
        pm.unregister(twin)


def test_product_type_declarations_are_checked():
    with pytest.raises(ValueError, match="duplicate plan codes"):
        type("Twice", (FakeProduct,), {"key": "twice", "plans": FakeProduct.plans + FakeProduct.plans[:1]})
    with pytest.raises(ValueError, match="key"):
        type("BadKey", (FakeProduct,), {"key": "Bad Key"})

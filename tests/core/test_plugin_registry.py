"""The product registry is built once per process and rebuilt when a plugin comes or goes."""

from core.plugins import hookimpl, plugin_infos, pm, product_types
from tests.fakes import FakePlugin, FakeProduct


class CountingPlugin:
    """A plugin that counts how often it is asked for its product types."""

    name = "counting"

    def __init__(self) -> None:
        self.asked = 0

    @hookimpl
    def register_product_types(self) -> list[FakeProduct]:
        self.asked += 1
        return []


def test_the_plugins_are_asked_once_however_often_product_types_are_looked_up(app):
    counting = CountingPlugin()
    pm.register(counting, name=counting.name)
    try:
        for _ in range(5):
            product_types()
            plugin_infos()
        assert counting.asked == 1
        assert "counting" in {info.name for info in plugin_infos()}
    finally:
        pm.unregister(counting)
    assert "counting" not in {info.name for info in plugin_infos()}


def test_a_plugin_registered_later_is_seen_and_gone_once_unregistered(app):
    assert "fake-product" not in product_types()
    first = FakePlugin()
    pm.register(first, name=FakePlugin.name)
    try:
        assert product_types()["fake-product"][1] is first.product_types[0]
    finally:
        pm.unregister(first)
    assert "fake-product" not in product_types()
    second = FakePlugin()  # may well reuse the first one's id(): the registry must not
    pm.register(second, name=FakePlugin.name)
    try:
        assert product_types()["fake-product"][1] is second.product_types[0]
    finally:
        pm.unregister(second)


def test_plugins_list_and_product_types_answer_from_one_registry(fake_plugin):
    (info,) = [info for info in plugin_infos() if info.name == "fake"]
    assert info.product_types == (product_types()["fake-product"][1],)

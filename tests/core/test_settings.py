"""Settings the plugins declare: read with their defaults, checked when an app starts, listed and documented."""

from pathlib import Path

import pytest

from core.plugins import hookimpl, pm
from core.settings import ConfigError, DuplicateSettingError, Setting, declared_settings, whole_number

README = Path(__file__).resolve().parents[2] / "README.md"


def test_a_setting_reads_its_variable_or_falls_back_to_its_default():
    seats = Setting("CASCADE_EXAMPLE_SEATS", whole_number(1, 10), 3, "seats")
    assert seats.read({}) == 3
    assert seats.read({"CASCADE_EXAMPLE_SEATS": " 7 "}) == 7
    with pytest.raises(ConfigError, match=r"^CASCADE_EXAMPLE_SEATS: '11': write a whole number from 1 to 10$"):
        seats.read({"CASCADE_EXAMPLE_SEATS": "11"})


def test_an_app_does_not_start_with_a_bad_plugin_setting(make_app, monkeypatch):
    monkeypatch.setenv("CASCADE_OFFICE365_TIMEOUT", "forever")
    with pytest.raises(ConfigError, match="^CASCADE_OFFICE365_TIMEOUT: 'forever': "):
        make_app()


def test_two_plugins_cannot_declare_the_same_setting():
    class Copycat:
        @hookimpl
        def declared_settings(self):
            return [Setting("CASCADE_HOSTING_TRIAL_DAYS", int, 1, "the same name again")]

    pm.register(Copycat(), name="copycat")
    try:
        with pytest.raises(DuplicateSettingError, match="CASCADE_HOSTING_TRIAL_DAYS"):
            declared_settings()
    finally:
        pm.unregister(name="copycat")


def test_cascade_settings_list_shows_every_setting_with_its_default_and_help(runner):
    result = runner.invoke(args=["settings", "list"])
    assert result.exit_code == 0, result.output
    assert "CASCADE_HOSTING_TRIAL_REMINDER_DAYS  (default: 7,3,1)" in result.output
    for setting in declared_settings().values():
        assert setting.name in result.output and setting.help in result.output


def test_every_setting_of_the_plugins_shipped_with_cascade_is_documented():
    """In README.md's configuration table, or in the README.md of the plugin's own folder: a plugin
    needs nothing outside its folder, its documentation included."""
    missing = []
    for impl in pm.hook.declared_settings.get_hookimpls():
        if not impl.plugin.__name__.startswith("plugins."):
            continue
        own = Path(impl.plugin.__file__).parent / "README.md"
        documented = README.read_text() + (own.read_text() if own.is_file() else "")
        missing += [setting.name for setting in impl.function() if f"`{setting.name}`" not in documented]
    assert not missing, f"neither README.md's configuration table nor the plugin's own README.md documents {missing}"

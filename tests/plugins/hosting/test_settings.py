"""The hosting plugin's settings: defaults for the local simulators, and one line naming a bad value."""

import pytest

from core.settings import ConfigError
from plugin_kit.simulators import local_simulators
from plugins.hosting.settings import hosting_settings


def test_the_defaults_point_at_the_local_simulators():
    settings = hosting_settings({})
    assert (settings.panel_url, settings.registrar_url) == ("http://127.0.0.1:5082", "http://127.0.0.1:5083")
    assert (settings.trial_days, settings.trial_reminder_days) == (14, (7, 3, 1))
    shipped = local_simulators()
    assert (shipped["hosting-panel"].url_setting, shipped["hosting-panel"].default_port) == ("CASCADE_HOSTING_PANEL_URL", 5082)
    assert (shipped["registrar"].url_setting, shipped["registrar"].default_port) == ("CASCADE_REGISTRAR_URL", 5083)


def test_settings_come_from_the_environment():
    settings = hosting_settings({"CASCADE_REGISTRAR_URL": "https://api.registrar.example/v2/",
                                 "CASCADE_HOSTING_TRIAL_DAYS": "30", "CASCADE_HOSTING_TRIAL_REMINDER_DAYS": "1, 10,3"})
    assert settings.registrar_url == "https://api.registrar.example/v2"
    assert (settings.trial_days, settings.trial_reminder_days) == (30, (10, 3, 1))


@pytest.mark.parametrize(("name", "value"), [
    ("CASCADE_HOSTING_PANEL_URL", "ftp://panel.example"),
    ("CASCADE_REGISTRAR_URL", "registrar.example"),
    ("CASCADE_HOSTING_TRIAL_DAYS", "0"),
    ("CASCADE_HOSTING_TRIAL_DAYS", "two weeks"),
    ("CASCADE_HOSTING_TRIAL_REMINDER_DAYS", "7,,1"),
    ("CASCADE_HOSTING_VENDOR_TIMEOUT", "-1"),
])
def test_a_bad_setting_is_refused_naming_it(name, value):
    with pytest.raises(ConfigError, match=f"^{name}: "):
        hosting_settings({name: value})

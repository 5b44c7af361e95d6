"""Cascade's pytest fixtures, for its own suite and for any plugin's (the ``pytest11`` entry point
``plugin_kit`` loads them wherever Cascade is installed; ``-p no:plugin_kit`` turns them off).

A plugin installed in the same environment as Cascade gets, with no conftest of its own:

- ``app``, ``db``, ``client``, ``runner``, ``make_app``, ``frozen_clock``, ``selects``, ``statements``: the app on
  a migrated database, each test in a transaction rolled back after it (``app``);
- ``demo``, ``plans``, ``actor_for``, ``make_account``, ``make_team``, ``reseller_plan``, ``shops``,
  ``close_bright``, ``subscribe`` (with ``subscription_plans`` to override): the demo platform,
  loaded once per test process, and what its people do (``accounts``);
- ``login_as``, ``post``, ``shop_post``, ``shop_sign_in``, ``add_to_cart``, ``check_out``: forms
  sent as a browser sends them (``forms``); ``make_key``, ``api_as``: the JSON API (``api``);
- ``simulators``: every installed plugin's vendor simulator, served over HTTP; ``vendor_waits`` (on every
  test): vendor clients back off without waiting, the waits recorded (``simulators``);
  ``smtp_server``: a real SMTP server (``smtp``); ``provision_all``: the worker's provisioning,
  run in the test (``provisioning``);
- ``outside_io_outside_transactions`` (on every test): a vendor, the mail server or a DNS
  resolver called inside a database transaction fails the test (``outside_io``).

The plain helpers are importable from here: ``provision_due``, ``post_form``, ``form_token``,
``text_of``, ``main_of``, ``link_in_email``, ``free_port``, ``serve``, ``purge``, ``published``...

Tests run on SQLite by default; ``CASCADE_TEST_DATABASE_URL`` points them at PostgreSQL and
``CASCADE_TEST_BROKER_URL`` at Redis or RabbitMQ. Under pytest-xdist (``-n auto``), each worker
has databases of its own (see ``databases``).
"""

from __future__ import annotations

import os
from urllib.parse import urlsplit

import pytest

_MODULES = ("accounts", "api", "app", "broker", "databases", "forms", "outside_io", "pages", "provisioning", "simulators",
            "smtp")
# Failed asserts in the fixtures explain themselves, as in a test (an installed plugin is rewritten only
# when pip lists its files, which an editable install does not).
pytest.register_assert_rewrite(*(f"{__name__}.{module}" for module in _MODULES))

from plugin_kit.testing.api import KeyClient  # noqa: E402
from plugin_kit.testing.broker import published, purge  # noqa: E402
from plugin_kit.testing.databases import BROKER_VARIABLE, FROZEN_AT, TestDatabases, worker_id  # noqa: E402
from plugin_kit.testing.forms import BRIGHT, CORNER, NORTHWIND, form_token, post_form  # noqa: E402
from plugin_kit.testing.pages import link_in_email, main_of, text_of  # noqa: E402
from plugin_kit.testing.provisioning import provision_due  # noqa: E402
from plugin_kit.testing.simulators import ServedSimulator, serve  # noqa: E402
from plugin_kit.testing.smtp import Mailbox, free_port  # noqa: E402

__all__ = [
    "BRIGHT", "CORNER", "FROZEN_AT", "KeyClient", "NORTHWIND", "Mailbox", "ServedSimulator", "TestDatabases", "form_token",
    "free_port", "link_in_email", "main_of", "post_form", "provision_due", "published", "purge", "serve", "text_of",
    "worker_id",
]

pytest_plugins = [
    "plugin_kit.testing.app",
    "plugin_kit.testing.simulators",
    "plugin_kit.testing.accounts",
    "plugin_kit.testing.forms",
    "plugin_kit.testing.api",
    "plugin_kit.testing.provisioning",
    "plugin_kit.testing.smtp",
    "plugin_kit.testing.outside_io",
]


def pytest_configure(config: pytest.Config) -> None:
    # kombu's SQLAlchemy transport (the embedded broker) still maps with a loader strategy
    # SQLAlchemy 2.1 deprecates; that is kombu's to change, not a plugin's.
    config.addinivalue_line(
        "filterwarnings", "ignore:The ``noload`` loader strategy is deprecated:sqlalchemy.exc.SADeprecationWarning")


@pytest.hookimpl(optionalhook=True, tryfirst=True)
def pytest_xdist_auto_num_workers(config: pytest.Config) -> int | None:
    """``-n auto`` runs one process on RabbitMQ, whose one virtual host every worker would share;
    elsewhere, pytest-xdist's own count (one per CPU)."""
    if urlsplit(os.environ.get(BROKER_VARIABLE, "")).scheme.startswith("amqp"):
        return 0
    return None

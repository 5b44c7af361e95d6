import subprocess
import sys

import pytest

from core.settings import ConfigError
from web.config import DEV_SECRET_KEY, load_settings

PRODUCTION = {
    "CASCADE_ENV": "production",
    "CASCADE_DATABASE_URL": "postgresql+psycopg://cascade@db.internal/cascade",
    "CASCADE_BROKER_URL": "redis://cache.internal:6379/0",
    "CASCADE_SECRET_KEY": "x" * 48,
}


def test_defaults_need_no_server(tmp_path):
    settings = load_settings({}, instance_path=tmp_path)
    assert settings.database_url == f"sqlite:///{tmp_path / 'cascade.db'}"
    assert settings.broker_url == f"sqla+sqlite:///{tmp_path / 'broker.db'}"
    assert settings.storefront_domain == "shop.localhost"
    assert settings.base_url == "http://127.0.0.1:5000"
    assert settings.env == "development"


def test_shops_mail_from_the_mail_from_addresss_domain_unless_told_otherwise():
    assert load_settings({"CASCADE_MAIL_FROM": "Mail <no-reply@Mail.Example.com>"}).mail_domain == "mail.example.com"
    assert load_settings({"CASCADE_MAIL_DOMAIN": "shops.example.net"}).mail_domain == "shops.example.net"


def test_environment_variables_override_defaults():
    settings = load_settings(PRODUCTION | {"CASCADE_STOREFRONT_DOMAIN": "shop.northwind.example"})
    assert settings.production
    assert settings.database_url.startswith("postgresql+psycopg://")
    assert settings.storefront_domain == "shop.northwind.example"


@pytest.mark.parametrize(
    ("environ", "named"),
    [
        ({"CASCADE_DATABASE_URL": "mysql://x/y"}, "CASCADE_DATABASE_URL"),
        ({"CASCADE_DATABASE_URL": "::not a url::"}, "CASCADE_DATABASE_URL"),
        ({"CASCADE_BROKER_URL": "kafka://x"}, "CASCADE_BROKER_URL"),
        ({"CASCADE_SECRET_KEY": "short"}, "CASCADE_SECRET_KEY"),
        ({"CASCADE_STOREFRONT_DOMAIN": "Not A Host"}, "CASCADE_STOREFRONT_DOMAIN"),
        ({"CASCADE_MAIL_URL": "http://mail"}, "CASCADE_MAIL_URL"),
        ({"CASCADE_MAIL_DOMAIN": "mail example"}, "CASCADE_MAIL_DOMAIN"),
        ({"CASCADE_BASE_URL": "bss.northwind.example"}, "CASCADE_BASE_URL"),
        ({"CASCADE_BASE_URL": "ftp://bss.northwind.example"}, "CASCADE_BASE_URL"),
        ({"CASCADE_ENV": "staging"}, "CASCADE_ENV"),
        ({"CASCADE_LOG_LEVEL": "LOUD"}, "CASCADE_LOG_LEVEL"),
        ({"CASCADE_TRUSTED_PROXIES": "one"}, "CASCADE_TRUSTED_PROXIES"),
        ({"CASCADE_TRUSTED_PROXIES": "-1"}, "CASCADE_TRUSTED_PROXIES"),
        (PRODUCTION | {"CASCADE_SECRET_KEY": DEV_SECRET_KEY}, "CASCADE_SECRET_KEY"),
        ({k: v for k, v in PRODUCTION.items() if k != "CASCADE_DATABASE_URL"}, "CASCADE_DATABASE_URL"),
        ({k: v for k, v in PRODUCTION.items() if k != "CASCADE_SECRET_KEY"}, "CASCADE_SECRET_KEY"),
    ],
)
def test_a_bad_setting_is_one_line_naming_it(environ, named):
    with pytest.raises(ConfigError) as caught:
        load_settings(environ)
    message = str(caught.value)
    assert message.startswith(f"{named}: ")
    assert "\n" not in message


def test_the_command_stops_with_that_one_line(tmp_path):
    result = subprocess.run(
        [sys.executable, "-m", "bss.cli", "plugins", "list"],
        env={"CASCADE_ENV": "production", "CASCADE_INSTANCE_PATH": str(tmp_path), "PATH": ""},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 2
    assert result.stderr == "cascade: CASCADE_DATABASE_URL: missing: production needs it set explicitly\n"
    assert result.stdout == ""


def test_links_in_emails_start_at_the_base_url(make_app):
    from core.links import links

    make_app(base_url="https://bss.northwind.example/")
    try:
        assert links.backoffice("orders/7") == "https://bss.northwind.example/bss/orders/7"
    finally:
        make_app()  # the suite's own base URL again


def test_links_lead_to_the_port_the_app_is_served_on_unless_the_base_url_is_set():
    assert load_settings({"PORT": "8080"}).base_url == "http://127.0.0.1:8080"
    assert load_settings({"PORT": "8080", "CASCADE_BASE_URL": "https://bss.example"}).base_url == "https://bss.example"

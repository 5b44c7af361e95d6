"""Configuration from ``CASCADE_*`` environment variables, checked before anything starts.

Each setting is read, parsed and validated in one place; a bad one raises ``ConfigError``
with a single line that names the variable.
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from dataclasses import dataclass, fields
from email.utils import parseaddr
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError

from core.dns import nameserver
from core.settings import ConfigError

PREFIX = "CASCADE_"
#: The largest request body the web app reads.
MAX_REQUEST_BYTES = 1024 * 1024
ENVIRONMENTS = ("development", "production", "testing")
DEV_SECRET_KEY = "cascade-development-secret-key-not-for-production"
INSTANCE_PATH = Path(__file__).resolve().parent.parent / "instance"

#: Proxies in front of one another: more than a few is a mistake in the setting.
MAX_TRUSTED_PROXIES = 5
_HOSTNAME = re.compile(r"^(?=.{1,253}$)(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)(?:\.[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)*$")
_BROKER_SCHEMES = ("redis", "rediss", "amqp", "amqps", "pyamqp", "sqla+sqlite")


@dataclass(frozen=True)
class Settings:
    """Every setting Cascade reads, with its documented default."""

    env: str = "development"
    instance_path: Path = INSTANCE_PATH
    #: Both default to SQLite files in the instance folder (see ``load_settings``).
    database_url: str = ""
    broker_url: str = ""
    secret_key: str = DEV_SECRET_KEY
    storefront_domain: str = "shop.localhost"
    #: Where people reach the back office: links in emails (also those the worker sends) start here.
    #: Defaults to 127.0.0.1 on the port in ``PORT`` (see ``load_settings``).
    base_url: str = "http://127.0.0.1:5000"
    mail_url: str = ""
    #: The platform's own mailbox; its domain is a neutral relay's (shops' customers see it under the shop's subdomain).
    mail_from: str = "Cascade <no-reply@mail.localhost>"
    #: Shops' emails go from ``<mailbox of mail_from>@<shop slug>.<this>``; defaults to mail_from's domain (see ``load_settings``).
    mail_domain: str = ""
    log_level: str = "INFO"
    log_format: str = "text"
    #: ``host[:port]`` of the DNS server that custom domains' TXT records are looked up on; empty: the system's.
    dns_resolver: str = ""
    #: How many reverse proxies stand in front and add X-Forwarded-For/-Proto/-Host: client
    #: addresses (sign-in throttling, sessions) are read from them. 0: none, the headers are ignored.
    trusted_proxies: int = 0

    @property
    def production(self) -> bool:
        return self.env == "production"

    def to_flask(self) -> dict[str, Any]:
        """Return the settings as Flask config keys (``CASCADE_*`` plus Flask's own)."""
        values = {f"{PREFIX}{f.name.upper()}": getattr(self, f.name) for f in fields(self)}
        values.update(
            SECRET_KEY=self.secret_key,
            TESTING=self.env == "testing",
            SESSION_COOKIE_HTTPONLY=True,
            SESSION_COOKIE_SAMESITE="Lax",
            SESSION_COOKIE_SECURE=self.production,
            JSON_SORT_KEYS=False,
            # Nothing anyone uploads (a logo at most) comes near it: a larger request is refused with 413.
            MAX_CONTENT_LENGTH=MAX_REQUEST_BYTES,
        )
        return values


def load_settings(environ: Mapping[str, str] | None = None, **overrides: Any) -> Settings:
    """Read settings from ``environ`` (the process environment by default), then ``overrides``."""
    environ = os.environ if environ is None else environ
    values: dict[str, Any] = {}
    for f in fields(Settings):
        raw = environ.get(f"{PREFIX}{f.name.upper()}", "").strip()
        if raw:
            values[f.name] = raw
    values.update(overrides)
    if "trusted_proxies" in values:
        values["trusted_proxies"] = _count_of("TRUSTED_PROXIES", values["trusted_proxies"])
    if values.get("env") == "production":
        for required in ("database_url", "broker_url", "secret_key"):
            if not values.get(required):
                _fail(required.upper(), "missing: production needs it set explicitly")
    instance = values["instance_path"] = Path(values.get("instance_path", INSTANCE_PATH))
    values.setdefault("database_url", f"sqlite:///{instance / 'cascade.db'}")
    values.setdefault("broker_url", f"sqla+sqlite:///{instance / 'broker.db'}")
    # Links in emails and pages lead where the app listens: `cascade run` and `serve` put their port in PORT.
    values.setdefault("base_url", f"http://127.0.0.1:{environ.get('PORT', '').strip() or 5000}")
    values.setdefault("mail_domain", parseaddr(values.get("mail_from", Settings.mail_from))[1].rpartition("@")[2].lower())
    settings = Settings(**values)
    validate(settings)
    return settings


def validate(settings: Settings) -> None:
    """Raise ``ConfigError`` for the first setting that cannot work."""
    if settings.env not in ENVIRONMENTS:
        _fail("ENV", f"{settings.env!r} is not one of {', '.join(ENVIRONMENTS)}")
    try:
        backend = make_url(settings.database_url).get_backend_name()
    except ArgumentError:
        _fail("DATABASE_URL", f"{settings.database_url!r} is not a database URL")
    if backend not in ("sqlite", "postgresql"):
        _fail("DATABASE_URL", f"unsupported database {backend!r}: use sqlite:/// or postgresql+psycopg://")
    scheme = urlsplit(settings.broker_url).scheme
    if scheme not in _BROKER_SCHEMES:
        _fail("BROKER_URL", f"unsupported broker {scheme or settings.broker_url!r}: use redis://, amqp:// or sqla+sqlite:///")
    if settings.production and settings.secret_key == DEV_SECRET_KEY:
        _fail("SECRET_KEY", "production refuses the development secret key: set a long random value")
    if len(settings.secret_key) < 32:
        _fail("SECRET_KEY", "must be at least 32 characters long")
    if not _HOSTNAME.match(settings.storefront_domain):
        _fail("STOREFRONT_DOMAIN", f"{settings.storefront_domain!r} is not a lowercase host name")
    base = urlsplit(settings.base_url)
    if base.scheme not in ("http", "https") or not base.netloc or base.query or base.fragment:
        _fail("BASE_URL", f"{settings.base_url!r}: use http(s)://host[:port][/path]")
    if settings.mail_url and urlsplit(settings.mail_url).scheme not in ("smtp", "smtps"):
        _fail("MAIL_URL", f"{settings.mail_url!r}: use smtp://host:port or smtps://host:port")
    if "@" not in settings.mail_from:
        _fail("MAIL_FROM", f"{settings.mail_from!r} has no email address")
    if not _HOSTNAME.match(settings.mail_domain):
        _fail("MAIL_DOMAIN", f"{settings.mail_domain!r} is not a lowercase host name")
    if settings.log_level.upper() not in ("DEBUG", "INFO", "WARNING", "ERROR"):
        _fail("LOG_LEVEL", f"{settings.log_level!r} is not DEBUG, INFO, WARNING or ERROR")
    if settings.log_format not in ("text", "json"):
        _fail("LOG_FORMAT", f"{settings.log_format!r} is not text or json")
    if settings.dns_resolver:
        try:
            nameserver(settings.dns_resolver)
        except ValueError as error:
            _fail("DNS_RESOLVER", str(error))


def _count_of(name: str, value: object) -> int:
    """A whole number from 0 up, from the environment's text or an override."""
    text = str(value).strip()
    if not text.isdigit() or int(text) > MAX_TRUSTED_PROXIES:
        _fail(name, f"{value!r} is not a whole number from 0 to {MAX_TRUSTED_PROXIES}")
    return int(text)


def _fail(name: str, reason: str) -> None:
    raise ConfigError(f"{PREFIX}{name}: {reason}")

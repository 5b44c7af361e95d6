"""A vendor that lives outside any one process: a product plugin whose effects are files.

Tests that run real ``cascade worker`` processes need a vendor that the worker acts on and the
test reads: this one keeps its whole state in a directory, ``$CASCADE_TEST_VENDOR_DIR`` in a
worker (the plugin reaches it through a ``cascade.plugins`` entry point on ``PYTHONPATH``), or
the directory handed to it in the test process (registered by hand, as ``fake_plugin`` is).

Like a real vendor API, it acts once per idempotency key: a call with a key it has seen answers
as before and does nothing again. Told to hold, a call waits after its effect is recorded and
before it answers, as a vendor whose answer is lost in flight when the worker dies meanwhile.

The directory holds:

- ``calls.jsonl``: one line per call of a lifecycle method (key, action, attempt, process id);
- ``effects/<key>.json``: what the vendor did for that idempotency key, written once, atomically;
- ``hold``: while it exists, every call waits after recording its effect;
- ``holding/<key>.json``: written by a call that waits, so a test knows it got that far.

The fixtures: ``vendor`` (registered in the test process), ``vendor_site`` (what a ``cascade``
process needs in its environment to load the plugin), ``shop`` (the demo with the widget on
sale, committed for real so that workers and web servers see it, and removed after the test)
and ``api_key`` (one of its buyer's, for the API).
"""

from __future__ import annotations

import json
import os
import textwrap
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

import pytest
from flask import Flask
from sqlalchemy import select
from sqlalchemy.orm import Session

from core.models.accounts import Account
from core.models.catalog import BillingPeriod, Plan, Product
from core.models.people import User
from core.models.prices import PriceList, PriceListKind
from core.money import Money
from core.plugins import hookimpl, pm, product_types
from core.product_lifecycle import LifecycleRequest, Result
from core.products import PlanSpec, ProductType
from core.services.api_keys import create_api_key
from core.services.catalog import sync_catalog
from core.services.demo import has_data, load_demo
from core.services.people import owner_team
from core.services.price_lists import set_price, set_product_offered
from plugin_kit.testing import purge
from tests.processes import rows_removed_afterwards
from web.database import db as database

#: Names the vendor's directory in a process that loads the plugin through its entry point.
VENDOR_DIR_VARIABLE = "CASCADE_TEST_VENDOR_DIR"
#: The repository root: a worker process imports this module from there.
ROOT = Path(__file__).resolve().parent.parent
#: A held call gives up waiting after this long, so a forgotten hold cannot wedge a worker.
HOLD_LIMIT_SECONDS = 120.0
#: What Northwind charges its resellers for a widget a month.
WHOLESALE_PRICE = "6.00"


@dataclass(frozen=True)
class Call:
    """One call of a lifecycle method, as the vendor logged it."""

    key: str
    action: str
    attempt: int
    pid: int


@dataclass(frozen=True)
class Effect:
    """What the vendor did, once, for one idempotency key."""

    key: str
    action: str
    subscription_id: int
    pid: int


class FileVendor:
    """The vendor's API and its records, all in files under ``directory``."""

    def __init__(self, directory: Path) -> None:
        self.directory = directory
        for folder in (self._effects, self._holding):
            folder.mkdir(parents=True, exist_ok=True)

    @classmethod
    def from_environment(cls) -> FileVendor:
        """The vendor whose directory ``$CASCADE_TEST_VENDOR_DIR`` names."""
        directory = os.environ.get(VENDOR_DIR_VARIABLE)
        if not directory:
            raise RuntimeError(f"{VENDOR_DIR_VARIABLE} is not set: the test vendor has nowhere to keep its state")
        return cls(Path(directory))

    @property
    def _effects(self) -> Path:
        return self.directory / "effects"

    @property
    def _holding(self) -> Path:
        return self.directory / "holding"

    @property
    def _hold_file(self) -> Path:
        return self.directory / "hold"

    # -- the vendor's side: what a lifecycle method calls ----------------------------------------

    def act(self, request: LifecycleRequest) -> Result:
        """Carry out ``request`` unless its idempotency key was seen; hold if told to; answer done."""
        key = request.idempotency_key
        pid = os.getpid()
        self._append("calls.jsonl", {"key": key, "action": str(request.action), "attempt": request.attempt, "pid": pid})
        self._create_once(self._effects / f"{_file_name(key)}.json",
                          {"key": key, "action": str(request.action), "subscription_id": request.subscription_id,
                           "pid": pid})
        if self._hold_file.exists():
            self._create_once(self._holding / f"{_file_name(key)}.json", {"key": key, "pid": pid})
            deadline = time.monotonic() + HOLD_LIMIT_SECONDS
            while self._hold_file.exists() and time.monotonic() < deadline:
                time.sleep(0.05)
        return Result.done(data={"vendor_id": f"vendor-{request.subscription_id}"})

    def _append(self, name: str, record: dict[str, object]) -> None:
        # One short write in append mode: lines from several processes never interleave.
        with open(self.directory / name, "a", encoding="utf-8") as log:
            log.write(json.dumps(record) + "\n")

    @staticmethod
    def _create_once(path: Path, record: dict[str, object]) -> None:
        """Write ``record`` to ``path`` unless it exists; readers never see it half written."""
        scratch = path.with_name(f".{path.name}.{os.getpid()}.{time.monotonic_ns()}")
        scratch.write_text(json.dumps(record), encoding="utf-8")
        try:
            os.link(scratch, path)  # atomic, and fails if another call got there first
        except FileExistsError:
            pass
        finally:
            scratch.unlink()

    # -- the test's side: telling the vendor what to do, reading what it did ----------------------

    def hold(self) -> None:
        """Make every call wait after recording its effect, until ``release``."""
        self._hold_file.touch()

    def release(self) -> None:
        """Let held calls answer, and later ones answer at once."""
        self._hold_file.unlink(missing_ok=True)

    def calls(self) -> list[Call]:
        """Every call so far, in the order they were made."""
        try:
            lines = (self.directory / "calls.jsonl").read_text(encoding="utf-8").splitlines()
        except FileNotFoundError:
            return []
        return [Call(**json.loads(line)) for line in lines]

    def effects(self) -> dict[str, Effect]:
        """What the vendor did, by idempotency key."""
        found = (Effect(**json.loads(path.read_text(encoding="utf-8"))) for path in self._effects.glob("*.json"))
        return {effect.key: effect for effect in found}

    def wait_until_holding(self, timeout: float) -> list[str]:
        """Wait for a call to hold; return the keys of the calls holding."""
        deadline = time.monotonic() + timeout
        while not (held := sorted(json.loads(path.read_text(encoding="utf-8"))["key"]
                                  for path in self._holding.glob("*.json"))):
            if time.monotonic() > deadline:
                raise AssertionError(f"no call reached the vendor within {timeout:.0f} s (calls: {self.calls()})")
            time.sleep(0.05)
        return held


def _file_name(key: str) -> str:
    return quote(key, safe="-_.")


class VendorWidget(ProductType):
    """A product whose every lifecycle change goes to the file vendor."""

    key = "vendor-widget"
    name = "Vendor widget"
    description = "A product whose vendor keeps its state in files, for tests with real workers."
    unit = "widget"
    plans = (
        PlanSpec(code="monthly", name="Monthly", billing_period=BillingPeriod.MONTHLY, rank=10,
                 cost_price=Money("5.00", "EUR")),
    )

    def __init__(self, vendor: FileVendor | None = None) -> None:
        self._vendor = vendor

    @property
    def vendor(self) -> FileVendor:
        """The vendor handed over, else the one the environment names (read at each call)."""
        return self._vendor or FileVendor.from_environment()

    def activate(self, request: LifecycleRequest) -> Result:
        return self.vendor.act(request)

    def change(self, request: LifecycleRequest) -> Result:
        return self.vendor.act(request)

    def suspend(self, request: LifecycleRequest) -> Result:
        return self.vendor.act(request)

    def resume(self, request: LifecycleRequest) -> Result:
        return self.vendor.act(request)

    def cancel(self, request: LifecycleRequest) -> Result:
        return self.vendor.act(request)

    def renew(self, request: LifecycleRequest) -> Result:
        return self.vendor.act(request)

    def poll(self, request: LifecycleRequest) -> Result:
        return self.vendor.act(request)


class VendorPlugin:
    """Declares ``VendorWidget``, on the vendor given or on the environment's."""

    name = "test_vendor"
    __version__ = "1.0.0"

    def __init__(self, vendor: FileVendor | None = None) -> None:
        self.product_type = VendorWidget(vendor)

    @hookimpl
    def register_product_types(self) -> list[ProductType]:
        return [self.product_type]


#: What the ``cascade.plugins`` entry point loads in a ``cascade`` process.
plugin = VendorPlugin()

ENTRY_POINTS = textwrap.dedent(f"""\
    [cascade.plugins]
    {VendorPlugin.name} = tests.vendor:plugin
""")


def install_distribution(site: Path) -> None:
    """Lay the plugin's distribution out under ``site`` as pip would: a dist-info with its entry point."""
    dist_info = site / f"cascade_test_vendor-{VendorPlugin.__version__}.dist-info"
    dist_info.mkdir(parents=True, exist_ok=True)
    (dist_info / "METADATA").write_text(
        f"Metadata-Version: 2.1\nName: cascade-test-vendor\nVersion: {VendorPlugin.__version__}\n"
    )
    (dist_info / "entry_points.txt").write_text(ENTRY_POINTS)


def put_on_sale(session: Session, distributor: Account) -> Plan:
    """Sync the catalog and have ``distributor`` offer the widget at ``WHOLESALE_PRICE``; return its plan."""
    sync_catalog(session, product_types())
    product = session.scalar(select(Product).where(Product.key == VendorWidget.key))
    assert product is not None, "the vendor plugin is not registered in this process"
    set_product_offered(session, distributor=distributor, product=product, offered=True, by=None)
    wholesale = session.scalar(select(PriceList).where(PriceList.seller_id == distributor.id,
                                                       PriceList.kind == PriceListKind.WHOLESALE))
    assert wholesale is not None, f"{distributor.name} has no wholesale price list"
    (plan,) = product.plans
    set_price(session, price_list=wholesale, plan=plan, by=None, unit_price=WHOLESALE_PRICE)
    return plan


@pytest.fixture
def vendor(app: Flask, tmp_path: Path) -> Iterator[FileVendor]:
    """The file vendor under ``tmp_path``, its plugin registered in the test process for one test."""
    vendor = FileVendor(tmp_path / "vendor")
    registered = VendorPlugin(vendor)
    pm.register(registered, name=VendorPlugin.name)
    try:
        yield vendor
    finally:
        pm.unregister(registered)


@pytest.fixture
def vendor_site(tmp_path: Path, vendor: FileVendor) -> dict[str, str]:
    """What a ``cascade`` process needs to load the vendor plugin: merge it into its environment."""
    site = tmp_path / "site"
    install_distribution(site)
    return {"PYTHONPATH": os.pathsep.join((str(site), str(ROOT))), VENDOR_DIR_VARIABLE: str(vendor.directory)}


@dataclass(frozen=True)
class Shop:
    """The committed demo with the vendor widget on sale: who buys it, for which account, which plan."""

    buyer_id: int  # owner@harbour.example
    account_id: int  # Harbour Dental, a customer of Bright IT
    seller_id: int  # Bright IT
    plan_id: int


@pytest.fixture
def shop(app: Flask, vendor: FileVendor) -> Iterator[Shop]:
    """The demo with the vendor widget on sale, committed for real (other processes see it); removed afterwards."""
    purge(app)  # messages other tests' commits left on the broker
    with rows_removed_afterwards(database.state(app).engine):
        with app.app_context():
            session = database.session
            assert not has_data(session), "the test database holds committed accounts: an earlier test left them"
            load_demo(session)
            accounts = {account.slug: account for account in session.scalars(select(Account))}
            plan = put_on_sale(session, accounts["northwind"])
            buyer = session.scalar(select(User).where(User.email == "owner@harbour.example"))
            assert buyer is not None
            session.commit()
            found = Shop(buyer_id=buyer.id, account_id=accounts["harbour"].id, seller_id=accounts["bright"].id,
                         plan_id=plan.id)
        yield found
        purge(app)  # what the test's commits published and no worker took


@pytest.fixture
def api_key(app: Flask, shop: Shop) -> str:
    """An API key of Harbour Dental's owner team (committed; ``shop`` removes it afterwards)."""
    with app.app_context():
        session = database.session
        account, user = session.get(Account, shop.account_id), session.get(User, shop.buyer_id)
        assert account is not None and user is not None
        secret = create_api_key(session, user=user, team=owner_team(session, account), name="load test").secret
        session.commit()
        return secret

"""``cascade db`` for a plugin author and an operator: a plugin's own revisions, written, applied, outlived."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import inspect

from core.db import make_engine
from tests.processes import cascade, cascade_env, installed_plugin_site

PLUGIN = '''
from pathlib import Path

from sqlalchemy import ForeignKey
from sqlalchemy.orm import Mapped, mapped_column

from core.db import Base
from core.plugins import hookimpl


class Greeting(Base):
    __tablename__ = "hello_greetings"

    id: Mapped[int] = mapped_column(primary_key=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id"))


@hookimpl
def migration_versions() -> Path:
    return Path(__file__).with_name("migrations")
'''


pytestmark = pytest.mark.integration  # each test runs ``cascade db`` as a process


@pytest.fixture
def hello(tmp_path: Path) -> dict[str, Path]:
    """A plugin with a table and no revision yet, laid out as pip installs a distribution."""
    site = installed_plugin_site(tmp_path, PLUGIN)
    return {"site": site, "migrations": site / "cascade_hello" / "migrations", "database": tmp_path / "cascade.db"}


def standing(output: str) -> dict[str, str]:
    """What ``cascade db upgrade`` printed: where each branch stands, by name."""
    return {name: where.strip() for name, _, where in (line.partition(" ") for line in output.splitlines())}


def run(*args: str, hello: dict[str, Path], installed: bool = True) -> str:
    env = cascade_env(hello["database"].parent / "instance", database_url=f"sqlite:///{hello['database']}")
    if installed:
        env["PYTHONPATH"] = str(hello["site"])
    done = cascade("db", *args, env=env)
    assert done.returncode == 0, done.stderr
    return done.stdout


def test_a_plugin_writes_its_own_first_revision_applies_it_and_outlives_its_removal(hello):
    first = standing(run("upgrade", hello=hello))
    assert (first["core"], first["office365"], first["hosting"]) == ("7c3e5a9d2b14", "8b3c4d5e6f70", "9c4d5e6f7a81")
    assert "hello" not in first  # no revision of its own yet

    written = run("revision", "--plugin", "hello", "-m", "greetings", hello=hello)

    [revision] = hello["migrations"].glob("*_greetings.py")
    assert f"Generating {revision}" in written
    source = revision.read_text()
    assert "branch_labels = ('hello',)" in source
    assert "depends_on = '7c3e5a9d2b14'" in source  # the core's head it was written against
    assert "op.create_table('hello_greetings'" in source
    assert "office365" not in source and "hosting" not in source and "drop_table('accounts'" not in source

    applied = standing(run("upgrade", hello=hello))
    revision_id = revision.name.partition("_")[0]
    assert applied["hello"] == revision_id

    without_it = standing(run("upgrade", hello=hello, installed=False))

    assert without_it["hello"] == f"{revision_id} (not installed: its tables are left as they are)"
    engine = make_engine(f"sqlite:///{hello['database']}")
    assert "hello_greetings" in inspect(engine).get_table_names()
    engine.dispose()


def test_a_plugin_comes_down_alone(hello):
    run("upgrade", hello=hello)

    down = standing(run("downgrade", "office365@base", hello=hello))

    assert (down["core"], down["hosting"], down["office365"]) == ("7c3e5a9d2b14", "9c4d5e6f7a81", "no tables")
    engine = make_engine(f"sqlite:///{hello['database']}")
    assert "office365_tenants" not in inspect(engine).get_table_names()
    assert "hosting_websites" in inspect(engine).get_table_names()
    engine.dispose()


def test_a_plugin_without_migrations_is_named_in_the_error(hello):
    env = cascade_env(hello["database"].parent / "instance", database_url=f"sqlite:///{hello['database']}")
    done = cascade("db", "revision", "--plugin", "reseller_plans", "-m", "nothing", env=env)
    assert done.returncode != 0
    assert "no installed plugin named 'reseller_plans' has migrations" in done.stderr

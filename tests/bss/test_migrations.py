"""The schema comes from migrations only: the core's, then each installed plugin's own branch."""

from __future__ import annotations

import secrets
import textwrap
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pluggy
import pytest
from sqlalchemy import Engine, event, inspect, text
from sqlalchemy.engine import make_url

import core.models  # noqa: F401
import plugins.hosting
import plugins.office365
from bss.migrations import (
    MigrationError,
    check_database,
    database_versions,
    downgrade_database,
    installed_branches,
    upgrade_database,
)
from core import hookspecs
from core.db import Base, make_engine
from core.plugins import PROJECT, hookimpl
from web.database import db as database

CORE_HEAD = "7c3e5a9d2b14"
#: Where the core stood when one history held the plugins' revisions too, and the tables it added since.
SINGLE_HISTORY_CORE = "5f1e2a7c9b10"
CORE_TABLES_SINCE = {"charges", "billing_profiles", "invoices", "invoice_lines", "invoice_payments", "tickets", "ticket_desks",
                     "ticket_messages", "ticket_attachments", "ticket_events", "transfers", "event_hubs",
                     "event_deliveries", "price_versions"}
OFFICE365_HEAD = "8b3c4d5e6f70"
HOSTING_HEAD = "9c4d5e6f7a81"
BUILT_IN_TABLES = {"office365_tenants", "hosting_websites"}


@pytest.fixture
def empty_database(tmp_path: Path, test_settings: dict[str, Any]) -> Iterator[Engine]:
    """An empty database of the kind the suite runs on: a SQLite file, or a scratch PostgreSQL database."""
    url = make_url(test_settings["database_url"])
    if url.get_backend_name() != "postgresql":
        engine = make_engine(f"sqlite:///{tmp_path / 'fresh.db'}")
        yield engine
        engine.dispose()
        return
    name = f"cascade_migrations_{secrets.token_hex(4)}"
    server = make_engine(url.set(database="postgres").render_as_string(hide_password=False),
                         isolation_level="AUTOCOMMIT")
    with server.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    engine = make_engine(url.set(database=name).render_as_string(hide_password=False))
    try:
        yield engine
    finally:
        engine.dispose()
        with server.connect() as connection:
            connection.execute(text(f'DROP DATABASE "{name}" WITH (FORCE)'))
        server.dispose()


def core_tables() -> set[str]:
    """The tables of the core's own models; the rest of the metadata is the plugins'."""
    return {mapper.local_table.name for mapper in Base.registry.mappers if mapper.class_.__module__.startswith("core.")}


def plugin_manager(*plugins: object) -> pluggy.PluginManager:
    """A plugin manager with only ``plugins`` installed, as on a platform that has just those."""
    manager = pluggy.PluginManager(PROJECT)
    manager.add_hookspecs(hookspecs)
    for plugin in plugins:
        manager.register(plugin, name=getattr(plugin, "name", None) or plugin.__name__.rpartition(".")[2])
    return manager


def tables(engine: Engine) -> set[str]:
    return set(inspect(engine).get_table_names())


def ddl(engine: Engine) -> list[str]:
    """Record the tables created and dropped, in order, as ``create <table>`` / ``drop <table>``.

    Alembic's own version tables are left out, and so is SQLite's way of altering a table: a
    copy made, the table dropped, the copy renamed (its rows are kept).
    """
    seen: list[str] = []
    copies: set[str] = set()

    @event.listens_for(engine, "before_cursor_execute")
    def record(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        words = statement.split()
        if len(words) >= 3 and words[0] in ("CREATE", "DROP") and words[1] == "TABLE":
            table = words[2].strip('"')
            if table.startswith("_alembic_tmp_"):
                copies.add(table.removeprefix("_alembic_tmp_"))
            elif words[0] == "DROP" and table in copies:
                copies.discard(table)
            elif not table.startswith("alembic_version"):
                seen.append(f"{words[0].lower()} {table}")

    return seen


def test_the_models_and_the_migrations_agree_branch_by_branch(app):
    # Alembic's check autogenerates each branch against the tables it owns: nothing to write.
    check_database(database.state(app).engine)


def test_a_fresh_database_gets_the_core_then_every_plugin_and_loses_them_in_reverse(empty_database):
    created = ddl(empty_database)
    upgrade_database(empty_database)  # every plugin installed here, found through its entry point

    installed = {branch.name for branch in installed_branches()[1:]}
    core, plugins_tables = core_tables(), set(Base.metadata.tables) - core_tables()
    assert {"office365", "hosting"} <= installed and BUILT_IN_TABLES <= plugins_tables
    assert tables(empty_database) >= set(Base.metadata.tables)
    versions = database_versions(empty_database)
    assert versions.keys() == {"core", *installed} and all(versions.values())
    assert (versions["core"], versions["office365"], versions["hosting"]) == ((CORE_HEAD,), (OFFICE365_HEAD,),
                                                                              (HOSTING_HEAD,))
    assert max(created.index(f"create {table}") for table in core) < min(
        created.index(f"create {table}") for table in plugins_tables
    )

    created.clear()
    downgrade_database(empty_database, "base")

    assert tables(empty_database) == {"alembic_version", *(f"alembic_version_{name}" for name in installed)}
    assert not any(database_versions(empty_database).values())
    dropped = created
    assert max(dropped.index(f"drop {table}") for table in plugins_tables) < min(
        dropped.index(f"drop {table}") for table in core
    )

    upgrade_database(empty_database)
    assert tables(empty_database) >= set(Base.metadata.tables)


def test_upgrading_twice_changes_nothing(empty_database):
    upgrade_database(empty_database)
    created = ddl(empty_database)
    upgrade_database(empty_database)
    assert created == []


def test_a_removed_plugin_keeps_its_tables_and_the_upgrade_goes_on(empty_database):
    upgrade_database(empty_database, plugins=plugin_manager(plugins.office365, plugins.hosting))
    without_hosting = plugin_manager(plugins.office365)

    upgrade_database(empty_database, plugins=without_hosting)

    assert {"hosting_websites", "office365_tenants"} <= tables(empty_database)
    assert database_versions(empty_database)["hosting"] == (HOSTING_HEAD,)

    # Installed again, it carries on from where its own table says it stands.
    created = ddl(empty_database)
    upgrade_database(empty_database, plugins=plugin_manager(plugins.office365, plugins.hosting))
    assert created == []


def test_a_plugin_added_later_gets_its_tables_on_the_next_upgrade(empty_database):
    upgrade_database(empty_database, plugins=plugin_manager(plugins.office365))
    assert "hosting_websites" not in tables(empty_database)
    assert "alembic_version_hosting" not in tables(empty_database)

    upgrade_database(empty_database, plugins=plugin_manager(plugins.office365, plugins.hosting))

    assert "hosting_websites" in tables(empty_database)
    assert database_versions(empty_database)["hosting"] == (HOSTING_HEAD,)


@pytest.mark.parametrize(("recorded", "missing"), [(HOSTING_HEAD, set()), (OFFICE365_HEAD, {"hosting_websites"})])
def test_a_database_from_the_single_history_upgrades_without_recreating_tables(empty_database, recorded, missing):
    # Before plugins kept their own revisions, alembic_version held the last one applied of a single
    # line: the core's, then office365's, then hosting's.
    built_in = plugin_manager(plugins.office365, plugins.hosting)
    upgrade_database(empty_database, SINGLE_HISTORY_CORE, plugins=built_in)
    upgrade_database(empty_database, "office365@head", plugins=built_in)
    upgrade_database(empty_database, "hosting@head", plugins=built_in)
    with empty_database.begin() as connection:
        connection.execute(text("DROP TABLE alembic_version_office365"))
        connection.execute(text("DROP TABLE alembic_version_hosting"))
        for table in missing:
            connection.execute(text(f"DROP TABLE {table}"))
        connection.execute(text("UPDATE alembic_version SET version_num = :recorded"), {"recorded": recorded})
    created = ddl(empty_database)

    upgrade_database(empty_database, plugins=built_in)

    assert sorted(created) == sorted(f"create {table}" for table in missing | CORE_TABLES_SINCE)
    assert database_versions(empty_database) == {
        "core": (CORE_HEAD,), "hosting": (HOSTING_HEAD,), "office365": (OFFICE365_HEAD,),
    }


class Greetings:
    """A third plugin whose revisions live in a folder of its own, as a plugin outside this tree."""

    name = "greetings"

    def __init__(self, folder: Path) -> None:
        self.folder = folder

    @hookimpl
    def migration_versions(self) -> Path:
        return self.folder


def greetings_revision(folder: Path, revision: str, down: str | None, depends_on: str, table: str) -> None:
    folder.mkdir(exist_ok=True)
    (folder / f"{revision}_{table}.py").write_text(textwrap.dedent(f'''\
        """{table}"""
        import sqlalchemy as sa
        from alembic import op

        revision = {revision!r}
        down_revision = {down!r}
        branch_labels = {("greetings",) if down is None else None!r}
        depends_on = {depends_on!r}


        def upgrade():
            op.create_table({table!r}, sa.Column("id", sa.Integer(), primary_key=True),
                            sa.Column("account_id", sa.Integer(), sa.ForeignKey("accounts.id")))


        def downgrade():
            op.drop_table({table!r})
    '''))


@pytest.fixture
def greetings(tmp_path: Path) -> Greetings:
    """Two revisions: the first needs an older core revision than the core's head, the second the head."""
    folder = tmp_path / "greetings_migrations"
    greetings_revision(folder, "a1a1a1a1a1a1", None, "c57ca6b6eae4", "greetings_cards")
    greetings_revision(folder, "b2b2b2b2b2b2", "a1a1a1a1a1a1", CORE_HEAD, "greetings_replies")
    return Greetings(folder)


def test_a_plugin_branch_records_only_its_own_revisions(empty_database, greetings):
    upgrade_database(empty_database, plugins=plugin_manager(greetings))

    assert {"greetings_cards", "greetings_replies"} <= tables(empty_database)
    assert database_versions(empty_database) == {"core": (CORE_HEAD,), "greetings": ("b2b2b2b2b2b2",)}

    downgrade_database(empty_database, "greetings@a1a1a1a1a1a1", plugins=plugin_manager(greetings))
    assert "greetings_replies" not in tables(empty_database)
    assert database_versions(empty_database) == {"core": (CORE_HEAD,), "greetings": ("a1a1a1a1a1a1",)}

    downgrade_database(empty_database, "greetings@base", plugins=plugin_manager(greetings))
    assert "greetings_cards" not in tables(empty_database)
    assert tables(empty_database) >= core_tables()
    assert database_versions(empty_database) == {"core": (CORE_HEAD,), "greetings": ()}


def test_a_removed_plugins_tables_are_never_taken_for_tables_the_core_dropped(empty_database, greetings):
    upgrade_database(empty_database, plugins=plugin_manager(plugins.office365, plugins.hosting, greetings))

    # Autogenerate finds nothing for the core to write: greetings_* belong to greetings, not installed.
    check_database(empty_database, plugins=plugin_manager(plugins.office365, plugins.hosting))


def test_the_core_is_not_taken_down_under_a_removed_plugins_tables(empty_database, greetings):
    upgrade_database(empty_database, plugins=plugin_manager(greetings))

    with pytest.raises(MigrationError, match=r"plugins no longer installed \(greetings\)"):
        downgrade_database(empty_database, "base", plugins=plugin_manager())

    assert tables(empty_database) >= core_tables() | {"greetings_cards", "greetings_replies"}


def test_a_plugin_never_runs_ahead_of_the_core_it_needs(empty_database, greetings):
    with_greetings = plugin_manager(greetings)
    upgrade_database(empty_database, "c57ca6b6eae4", plugins=with_greetings)

    with pytest.raises(MigrationError, match=f"greetings's revisions need the core's .*{CORE_HEAD}"):
        upgrade_database(empty_database, "greetings@head", plugins=with_greetings)

    assert database_versions(empty_database) == {"core": ("c57ca6b6eae4",)}
    assert not {"greetings_cards", "sign_ups"} & tables(empty_database)  # sign_ups: the core's 5f1e2a7c9b10


def test_the_core_does_not_go_below_what_an_installed_plugin_stands_on(empty_database):
    upgrade_database(empty_database)

    with pytest.raises(MigrationError, match="office365's revisions need the core's 5f1e2a7c9b10"):
        downgrade_database(empty_database, "c57ca6b6eae4")

    assert database_versions(empty_database)["core"] == (CORE_HEAD,)
    assert "sign_ups" in tables(empty_database)

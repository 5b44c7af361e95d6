"""Alembic, driven from code: the migrations are the only way the schema is created.

The core's revisions (``migrations/versions``) and each plugin's (the folder its
``migration_versions`` hook names, a branch labelled with the plugin's name) each keep their
place in a version table of their own: ``alembic_version`` for the core,
``alembic_version_<plugin>`` for a plugin. A plugin removed later is simply not migrated: its
tables and its version table stay as they are, and nothing the core migrates has to know of it
(one shared version table would hold a revision Alembic can no longer find, and refuse to run).

A plugin's revisions name the core revisions they need in ``depends_on``. The core migrates
first, then every plugin; a downgrade to ``base`` takes the plugins down before the core.
"""

from __future__ import annotations

import functools
import os
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pluggy
from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Column, Connection, Engine, MetaData, PrimaryKeyConstraint, String, Table, delete, inspect, text

from core.plugins import load_plugins

MIGRATIONS_PATH = Path(__file__).resolve().parent.parent / "migrations"
CORE = "core"
CORE_VERSION_TABLE = "alembic_version"

#: Key of the PostgreSQL advisory lock that keeps two processes from migrating at once.
_MIGRATION_LOCK = 0x0CA5CADE

#: Before plugins kept their own revisions, one history held them all: the core up to
#: 5f1e2a7c9b10, then office365's 8b3c4d5e6f70, then hosting's 9c4d5e6f7a81. A database migrated
#: then records one of those two in the core's version table; this says where each branch stands.
_SINGLE_HISTORY = {
    "8b3c4d5e6f70": {CORE: "5f1e2a7c9b10", "office365": "8b3c4d5e6f70"},
    "9c4d5e6f7a81": {CORE: "5f1e2a7c9b10", "office365": "8b3c4d5e6f70", "hosting": "9c4d5e6f7a81"},
}


class MigrationError(Exception):
    """The schema cannot be migrated as asked; the message says what to do instead."""


@dataclass(frozen=True)
class Branch:
    """A line of revisions with a version table of its own: the core's, or one plugin's."""

    name: str
    versions: Path

    @property
    def is_core(self) -> bool:
        return self.name == CORE

    @property
    def version_table(self) -> str:
        return version_table_of(self.name)

    @property
    def version_locations(self) -> list[Path]:
        # A plugin's revisions depend on the core's, so Alembic reads both to place them.
        return [self.versions] if self.is_core else [CORE_BRANCH.versions, self.versions]


CORE_BRANCH = Branch(CORE, MIGRATIONS_PATH / "versions")


def version_table_of(name: str) -> str:
    """Name the table that records where the core (``core``) or a plugin's branch stands."""
    return CORE_VERSION_TABLE if name == CORE else f"{CORE_VERSION_TABLE}_{name}"


def installed_branches(plugins: pluggy.PluginManager | None = None) -> list[Branch]:
    """Return the core's branch, then each installed plugin's that names a folder, by plugin name."""
    manager = load_plugins() if plugins is None else plugins
    found = []
    for impl in manager.hook.migration_versions.get_hookimpls():
        if (folder := impl.function()) is not None:
            found.append(Branch(impl.plugin_name, Path(folder)))
    return [CORE_BRANCH, *sorted(found, key=lambda branch: branch.name)]


def _migratable(branches: list[Branch]) -> list[Branch]:
    """The branches with revisions: a plugin's folder is empty until its first is written."""
    return [branch for branch in branches if branch.is_core or _has_revisions(branch)]


def alembic_config(connection: Connection, branch: Branch = CORE_BRANCH) -> Config:
    """Alembic's configuration for migrating ``branch`` on ``connection`` (read by migrations/env.py)."""
    config = Config()
    config.set_main_option("script_location", _escaped(MIGRATIONS_PATH))
    config.set_main_option("path_separator", "os")
    config.set_main_option("version_locations", _escaped(*branch.version_locations))
    config.attributes["connection"] = connection
    config.attributes["version_table"] = branch.version_table
    config.attributes["include_object"] = _tables_of(branch, _plugin_names(connection))
    return config


def upgrade_database(engine: Engine, revision: str = "head", *, plugins: pluggy.PluginManager | None = None) -> None:
    """Migrate the database up to ``revision``, one process at a time.

    ``head`` (or ``heads``) migrates the core, then every installed plugin. Any other revision is
    the core's, or a plugin's written ``<plugin>@<revision>`` (or its bare revision id).
    """
    branches = _migratable(installed_branches(plugins))
    with _migrating(engine) as connection:
        _adopt_single_history(connection)
        if revision in ("head", "heads"):
            steps = [(branch, "heads" if branch.is_core else f"{branch.name}@head") for branch in branches]
        else:
            steps = [(_branch_of(revision, branches), revision)]
        for branch, target in steps:
            _run(connection, branch, command.upgrade, target)
        _check_dependencies(connection, branches)


def downgrade_database(engine: Engine, revision: str, *, plugins: pluggy.PluginManager | None = None) -> None:
    """Migrate the database down to ``revision``: ``base`` removes every plugin's tables, then the core's."""
    branches = _migratable(installed_branches(plugins))
    with _migrating(engine) as connection:
        _adopt_single_history(connection)
        if revision == "base":
            _refuse_leaving_uninstalled_tables(connection, branches)
            steps = [(branch, "base" if branch.is_core else f"{branch.name}@base") for branch in reversed(branches)]
        else:
            steps = [(_branch_of(revision, branches), revision)]
        for branch, target in steps:
            _run(connection, branch, command.downgrade, target)
        _check_dependencies(connection, branches)


def database_versions(engine: Engine) -> dict[str, tuple[str, ...]]:
    """Where the core and each plugin that ever migrated here stand, installed or not, by branch name."""
    with engine.connect() as connection:
        names = [CORE, *sorted(_recorded_plugins(connection))]
        return {name: _heads(connection, version_table_of(name)) for name in names}


def check_database(engine: Engine, *, plugins: pluggy.PluginManager | None = None) -> None:
    """Raise Alembic's ``AutogenerateDiffsDetected`` when a branch's models and tables differ."""
    with engine.begin() as connection:
        for branch in _migratable(installed_branches(plugins)):
            _run(connection, branch, command.check)


def create_revision(engine: Engine, message: str, *, plugin: str | None = None,
                    plugins: pluggy.PluginManager | None = None) -> Path:
    """Write a migration with the differences autogenerate finds between models and schema.

    The revision is the core's, or with ``plugin`` that plugin's: the next on its branch, or the
    first (labelled with its name) in the folder its ``migration_versions`` hook names. Either
    compares only the tables it owns: a plugin's are those named ``<plugin>_...``.
    """
    branch = _plugin_branch(plugin, installed_branches(plugins)) if plugin else CORE_BRANCH
    with engine.begin() as connection:
        config = alembic_config(connection, branch)
        if branch.is_core:
            scripts = command.revision(config, message=message, autogenerate=True)
        else:
            branch.versions.mkdir(parents=True, exist_ok=True)
            placement = {"head": f"{branch.name}@head"} if _has_revisions(branch) else {
                "head": "base", "branch_label": branch.name}
            with _core_heads_visible(connection, branch):
                scripts = command.revision(config, message=message, autogenerate=True,
                                           version_path=str(branch.versions), depends_on=_core_needs(branch),
                                           **placement)
    _branch_script.cache_clear()
    written = scripts[0] if isinstance(scripts, list) else scripts
    assert written is not None
    return Path(written.path)


def _core_needs(branch: Branch) -> list[str] | None:
    """The core revisions a new revision of ``branch`` depends on: the core's heads, unless implied already."""
    implied = set()
    if _has_revisions(branch):
        below = _branch_script(branch).iterate_revisions(f"{branch.name}@head", "base")
        implied = {revision.revision for revision in below}
    return [head for head in _core_script().get_heads() if head not in implied] or None


def _run(connection: Connection, branch: Branch, action: Callable[..., None], *target: str) -> None:
    config = alembic_config(connection, branch)
    if branch.is_core:
        action(config, *target)
        return
    with _core_heads_visible(connection, branch):
        action(config, *target)


@contextmanager
def _core_heads_visible(connection: Connection, branch: Branch) -> Iterator[None]:
    """Show Alembic the core's current revisions in a plugin's version table while its branch migrates.

    Alembic reads one version table per run. The plugin's revisions depend on core revisions that
    only the core's table records: without them Alembic would run the core's revisions again, and
    could not tell where the plugin's branch leaves the core's when it goes down. So the core's
    heads are copied in for the run, as if both shared a table, and every core revision is taken
    out again afterwards: the plugin's table keeps only the plugin's own.
    """
    table = _version_table(branch.version_table)
    table.create(connection, checkfirst=True)
    # A core head the plugin's own revisions already stand on is implied, as Alembic would keep it.
    own_heads = _heads(connection, branch.version_table)
    implied = {revision.revision for revision in _branch_script(branch).iterate_revisions(own_heads, "base")}
    seeded = [head for head in _heads(connection, CORE_VERSION_TABLE) if head not in implied]
    if seeded:
        connection.execute(table.insert(), [{"version_num": head} for head in seeded])
    yield
    core_revisions = {revision.revision for revision in _core_script().walk_revisions()}
    connection.execute(delete(table).where(table.c.version_num.in_(core_revisions)))


def _check_dependencies(connection: Connection, branches: list[Branch]) -> None:
    """Refuse (rolling back) a state where a plugin's revisions stand on core revisions not applied."""
    core = _core_script()
    core_heads = _heads(connection, CORE_VERSION_TABLE)
    applied = {revision.revision for revision in core.iterate_revisions(core_heads, "base")} if core_heads else set()
    unmet = []
    for branch in branches[1:]:
        if not (heads := _heads(connection, branch.version_table)):
            continue
        needed = {revision.revision for revision in _branch_script(branch).iterate_revisions(heads, "base")
                  if Path(revision.path).parent == CORE_BRANCH.versions}
        if missing := needed - applied:
            unmet.append(f"{branch.name}'s revisions need the core's {', '.join(sorted(missing))} "
                         f"(or take {branch.name} down first: cascade db downgrade {branch.name}@base)")
    if unmet:
        raise MigrationError(f"nothing migrated: {'; '.join(unmet)}")


def _refuse_leaving_uninstalled_tables(connection: Connection, branches: list[Branch]) -> None:
    """Refuse to take the core down under tables of plugins no longer installed (they refer to it)."""
    installed = {branch.name for branch in branches}
    if left := sorted(name for name in _recorded_plugins(connection) - installed
                      if _heads(connection, version_table_of(name))):
        raise MigrationError(
            f"nothing migrated: tables of plugins no longer installed ({', '.join(left)}) stand on the core's; "
            "install each again and take it down first (cascade db downgrade PLUGIN@base)"
        )


def _adopt_single_history(connection: Connection) -> None:
    """Give each branch its place when the core's table still records the single history's end."""
    heads = _heads(connection, CORE_VERSION_TABLE)
    if len(heads) != 1 or heads[0] not in _SINGLE_HISTORY:
        return
    for name, revision in _SINGLE_HISTORY[heads[0]].items():
        table = _version_table(version_table_of(name))
        table.create(connection, checkfirst=True)
        connection.execute(delete(table))
        connection.execute(table.insert(), [{"version_num": revision}])


def _branch_of(revision: str, branches: list[Branch]) -> Branch:
    """Which branch ``revision`` speaks of: ``<plugin>@...``, a plugin's revision id, else the core."""
    name, at, _ = revision.partition("@")
    if at:
        return _plugin_branch(name, branches)
    for branch in branches[1:]:
        if _has_revisions(branch) and any(
            script.revision.startswith(revision) for script in _branch_script(branch).walk_revisions()
            if Path(script.path).parent == branch.versions
        ):
            return branch
    return CORE_BRANCH


def _plugin_branch(name: str, branches: list[Branch]) -> Branch:
    for branch in branches[1:]:
        if branch.name == name:
            return branch
    raise MigrationError(f"no installed plugin named {name!r} has migrations (its migration_versions hook names none)")


def _has_revisions(branch: Branch) -> bool:
    return branch.versions.is_dir() and any(branch.versions.glob("*.py"))


@functools.cache
def _branch_script(branch: Branch) -> ScriptDirectory:
    """The revisions ``branch`` reads, loaded once per process (``create_revision`` forgets them)."""
    return ScriptDirectory(str(MIGRATIONS_PATH), version_locations=[str(path) for path in branch.version_locations])


def _core_script() -> ScriptDirectory:
    return _branch_script(CORE_BRANCH)


def _tables_of(branch: Branch, plugin_names: set[str]) -> Callable[..., bool]:
    """Autogenerate's filter: the tables ``branch`` owns (a plugin's are named ``<plugin>_...``).

    Tables of plugins removed since are known by their version tables, so a core revision never
    drops them.
    """
    prefixes = {f"{name}_": name for name in plugin_names | ({branch.name} - {CORE})}

    def include_object(_object: object, name: str | None, type_: str, _reflected: bool, _compare_to: object) -> bool:
        if type_ != "table" or name is None:
            return True
        if name == CORE_VERSION_TABLE or name.startswith(f"{CORE_VERSION_TABLE}_"):
            return False
        owner = next((plugin for prefix, plugin in prefixes.items() if name.startswith(prefix)), CORE)
        return owner == branch.name

    return include_object


def _plugin_names(connection: Connection) -> set[str]:
    """The plugins installed now, and those whose version table shows they once migrated here."""
    return _recorded_plugins(connection) | {branch.name for branch in installed_branches()[1:]}


def _recorded_plugins(connection: Connection) -> set[str]:
    return {
        table.removeprefix(f"{CORE_VERSION_TABLE}_")
        for table in inspect(connection).get_table_names()
        if table.startswith(f"{CORE_VERSION_TABLE}_")
    }


def _heads(connection: Connection, version_table: str) -> tuple[str, ...]:
    return MigrationContext.configure(connection, opts={"version_table": version_table}).get_current_heads()


def _version_table(name: str) -> Table:
    """The table Alembic keeps its place in, as Alembic itself defines it."""
    return Table(name, MetaData(), Column("version_num", String(32), nullable=False),
                 PrimaryKeyConstraint("version_num", name=f"{name}_pkc"))


def _escaped(*paths: Path) -> str:
    """``paths`` as one configuration value (configparser reads ``%`` as interpolation)."""
    return os.pathsep.join(str(path) for path in paths).replace("%", "%%")


@contextmanager
def _migrating(engine: Engine) -> Iterator[Connection]:
    """A transaction to migrate in, alone.

    On SQLite, Alembic alters a table by copying it, which foreign keys would forbid; they are
    switched off for the migration (which SQLite only allows outside a transaction) and every
    reference is checked before the commit.
    """
    with engine.connect() as connection:
        sqlite = connection.dialect.name == "sqlite"
        if sqlite:
            connection.connection.dbapi_connection.execute("PRAGMA foreign_keys=OFF")  # type: ignore[union-attr]
        try:
            with connection.begin():
                if connection.dialect.name == "postgresql":
                    connection.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": _MIGRATION_LOCK})
                yield connection
                if sqlite and (broken := connection.exec_driver_sql("PRAGMA foreign_key_check").all()):
                    raise RuntimeError(f"migration left broken references: {broken[:5]}")
        finally:
            if sqlite:
                connection.connection.dbapi_connection.execute("PRAGMA foreign_keys=ON")  # type: ignore[union-attr]

"""``cascade db``: the schema, through Alembic migrations only (the core's and each plugin's)."""

from __future__ import annotations

import click
from flask.cli import with_appcontext

from bss.migrations import (
    CORE,
    MigrationError,
    create_revision,
    database_versions,
    downgrade_database,
    installed_branches,
    upgrade_database,
)
from web.database import db

group = click.Group("db", help="Migrate the database schema: the core's, then every installed plugin's.")


@group.command("upgrade")
@click.argument("revision", default="head")
@with_appcontext
def upgrade_command(revision: str) -> None:
    """Migrate the database to REVISION: by default the core's latest, then every plugin's.

    REVISION is the core's, or a plugin's as PLUGIN@REVISION (office365@head).
    """
    try:
        upgrade_database(db.engine, revision)
    except MigrationError as error:
        raise click.ClickException(str(error)) from error
    _echo_versions()


@group.command("downgrade")
@click.argument("revision")
@with_appcontext
def downgrade_command(revision: str) -> None:
    """Migrate the database down to REVISION ("base" removes every plugin's tables, then the core's).

    REVISION is the core's, or a plugin's as PLUGIN@REVISION (office365@base removes its tables).
    """
    try:
        downgrade_database(db.engine, revision)
    except MigrationError as error:
        raise click.ClickException(str(error)) from error
    _echo_versions()


@group.command("revision")
@click.option("-m", "--message", required=True, help="What the migration changes.")
@click.option("--plugin", metavar="NAME", help="Write it on this plugin's branch, in its own folder.")
@with_appcontext
def revision_command(message: str, plugin: str | None) -> None:
    """Write a migration for the model changes the database does not have yet.

    Without --plugin it is the core's, and compares only the core's tables; with it, the
    plugin's, comparing only the plugin's own (named PLUGIN_...).
    """
    try:
        create_revision(db.engine, message, plugin=plugin)  # Alembic says which file it wrote
    except MigrationError as error:
        raise click.ClickException(str(error)) from error


def _echo_versions() -> None:
    """Print where the core and each plugin stand; a plugin no longer installed keeps its tables."""
    installed = {branch.name for branch in installed_branches()}
    versions = database_versions(db.engine)
    width = max(map(len, versions))
    for name, heads in versions.items():
        where = ", ".join(heads) or "no tables"
        if name != CORE and name not in installed:
            where += " (not installed: its tables are left as they are)"
        click.echo(f"{name:<{width}}  {where}")

"""``cascade db``: the schema, through Alembic migrations only."""

from __future__ import annotations

import click
from flask.cli import with_appcontext

from bss.migrations import create_revision, downgrade_database, upgrade_database
from web.database import db

group = click.Group("db", help="Migrate the database schema.")


@group.command("upgrade")
@click.argument("revision", default="head")
@with_appcontext
def upgrade_command(revision: str) -> None:
    """Migrate the database to REVISION (the latest by default)."""
    upgrade_database(db.engine, revision)
    click.echo(f"Database at {revision}.")


@group.command("downgrade")
@click.argument("revision")
@with_appcontext
def downgrade_command(revision: str) -> None:
    """Migrate the database down to REVISION ("base" removes every table)."""
    downgrade_database(db.engine, revision)
    click.echo(f"Database at {revision}.")


@group.command("revision")
@click.option("-m", "--message", required=True, help="What the migration changes.")
@with_appcontext
def revision_command(message: str) -> None:
    """Write a migration for the model changes the database does not have yet."""
    create_revision(db.engine, message)

"""``cascade catalog``: the "Get Services Definition" step, from plugins to rows."""

from __future__ import annotations

import click
from flask.cli import with_appcontext

from core.plugins import product_types
from core.services.catalog import SyncReport, sync_catalog
from web.database import db

group = click.Group("catalog", help="Keep the catalog in step with the plugins.")


def run_catalog_sync() -> SyncReport:
    """Sync the catalog from the registered plugins and commit."""
    report = sync_catalog(db.session, product_types())
    db.session.commit()
    return report


@group.command("sync")
@with_appcontext
def sync_command() -> None:
    """Create, update and retire products and plans to match what the plugins declare."""
    report = run_catalog_sync()
    for label, keys in (("created", report.created), ("updated", report.updated), ("retired", report.retired)):
        for key in keys:
            click.echo(f"{label:8} {key}")
    if not report.changed:
        click.echo(f"Catalog up to date ({len(report.unchanged)} products and plans).")

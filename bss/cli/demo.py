"""``cascade demo``: demo data for trying Cascade out."""

from __future__ import annotations

import click
from flask import current_app
from flask.cli import with_appcontext

from bss.extensions import db
from core.services.demo import has_data, load_demo

group = click.Group("demo", help="Demo data.")


def load_demo_data() -> list[str]:
    """Load the demo into an empty database, commit, and return a line per account created."""
    accounts = load_demo(db.session)
    db.session.commit()
    return [f"{account.kind:12} {account.name} ({account.slug})" for account in accounts]


@group.command("load")
@with_appcontext
def load_command() -> None:
    """Fill an empty database with a demo distributor, its resellers and their customers."""
    if current_app.config["CASCADE_ENV"] == "production":
        raise click.ClickException("demo data is never loaded into a production platform")
    if has_data(db.session):
        raise click.ClickException("the database already holds data: demo data only goes into an empty one")
    for line in load_demo_data():
        click.echo(line)

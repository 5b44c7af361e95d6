"""``cascade demo``: demo data for trying Cascade out."""

from __future__ import annotations

import click
from flask import current_app
from flask.cli import with_appcontext

from core.services.demo import DEMO_PASSWORD, has_data, load_demo
from core.services.demo_activity import load_demo_activity
from web.database import db

group = click.Group("demo", help="Demo data.")


def load_demo_data() -> list[str]:
    """Load the demo into an empty database, commit, and return a line per demo login."""
    logins = load_demo(db.session)
    load_demo_activity(db.session)
    db.session.commit()
    width = max(len(login.email) for login in logins)
    return [f"Demo logins (password {DEMO_PASSWORD}):"] + [
        f"  {login.email:{width}}  {', '.join(login.accounts)}" for login in logins
    ]


@group.command("load")
@with_appcontext
def load_command() -> None:
    """Fill an empty database with a demo distributor, its resellers, their customers, people and orders."""
    if current_app.config["CASCADE_ENV"] == "production":
        raise click.ClickException("demo data is never loaded into a production platform")
    if has_data(db.session):
        raise click.ClickException("the database already holds data: demo data only goes into an empty one")
    for line in load_demo_data():
        click.echo(line)

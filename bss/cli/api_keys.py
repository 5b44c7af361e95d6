"""``cascade apikey``: keys for scripts and integrations, made from the command line."""

from __future__ import annotations

import click
from flask.cli import with_appcontext
from sqlalchemy import select

from core.models.accounts import Account
from core.models.people import Membership, Team, User
from core.services.api_keys import create_api_key
from core.services.people import normalise_email
from web.database import db

group = click.Group("apikey", help="API keys.")


@group.command("create")
@click.option("--account", "slug", required=True, help="Slug of the account the key acts for.")
@click.option("--email", required=True, help="The person the key belongs to; they must be in one of its teams.")
@click.option("--team", "team_name", help="Which of their teams (default: the owner team if they are in it).")
@click.option("--name", default="Command line", show_default=True, help="What the key is for.")
@with_appcontext
def create_command(slug: str, email: str, team_name: str | None, name: str) -> None:
    """Make a key and print it (once: only its hash is kept)."""
    account = db.session.scalar(select(Account).where(Account.slug == slug))
    if account is None:
        raise click.BadParameter(f"no account with slug {slug!r}", param_hint="--account")
    user = db.session.scalar(select(User).where(User.email == normalise_email(email)))
    teams = (
        list(
            db.session.scalars(
                select(Team)
                .join(Membership)
                .where(Team.account_id == account.id, Membership.user_id == user.id)
                .order_by(Team.is_owner.desc(), Team.name)
            )
        )
        if user
        else []
    )
    if not teams:
        raise click.BadParameter(f"{email} is not in any team of {account.name}", param_hint="--email")
    team = next((t for t in teams if t.name == team_name), None) if team_name else teams[0]
    if team is None:
        raise click.BadParameter(f"{email} is not in a team named {team_name!r}", param_hint="--team")
    new_key = create_api_key(db.session, user=user, team=team, name=name)
    db.session.commit()
    click.echo(new_key.secret)
    click.echo(f"Acts for {account.name} as team {team.name}. Keep it secret: it is not shown again.", err=True)

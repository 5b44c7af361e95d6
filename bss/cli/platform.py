"""``cascade distributor`` and ``cascade operator``: what the platform operator runs."""

from __future__ import annotations

import click
from flask.cli import with_appcontext
from sqlalchemy import select

from core.errors import ValidationError
from core.models.accounts import Account, AccountKind
from core.models.people import User
from core.services.accounts import create_account
from core.services.distributors import set_distributor_programme
from core.services.people import add_member, create_user, normalise_email, owner_team
from web.database import db

distributor_group = click.Group("distributor", help="Distributors on this platform.")
operator_group = click.Group("operator", help="Platform operators.")


def _fail(error: ValidationError) -> click.ClickException:
    return click.ClickException("; ".join(f"{field}: {' '.join(msgs)}" for field, msgs in error.fields.items()))


def _distributor(slug: str) -> Account:
    account = db.session.scalar(select(Account).where(Account.slug == slug, Account.kind == AccountKind.DISTRIBUTOR))
    if account is None:
        raise click.BadParameter(f"no distributor with slug {slug!r}", param_hint="SLUG")
    return account


programme_options = [
    click.option("--tier", help="e.g. silver, gold, diamond, diamond-distribution."),
    click.option("--addon", "addons", multiple=True, help="An active add-on, e.g. standard-edition-resellers (repeat)."),
    click.option("--service-manager/--no-service-manager", default=None, help="Whether the Service Manager is activated."),
]


def with_programme_options(command):  # type: ignore[no-untyped-def]
    for option in reversed(programme_options):
        command = option(command)
    return command


@distributor_group.command("create")
@click.option("--name", required=True)
@click.option("--slug", required=True)
@click.option("--owner-email", required=True, help="The distributor's first administrator.")
@with_programme_options
@with_appcontext
def create_command(
    name: str, slug: str, owner_email: str, tier: str | None, addons: tuple[str, ...], service_manager: bool | None
) -> None:
    """Add a distributor and its first administrator."""
    try:
        account = create_account(db.session, kind=AccountKind.DISTRIBUTOR, name=name, slug=slug)
        set_distributor_programme(
            db.session, account=account, by=None, tier=tier, addons=addons,
            service_manager_active=bool(service_manager),
        )
        user = db.session.scalar(select(User).where(User.email == normalise_email(owner_email)))
        new_person = user is None
        if user is None:
            user = create_user(db.session, email=owner_email, name=owner_email.split("@")[0])
        add_member(db.session, owner_team(db.session, account), user)
    except ValidationError as error:
        raise _fail(error) from None
    db.session.commit()
    click.echo(f"Distributor {account.name} ({account.slug}) created; {user.email} administers it.")
    if new_person:
        click.echo(f"{user.email} has no password yet: they set one with 'Forgot your password?' on the sign-in page.")


@distributor_group.command("set")
@click.argument("slug")
@with_programme_options
@with_appcontext
def set_command(slug: str, tier: str | None, addons: tuple[str, ...], service_manager: bool | None) -> None:
    """Change a distributor's tier, add-ons or Service Manager; options left out stay as they are."""
    account = _distributor(slug)
    try:
        set_distributor_programme(
            db.session,
            account=account,
            by=None,
            tier=tier if tier is not None else account.tier,
            addons=addons or account.addons,
            service_manager_active=account.service_manager_active if service_manager is None else service_manager,
        )
    except ValidationError as error:
        raise _fail(error) from None
    db.session.commit()
    click.echo(
        f"{account.name}: tier {account.tier or '-'}, add-ons {', '.join(account.addons) or '-'}, "
        f"Service Manager {'activated' if account.service_manager_active else 'not activated'}."
    )


@operator_group.command("grant")
@click.argument("email")
@with_appcontext
def grant_command(email: str) -> None:
    """Make a person a platform operator."""
    user = db.session.scalar(select(User).where(User.email == normalise_email(email)))
    if user is None:
        raise click.BadParameter(f"nobody has the email {email}", param_hint="EMAIL")
    user.platform_operator = True
    db.session.commit()
    click.echo(f"{user.email} is a platform operator.")

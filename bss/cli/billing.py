"""``cascade billing``: invoicing by hand what beat invoices every hour, and invoices out for accounting."""

from __future__ import annotations

from datetime import date, datetime

import click
from flask.cli import with_appcontext
from sqlalchemy import select

from core.models.accounts import Account
from core.services.accounting_export import DEFAULT_ACCOUNT_CODE, ExportLayout, export_invoices
from core.services.billing_run import run_billing
from core.services.invoice_notices import announce_all
from web.database import db

group = click.Group("billing", help="Invoice the months that are over; export the invoices for accounting.")


@group.command("run")
@click.option("--as-of", "as_of", type=click.DateTime(formats=["%Y-%m-%d"]), default=None,
              help="Run as on this day (YYYY-MM-DD): what was charged before its month is invoiced. Default: today.")
@with_appcontext
def run_command(as_of: datetime | None) -> None:
    """Close the month before into invoices, one per seller, account and currency, and email them.

    Running it again, or beside another run, invoices nothing twice; a run stopped halfway
    goes on where it stopped.
    """
    day: date | None = as_of.date() if as_of else None
    with click.progressbar(length=0, label="Invoicing", show_pos=True) as bar:
        def advance(done: int, total: int) -> None:
            bar.length = total
            bar.update(done - bar.pos)

        result = run_billing(db.session, day, progress=advance)
    announced = announce_all(db.session)
    click.echo(f"Invoices written for {result.period_start:%B %Y}: {result.invoices} ({result.lines} lines); "
               f"{announced} emailed to their recipients.")


@group.command("export")
@click.option("--issuer", "slug", required=True, help="The slug of the seller whose invoices these are.")
@click.option("--period", required=True, type=click.DateTime(formats=["%Y-%m"]), help="The month invoiced (YYYY-MM).")
@click.option("--layout", type=click.Choice([layout.value for layout in ExportLayout]),
              default=ExportLayout.XERO.value, show_default=True,
              help="xero: the columns Xero's sales invoice import reads; plain: every field, ISO dates.")
@click.option("--account-code", default=DEFAULT_ACCOUNT_CODE, show_default=True,
              help="The Xero sales account the lines are coded to.")
@with_appcontext
def export_command(slug: str, period: datetime, layout: str, account_code: str) -> None:
    """Print a month of a seller's invoices as CSV, one row per line, for its accounting."""
    issuer = db.session.scalar(select(Account).where(Account.slug == slug))
    if issuer is None:
        raise click.BadParameter(f"there is no account {slug!r}", param_hint="'--issuer'")
    click.echo(export_invoices(db.session, issuer=issuer, period_start=period.date(), layout=ExportLayout(layout),
                               account_code=account_code), nl=False)

"""``cascade billing``: invoicing by hand what beat invoices every day."""

from __future__ import annotations

from datetime import date, datetime

import click
from flask.cli import with_appcontext

from core.services.billing_run import run_billing
from web.database import db

group = click.Group("billing", help="Invoice the charges of the months that are over.")


@group.command("run")
@click.option("--as-of", "as_of", type=click.DateTime(formats=["%Y-%m-%d"]), default=None,
              help="Run as on this day (YYYY-MM-DD): what was charged before its month is invoiced. Default: today.")
@with_appcontext
def run_command(as_of: datetime | None) -> None:
    """Close the month before into invoices, one per seller, account and currency.

    Running it again, or beside another run, invoices nothing twice; a run stopped halfway
    goes on where it stopped.
    """
    day: date | None = as_of.date() if as_of else None
    with click.progressbar(length=0, label="Invoicing", show_pos=True) as bar:
        def advance(done: int, total: int) -> None:
            bar.length = total
            bar.update(done - bar.pos)

        result = run_billing(db.session, day, progress=advance)
    click.echo(f"Invoices written for {result.period_start:%B %Y}: {result.invoices} ({result.lines} lines).")

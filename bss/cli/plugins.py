"""``cascade plugins``: what is installed."""

from __future__ import annotations

import click
from flask.cli import with_appcontext

from core.plugins import plugin_infos

group = click.Group("plugins", help="Installed plugins.")


@group.command("list")
@with_appcontext
def list_command() -> None:
    """Show each plugin with its version and the product types it registers."""
    infos = plugin_infos()
    width = max((len(info.name) for info in infos), default=0)
    for info in infos:
        types = ", ".join(product_type.key for product_type in info.product_types) or "-"
        click.echo(f"{info.name:{width}}  {info.version or '-':8}  {types}")

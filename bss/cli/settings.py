"""``cascade settings``: the settings the installed plugins declare."""

from __future__ import annotations

import click
from flask.cli import with_appcontext

from core.settings import declared_settings

group = click.Group("settings", help="Settings the plugins declare.")


@group.command("list")
@with_appcontext
def list_command() -> None:
    """Show each plugin setting with its default and what it does (the app has already checked their values)."""
    for setting in declared_settings().values():
        click.echo(f"{setting.name}  (default: {_written(setting.default)})\n    {setting.help}")


def _written(value: object) -> str:
    """A default as one would write it in the variable."""
    if isinstance(value, tuple):
        return ",".join(str(part) for part in value)
    return str(value)

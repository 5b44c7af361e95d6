"""The ``cascade`` command: a Flask CLI group over the app factory.

Commands that work on data are registered on ``app.cli`` by the factory
(``register_commands``), so ``cascade`` and Flask's test runner see the same ones. The
long-running processes hang on the group itself (see ``bss.cli.processes``).
"""

from __future__ import annotations

import sys

import click
from flask import Flask
from flask.cli import FlaskGroup, routes_command, shell_command

from bss.cli import processes, simulators
from core.plugins import pm
from core.settings import ConfigError


def register_commands(app: Flask) -> None:
    from bss.cli import api_keys, billing, catalog, database, demo, platform, plugins, settings, support

    for command in (
        database.group,
        catalog.group,
        billing.group,
        demo.group,
        plugins.group,
        settings.group,
        api_keys.group,
        support.group,
        platform.distributor_group,
        platform.operator_group,
        *(command for found in pm.hook.cli_commands() for command in found or ()),
    ):
        app.cli.add_command(command)


def _create_cli_app() -> Flask:
    from bss.app import create_app

    try:
        app = create_app()
    except ConfigError as error:
        click.echo(f"cascade: {error}", err=True)
        sys.exit(2)
    # SQLite files, the email folder and the beat schedule live here.
    app.config["CASCADE_INSTANCE_PATH"].mkdir(parents=True, exist_ok=True)
    return app


cli = FlaskGroup(
    name="cascade",
    help="Cascade, the BSS marketplace for cloud distribution.",
    create_app=_create_cli_app,
    add_default_commands=False,  # Flask's own ``run`` would shadow Cascade's
    load_dotenv=False,
)
for command in (*processes.commands, simulators.simulator_command, shell_command, routes_command):
    cli.add_command(command)


def main() -> None:
    cli.main(prog_name="cascade")

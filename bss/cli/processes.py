"""The long-running processes: web server, Celery worker, beat, and ``run`` that starts them all
(with the plugins' vendor simulators).

They hang on the ``cascade`` group itself, not on ``app.cli``: Flask pushes an app context
around app commands, and a server started inside one would make every request share it (and
share its database session and transaction).
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path
from types import FrameType
from typing import Any

import click
from flask import Flask
from flask.cli import ScriptInfo, pass_script_info

from bss.cli.catalog import run_catalog_sync
from bss.cli.demo import load_demo_data
from bss.migrations import upgrade_database
from core.services.demo import has_data
from plugin_kit.simulators import simulators_to_start
from web.database import db

HOST = "127.0.0.1"
#: How long children get to finish their work after Ctrl-C before they are killed.
SHUTDOWN_SECONDS = 15
#: How long the vendor simulators get to start listening.
SIMULATOR_START_SECONDS = 20

port_option = click.option(
    "--port",
    type=click.IntRange(1, 65535),
    default=lambda: int(os.environ.get("PORT", "5000")),
    show_default="$PORT or 5000",
    help="Port to listen on (127.0.0.1).",
)


@click.command("run")
@port_option
@pass_script_info
def run_command(info: ScriptInfo, port: int) -> None:
    """Start the local vendor simulators, migrate, sync the catalog, load the demo into an empty
    database, then start web, worker and beat."""
    app = info.load_app()
    # First: the demo's orders are provisioned against them.
    local = simulators_to_start()
    # Each keeps its state in the instance folder, so that a restart finds what the database speaks of.
    kept = Path(app.instance_path) / "simulators"
    simulators = _start({f"{simulator.name} simulator": ["simulator", simulator.name, "--port", str(listens_on),
                                                         "--state", str(kept / f"{simulator.name}.pickle")]
                         for simulator, listens_on in local.items()})
    try:
        _wait_until_listening(simulators, list(local.values()))
        with app.app_context():
            upgrade_database(db.engine)
            report = run_catalog_sync()
            click.echo(
                f"Catalog synced: {len(report.created)} created, {len(report.updated)} updated, "
                f"{len(report.retired)} retired."
            )
            if app.config["CASCADE_ENV"] != "production" and not has_data(db.session):
                for line in load_demo_data():
                    click.echo(line)
    except BaseException:
        _stop(simulators)
        raise
    db.state(app).engine.dispose()  # the children open connections of their own
    click.echo(f"Cascade on http://{HOST}:{port}/ with a worker and beat; Ctrl-C stops them all.")
    click.echo(f"Storefronts on http://<slug>.{app.config['CASCADE_STOREFRONT_DOMAIN']}:{port}/")
    _supervise(
        simulators | _start({
            "web": ["serve", "--port", str(port)],
            "worker": ["worker"],
            "beat": ["beat"],
        })
    )


def _start(commands: dict[str, list[str]]) -> dict[str, subprocess.Popen[Any]]:
    """Start each ``cascade`` subcommand as a child."""
    return {name: subprocess.Popen([sys.executable, "-m", "bss.cli", *argv]) for name, argv in commands.items()}


def _wait_until_listening(children: dict[str, subprocess.Popen[Any]], ports: list[int]) -> None:
    """Wait until something answers on each of ``ports``; a child that ends meanwhile stops ``run``."""
    deadline = time.monotonic() + SIMULATOR_START_SECONDS
    for port in ports:
        while True:
            try:
                socket.create_connection((HOST, port), timeout=1).close()
                break
            except OSError:
                for name, child in children.items():
                    if child.poll() is not None:
                        raise click.ClickException(f"the {name} did not start (is port {port} in use?)") from None
                if time.monotonic() > deadline:
                    raise click.ClickException(f"nothing answers on port {port} after {SIMULATOR_START_SECONDS} s") from None
                time.sleep(0.1)


def _supervise(children: dict[str, subprocess.Popen[Any]]) -> None:
    """Watch the children; stop them all when one ends or on Ctrl-C."""

    def stop_requested(signum: int, _frame: FrameType | None) -> None:
        raise KeyboardInterrupt

    # Installed explicitly: a shell that starts us in the background ignores SIGINT otherwise.
    signal.signal(signal.SIGINT, stop_requested)
    signal.signal(signal.SIGTERM, stop_requested)
    try:
        while True:
            for name, child in children.items():
                if child.poll() is not None:
                    click.echo(f"cascade run: {name} exited with {child.returncode}; stopping the others.", err=True)
                    raise SystemExit(child.returncode or 1)
            time.sleep(0.5)
    except KeyboardInterrupt:
        click.echo(f"cascade run: stopping {', '.join(children)} ...")
    finally:
        _stop(children)


def _stop(children: dict[str, subprocess.Popen[Any]]) -> None:
    for child in children.values():
        if child.poll() is None:
            child.send_signal(signal.SIGTERM)
    deadline = time.monotonic() + SHUTDOWN_SECONDS
    for name, child in children.items():
        try:
            child.wait(timeout=max(deadline - time.monotonic(), 0.1))
        except subprocess.TimeoutExpired:
            click.echo(f"cascade run: {name} did not stop in time; killing it.", err=True)
            child.kill()
            child.wait()


@click.command("serve")
@port_option
@click.option("--workers", type=click.IntRange(1, 64), default=2, show_default=True, help="gunicorn worker processes.")
@pass_script_info
def serve_command(info: ScriptInfo, port: int, workers: int) -> None:
    """Serve the web app only: with gunicorn when installed, else Flask's development server."""
    app = info.load_app()
    try:
        from gunicorn.app.base import BaseApplication
    except ImportError:
        app.run(host=HOST, port=port, use_reloader=False)
        return

    class Server(BaseApplication):  # type: ignore[misc]
        def load_config(self) -> None:
            self.cfg.set("bind", f"{HOST}:{port}")
            self.cfg.set("workers", workers)
            self.cfg.set("accesslog", "-")
            self.cfg.set("graceful_timeout", SHUTDOWN_SECONDS - 5)

        def load(self) -> Flask:
            return app

    click.echo(f"Cascade web on http://{HOST}:{port}/")
    Server().run()


@click.command("worker")
@click.option("--concurrency", type=click.IntRange(1, 64), default=2, show_default=True)
@pass_script_info
def worker_command(info: ScriptInfo, concurrency: int) -> None:
    """Run a Celery worker for the configured broker (each task runs in an app context of its own)."""
    app = info.load_app()
    level = app.config["CASCADE_LOG_LEVEL"]
    app.extensions["celery"].worker_main(["worker", "--loglevel", level, "--concurrency", str(concurrency)])


@click.command("beat")
@pass_script_info
def beat_command(info: ScriptInfo) -> None:
    """Run the Celery beat scheduler (exactly one per platform)."""
    app = info.load_app()
    schedule = app.config["CASCADE_INSTANCE_PATH"] / "celerybeat-schedule"
    app.extensions["celery"].start(["beat", "--loglevel", app.config["CASCADE_LOG_LEVEL"], "--schedule", str(schedule)])


commands = (run_command, serve_command, worker_command, beat_command)

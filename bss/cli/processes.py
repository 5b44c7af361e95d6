"""The long-running processes: web server, Celery worker, beat, and ``run`` that starts all three.

They hang on the ``cascade`` group itself, not on ``app.cli``: Flask pushes an app context
around app commands, and a server started inside one would make every request share it (and
share its database session and transaction).
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from types import FrameType
from typing import Any

import click
from flask import Flask
from flask.cli import ScriptInfo, pass_script_info

from bss.cli.catalog import run_catalog_sync
from bss.cli.demo import load_demo_data
from bss.extensions import db
from bss.migrations import upgrade_database
from core.services.demo import has_data

HOST = "127.0.0.1"
#: How long children get to finish their work after Ctrl-C before they are killed.
SHUTDOWN_SECONDS = 15

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
    """Migrate, sync the catalog, load the demo into an empty database, then start web, worker and beat."""
    app = info.load_app()
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
    db.state(app).engine.dispose()  # the children open connections of their own
    click.echo(f"Cascade on http://{HOST}:{port}/ with a worker and beat; Ctrl-C stops all three.")
    click.echo(f"Storefronts on http://<slug>.{app.config['CASCADE_STOREFRONT_DOMAIN']}:{port}/")
    _supervise(
        {
            "web": ["serve", "--port", str(port)],
            "worker": ["worker"],
            "beat": ["beat"],
        }
    )


def _supervise(commands: dict[str, list[str]]) -> None:
    """Run each ``cascade`` subcommand as a child; stop them all when one ends or on Ctrl-C."""
    children = {
        name: subprocess.Popen([sys.executable, "-m", "bss.cli", *argv]) for name, argv in commands.items()
    }

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
        click.echo("cascade run: stopping web, worker and beat ...")
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

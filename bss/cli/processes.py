"""The long-running processes: web server, Celery worker, beat, and ``run`` that starts them all
(with the plugins' vendor simulators) and keeps them running: a child that dies is started again,
after a pause that grows while it keeps dying.

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
#: How long the vendor simulators get to start listening: generous, for a machine busy with other work (a CI run
#: beside other suites took more than 20 s).
SIMULATOR_START_SECONDS = 60
#: A child that dies is started again after this pause, doubled at each death in a row, up to the
#: longest; one that ran this long before dying starts the count afresh.
FIRST_RESTART_SECONDS = 1.0
LONGEST_RESTART_SECONDS = 30.0
STEADY_SECONDS = 60.0

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
    app = _load_app_on(info, port)
    # First: the demo's orders are provisioned against them.
    local = simulators_to_start()
    # Each keeps its state in the instance folder, so that a restart finds what the database speaks of.
    kept = Path(app.instance_path) / "simulators"
    children = Children({f"{simulator.name} simulator": ["simulator", simulator.name, "--port", str(listens_on),
                                                           "--state", str(kept / f"{simulator.name}.pickle")]
                           for simulator, listens_on in local.items()})
    try:
        _wait_until_listening(children, list(local.values()))
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
        children.stop()
        raise
    db.state(app).engine.dispose()  # the children open connections of their own
    click.echo(f"Cascade on http://{HOST}:{port}/ with a worker and beat; Ctrl-C stops them all.")
    click.echo(f"Storefronts on http://<slug>.{app.config['CASCADE_STOREFRONT_DOMAIN']}:{port}/")
    children.start({"web": ["serve", "--port", str(port)], "worker": ["worker"], "beat": ["beat"]})
    children.supervise()


def _load_app_on(info: ScriptInfo, port: int) -> Flask:
    """The app, knowing the port it is served on: unless ``CASCADE_BASE_URL`` says otherwise, its links (and those
    of the worker and beat started from here, which inherit ``PORT``) lead there."""
    os.environ["PORT"] = str(port)
    return info.load_app()


class Children:
    """``cascade`` subcommands run as children, each started again when it dies."""

    def __init__(self, commands: dict[str, list[str]]) -> None:
        self.commands: dict[str, list[str]] = {}
        self.processes: dict[str, subprocess.Popen[Any]] = {}
        self._started_at: dict[str, float] = {}
        self._deaths: dict[str, int] = {}
        self._restart_at: dict[str, float] = {}
        self.start(commands)

    def start(self, commands: dict[str, list[str]]) -> None:
        self.commands.update(commands)
        for name in commands:
            self._spawn(name)

    def _spawn(self, name: str) -> None:
        self.processes[name] = subprocess.Popen([sys.executable, "-m", "bss.cli", *self.commands[name]])
        self._started_at[name] = time.monotonic()
        click.echo(f"cascade run: started the {name} (pid {self.processes[name].pid}).")

    def check(self) -> None:
        """Start again each child that has died, once its pause is over."""
        now = time.monotonic()
        for name, process in self.processes.items():
            if process.poll() is None:
                continue
            if name not in self._restart_at:
                ran = now - self._started_at[name]
                deaths = 1 if ran >= STEADY_SECONDS else self._deaths.get(name, 0) + 1
                self._deaths[name] = deaths
                pause = min(FIRST_RESTART_SECONDS * 2 ** (deaths - 1), LONGEST_RESTART_SECONDS)
                self._restart_at[name] = now + pause
                click.echo(f"cascade run: the {name} exited with {process.returncode} after {ran:.0f} s; "
                           f"starting it again in {pause:.0f} s.", err=True)
            elif now >= self._restart_at[name]:
                del self._restart_at[name]
                self._spawn(name)

    def supervise(self) -> None:
        """Keep the children running until Ctrl-C (or SIGTERM), then stop them all."""

        def stop_requested(signum: int, _frame: FrameType | None) -> None:
            raise KeyboardInterrupt

        # Installed explicitly: a shell that starts us in the background ignores SIGINT otherwise.
        signal.signal(signal.SIGINT, stop_requested)
        signal.signal(signal.SIGTERM, stop_requested)
        try:
            while True:
                self.check()
                time.sleep(0.5)
        except KeyboardInterrupt:
            click.echo(f"cascade run: stopping {', '.join(self.processes)} ...")
        finally:
            self.stop()

    def stop(self) -> None:
        for process in self.processes.values():
            if process.poll() is None:
                process.send_signal(signal.SIGTERM)
        deadline = time.monotonic() + SHUTDOWN_SECONDS
        for name, process in self.processes.items():
            try:
                process.wait(timeout=max(deadline - time.monotonic(), 0.1))
            except subprocess.TimeoutExpired:
                click.echo(f"cascade run: the {name} did not stop in time; killing it.", err=True)
                process.kill()
                process.wait()


def _wait_until_listening(children: Children, ports: list[int]) -> None:
    """Wait until something answers on each of ``ports``; a child that ends meanwhile stops ``run``."""
    deadline = time.monotonic() + SIMULATOR_START_SECONDS
    for port in ports:
        while True:
            try:
                socket.create_connection((HOST, port), timeout=1).close()
                break
            except OSError:
                for name, child in children.processes.items():
                    if child.poll() is not None:
                        raise click.ClickException(f"the {name} did not start (is port {port} in use?)") from None
                if time.monotonic() > deadline:
                    raise click.ClickException(f"nothing answers on port {port} after {SIMULATOR_START_SECONDS} s") from None
                time.sleep(0.1)


@click.command("serve")
@port_option
@click.option("--workers", type=click.IntRange(1, 64), default=2, show_default=True, help="gunicorn worker processes.")
@pass_script_info
def serve_command(info: ScriptInfo, port: int, workers: int) -> None:
    """Serve the web app only: with gunicorn when installed, else Flask's development server."""
    app = _load_app_on(info, port)
    try:
        from gunicorn.app.base import BaseApplication
    except ImportError:
        app.run(host=HOST, port=port, use_reloader=False)
        return

    _send_no_server_header()

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


def _send_no_server_header() -> None:
    """gunicorn names itself in a ``Server`` header of every answer, with no setting to stop it; a
    reseller's customers must not learn what serves their shop, so its answers go without one."""
    from gunicorn.http import wsgi

    class Response(wsgi.Response):  # type: ignore[misc]
        def default_headers(self) -> list[str]:
            return [header for header in super().default_headers() if not header.startswith("Server:")]

    wsgi.Response = Response


@click.command("worker")
@click.option("--concurrency", type=click.IntRange(1, 64), default=2, show_default=True)
@click.option("-n", "--name", default=None, help="The worker's name, unique on the broker (several on one machine "
              "need one each): NAME@this host, or NAME as given when it has an @.  [default: celery@this host]")
@pass_script_info
def worker_command(info: ScriptInfo, concurrency: int, name: str | None) -> None:
    """Run a Celery worker for the configured broker (each task runs in an app context of its own)."""
    app = info.load_app()
    level = app.config["CASCADE_LOG_LEVEL"]
    argv = ["worker", "--loglevel", level, "--concurrency", str(concurrency)]
    if name:
        argv += ["--hostname", name if "@" in name else f"{name}@%h"]
    app.extensions["celery"].worker_main(argv)


@click.command("beat")
@pass_script_info
def beat_command(info: ScriptInfo) -> None:
    """Run the Celery beat scheduler (exactly one per platform)."""
    app = info.load_app()
    schedule = app.config["CASCADE_INSTANCE_PATH"] / "celerybeat-schedule"
    app.extensions["celery"].start(["beat", "--loglevel", app.config["CASCADE_LOG_LEVEL"], "--schedule", str(schedule)])


commands = (run_command, serve_command, worker_command, beat_command)

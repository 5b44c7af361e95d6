"""What the web benches share: serving an app with gunicorn, talking to it over HTTP as a browser does,
scratch PostgreSQL databases, their options, and how a figure is taken from rounds.

Run from the repository root; the benches import it as ``serving`` (``bench/`` is on their path).
"""

from __future__ import annotations

import argparse
import http.client
import os
import re
import secrets
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from http.cookies import SimpleCookie
from pathlib import Path
from urllib.parse import urlencode

from sqlalchemy import Engine
from sqlalchemy.engine import make_url
from sqlalchemy.exc import OperationalError

from core.db import make_engine
from core.services.demo import DEMO_PASSWORD

REDIS_URL = "redis://127.0.0.1:6379/0"
#: Databases a bench will never create, use or drop.
PROTECTED_DATABASES = {"test", "postgres", "root", "template0", "template1"}


@dataclass(frozen=True)
class Server:
    """A gunicorn server running: its port and its master's process id."""

    port: int
    pid: int


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def app_env(database_url: str, broker_url: str, directory: Path, site: Path | None = None) -> dict[str, str]:
    """A production environment of the app: settings set explicitly, warnings only in the log."""
    env = {key: value for key, value in os.environ.items() if not key.startswith("CASCADE_")}
    env.update({
        "CASCADE_ENV": "production",
        "CASCADE_DATABASE_URL": database_url,
        "CASCADE_BROKER_URL": broker_url,
        "CASCADE_SECRET_KEY": secrets.token_urlsafe(48),
        "CASCADE_INSTANCE_PATH": str(directory / "instance"),
        "CASCADE_LOG_LEVEL": "WARNING",
    })
    if site is not None:
        env["PYTHONPATH"] = os.pathsep.join(filter(None, (str(site), env.get("PYTHONPATH"))))
    return env


@contextmanager
def served(app: str, env: dict[str, str], workers: int, threads: int, log: Path) -> Iterator[Server]:
    """Run ``gunicorn`` on ``app`` with ``workers`` processes of ``threads`` threads for the block."""
    port = free_port()
    with open(log, "ab") as output:
        process = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "--workers", str(workers), "--threads", str(threads),
             "--bind", f"127.0.0.1:{port}", "--log-level", "warning", app],
            env=env, stdout=output, stderr=subprocess.STDOUT, start_new_session=True)
    try:
        deadline = time.monotonic() + 90
        while not _listening(port):
            if process.poll() is not None or time.monotonic() > deadline:
                raise SystemExit(f"gunicorn {app} did not start; see {log}")
            time.sleep(0.1)
        yield Server(port, process.pid)
    finally:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()


def _listening(port: int) -> bool:
    with socket.socket() as sock:
        return sock.connect_ex(("127.0.0.1", port)) == 0


def worker_pids(server: Server) -> list[int]:
    """The process ids of ``server``'s workers: the children of its master (Linux's ``/proc``)."""
    pids = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            if int(stat.read_text().rsplit(")", 1)[1].split()[1]) == server.pid:  # the parent's id follows the state
                pids.append(int(stat.parent.name))
        except (OSError, IndexError):
            continue  # a process that ended meanwhile
    assert pids, f"gunicorn {server.pid} has no workers"
    return pids


def workers_rss_mib(server: Server) -> float:
    """The resident memory of the largest of ``server``'s worker processes, in MiB."""
    return max(int(re.search(r"VmRSS:\s+(\d+) kB", Path(f"/proc/{pid}/status").read_text()).group(1))  # type: ignore[union-attr]
               for pid in worker_pids(server)) / 1024


@dataclass(frozen=True)
class Answer:
    status: int
    headers: http.client.HTTPMessage
    body: str

    def cookie(self, name: str) -> str | None:
        """The value the answer sets cookie ``name`` to, if it sets it."""
        for header in self.headers.get_all("Set-Cookie") or ():
            morsel = SimpleCookie(header).get(name)
            if morsel is not None:
                return morsel.value
        return None


def ask(connection: http.client.HTTPConnection, method: str, path: str, host: str, cookie: str = "",
        form: dict[str, str] | None = None) -> Answer:
    """Send one request on ``connection`` (kept alive) and read the whole answer."""
    headers = {"Host": host, **({"Cookie": cookie} if cookie else {})}
    body = None
    if form is not None:
        body = urlencode(form)
        headers["Content-Type"] = "application/x-www-form-urlencoded"
    connection.request(method, path, body=body, headers=headers)
    response = connection.getresponse()
    return Answer(response.status, response.headers, response.read().decode())


def get(port: int, path: str, host: str, cookie: str = "") -> Answer:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    try:
        return ask(connection, "GET", path, host, cookie)
    finally:
        connection.close()


def form_token(page: str) -> str:
    """The CSRF token a page's forms carry."""
    found = re.search(r'name="csrf_token" value="([^"]+)"', page)
    assert found, "the page has a form with a CSRF token"
    return found.group(1)


def sign_in(port: int, host: str, path: str, cookie_name: str, email: str, password: str = DEMO_PASSWORD) -> str:
    """Sign in through the form at ``path`` as a browser does; answer the ``Cookie`` header of the signed-in session."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    try:
        form = ask(connection, "GET", path, host)
        anonymous = f"{cookie_name}={form.cookie(cookie_name)}"
        signed_in = ask(connection, "POST", path, host, anonymous,
                        {"email": email, "password": password, "csrf_token": form_token(form.body)})
    finally:
        connection.close()
    value = signed_in.cookie(cookie_name)
    if signed_in.status != 302 or value is None:
        raise SystemExit(f"signing in as {email} at {host}{path} answered {signed_in.status}")
    return f"{cookie_name}={value}"


def median_round(values: list[float], baselines: list[float]) -> tuple[float, float]:
    """The value and baseline of the round whose ratio is the median (the lower one of an even count).

    Each round measures both within seconds, so its ratio holds while the machine's load drifts
    between rounds; medians taken apart would pair a quiet round's value with a busy one's baseline."""
    rounds = sorted(zip(values, baselines, strict=True), key=lambda pair: pair[0] / pair[1] if pair[1] else float("inf"))
    return rounds[(len(rounds) - 1) // 2]


def admin_engine(url: str) -> Engine:
    return make_engine(make_url(url).set(database="postgres"), isolation_level="AUTOCOMMIT",
                       connect_args={"connect_timeout": 5})


@contextmanager
def scratch_databases(url: str, names: tuple[str, ...]) -> Iterator[tuple[Engine, str] | None]:
    """Create the first of ``names`` on ``url``'s server (dropping any left over), drop them all after the block.

    Yields the maintenance engine (to create the others) and the server's version, or ``None``
    when the server does not answer."""
    admin = admin_engine(url)
    try:
        with admin.connect() as connection:
            version = connection.exec_driver_sql("SHOW server_version").scalar()
            for name in names:
                connection.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            connection.exec_driver_sql(f'CREATE DATABASE "{names[0]}"')
    except OperationalError as error:
        print(f"\n== PostgreSQL: SKIPPED, {make_url(url).render_as_string()} does not answer ({error.orig})")
        admin.dispose()
        yield None
        return
    try:
        yield admin, str(version)
    finally:
        with admin.connect() as connection:
            for name in names:
                connection.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.dispose()


def options(description: str, postgres_url: str) -> argparse.ArgumentParser:
    """The options every web bench takes: how long, on which databases (``postgres_url``: its scratch one)."""
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("--quick", action="store_true", help="a shorter run, within 90 s")
    parser.add_argument("--smoke", action="store_true", help="a few seconds, a handful of requests: proves the bench runs")
    parser.add_argument("--postgres", action="store_true", help="also measure on PostgreSQL, with Redis as the broker")
    parser.add_argument("--postgres-url", default=postgres_url, help="scratch database, created and dropped")
    return parser


def check_postgres_url(parser: argparse.ArgumentParser, args: argparse.Namespace) -> None:
    if args.postgres and (make_url(args.postgres_url).database or "") in PROTECTED_DATABASES | {""}:
        parser.error("refusing that database: give a scratch database name")

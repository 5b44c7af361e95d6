"""Back-office sign-ins per second against the argon2 verifications per second that two processes reach together.

A sign-in's hash is meant to be its only real cost: argon2id, memory-hard on purpose, takes
about a tenth of a second of both cores here, where the rest of the request (the session, the
attempt's bookkeeping, the queries) takes a few milliseconds. So the baseline is the hash alone:
two processes (as many as the web server's workers), each verifying the same stored hash with
``core.passwords``' hasher in a loop. The load is real HTTP: gunicorn serves the app with 2
workers on a fresh demo platform (SQLite; with ``--postgres``, a scratch PostgreSQL database it
creates and drops, with Redis as the broker), and several clients, each a demo person on a
connection of its own, post the back office's sign-in form again and again, with the CSRF token
and the cookie of the form they fetched once, as a browser that signs in from the same page
does. Every answer must be the redirect of a successful sign-in. Both are measured in turn,
round after round, so that whatever else the machine does falls on both alike, each in steady
state: in a window that opens once everyone is busy, each operation counted for the share of its
time inside it. The CPU time of each is printed too (the web workers', all threads, against the
baseline processes'): unlike a rate, it hardly moves with what the rest of the machine does.

It prints a table, then one JSON line (``bench/figures.py``): sign-ins per second against the
verifications per second in the round with the median ratio, target at least 0.90. ``--quick``
is a shorter run (within 90 s); ``--smoke`` a run of a few seconds, which proves the bench works
(its figure means nothing).

Run from the repository root (never part of the test suite)::

    .venv/bin/python bench/login.py [--quick | --smoke] [--rounds 10] [--duration 4] [--clients 4] [--threads 4]
        [--postgres] [--postgres-url postgresql+psycopg://postgres@127.0.0.1:5432/cascade_bench_login]
"""

from __future__ import annotations

import argparse
import http.client
import multiprocessing
import os
import sqlite3
import statistics
import sys
import tempfile
import threading
import time
from dataclasses import dataclass
from itertools import pairwise
from multiprocessing.pool import Pool
from pathlib import Path

from figures import figure
from serving import (
    REDIS_URL,
    Server,
    app_env,
    ask,
    check_postgres_url,
    form_token,
    median_round,
    options,
    scratch_databases,
    served,
    worker_pids,
)
from sqlalchemy import Engine, select
from sqlalchemy.engine import make_url

from bss.migrations import upgrade_database
from core.db import make_engine, make_session_factory
from core.models.people import User
from core.passwords import verify_password
from core.plugins import load_plugins
from core.services.demo import DEMO_PASSWORD, load_demo

DEFAULT_POSTGRES_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/cascade_bench_login"
TARGET = 0.90
#: Load runs this long before anything is counted: every worker is busy by then.
RAMP_SECONDS = 0.5
#: The web server's worker processes, and so the baseline's.
PROCESSES = 2
LOGIN_PATH, BACKOFFICE_HOST = "/bss/login", "127.0.0.1"
#: The demo's staff, who sign in to the back office (customers are refused it: they serve themselves on their
#: seller's storefront), taken in turn by the clients.
PEOPLE = ("admin@northwind.example", "owner@bright.example", "owner@corner.example", "operator@cascade.example")


def build(engine: Engine) -> str:
    """Migrate and load the demo (its passwords hashed as Cascade hashes them); answer a person's stored hash."""
    upgrade_database(engine)
    load_plugins()
    with make_session_factory(engine)() as session:
        load_demo(session)
        session.commit()
        password_hash = session.scalar(select(User.password_hash).where(User.email == PEOPLE[0]))
    assert password_hash is not None
    return password_hash


# --- timing in steady state -----------------------------------------------------------------------


@dataclass(frozen=True)
class Window:
    """Load runs from the window's making until ``end`` (``time.monotonic``, one clock for every process);
    what is done from ``counted_from`` on is counted: by then every worker is busy."""

    counted_from: float
    end: float

    @classmethod
    def after(cls, ramp: float, seconds: float) -> Window:
        counted_from = time.monotonic() + ramp
        return cls(counted_from, counted_from + seconds)

    def rate(self, streams: list[list[float]]) -> float:
        """Operations per second in the window. Each stream is one worker's timeline (when it began, then
        when each operation ended); each operation counts for the share of its time inside the window,
        which at a few operations a second measures far finer than a count of those that ended in it."""
        done = 0.0
        for times in streams:
            for began, ended in pairwise(times):
                inside = min(ended, self.end) - max(began, self.counted_from)
                done += max(inside, 0) / (ended - began)
        return done / (self.end - self.counted_from)


@dataclass(frozen=True)
class Rate:
    """Operations per second in a window, and the CPU time each cost (the processes doing them, all threads)."""

    per_second: float
    cpu_ms: float


# --- the baseline: the hash alone -----------------------------------------------------------------


def _verify_until(password_hash: str, end: float) -> tuple[list[float], float]:
    """Verify ``password_hash`` in a loop until ``end``; answer the timeline (its start, then when each
    verification ended) and the process's CPU seconds."""
    timeline, cpu = [time.monotonic()], time.process_time()
    while time.monotonic() < end:
        assert verify_password(password_hash, DEMO_PASSWORD)
        timeline.append(time.monotonic())
    return timeline, time.process_time() - cpu


def verifications(pool: Pool, password_hash: str, window: Window) -> Rate:
    """The verifications per second that ``PROCESSES`` processes reach together in ``window``."""
    done = pool.starmap(_verify_until, [(password_hash, window.end)] * PROCESSES)
    timelines = [timeline for timeline, _ in done]
    return Rate(window.rate(timelines), sum(cpu for _, cpu in done) / sum(len(t) - 1 for t in timelines) * 1000)


# --- the load: sign-ins over HTTP -----------------------------------------------------------------


class Client:
    """One person at a browser: fetches the sign-in form once, then posts it with its token again and again."""

    def __init__(self, server: Server, email: str) -> None:
        self.connection = http.client.HTTPConnection("127.0.0.1", server.port, timeout=120)
        self.email = email
        form = ask(self.connection, "GET", LOGIN_PATH, BACKOFFICE_HOST)
        self.cookie = f"session={form.cookie('session')}"
        self.token = form_token(form.body)

    def sign_in(self) -> None:
        answer = ask(self.connection, "POST", LOGIN_PATH, BACKOFFICE_HOST, self.cookie,
                     {"email": self.email, "password": DEMO_PASSWORD, "csrf_token": self.token})
        if answer.status != 302 or not answer.headers["Location"].endswith("/bss/"):
            raise SystemExit(f"signing in as {self.email} answered {answer.status}")

    def close(self) -> None:
        self.connection.close()


def cpu_seconds(pids: list[int]) -> float:
    """The CPU time (user and system, all threads) the processes ``pids`` have used so far."""
    ticks = 0
    for pid in pids:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        ticks += int(fields[11]) + int(fields[12])  # utime and stime, the 14th and 15th fields
    return ticks / os.sysconf("SC_CLK_TCK")


def sign_ins(clients: list[Client], server: Server, window: Window) -> Rate:
    """The sign-ins per second that ``clients``, each on a thread of its own, complete in ``window``;
    their CPU time is the server's workers' (the database's too, on SQLite)."""
    for client in clients:
        client.close()  # gunicorn drops a connection kept idle (2 s): each round opens its own
    timelines: list[list[float]] = [[] for _ in clients]
    failures: list[BaseException] = []

    def keep_signing_in(client: Client, timeline: list[float]) -> None:
        timeline.append(time.monotonic())
        try:
            while time.monotonic() < window.end:
                client.sign_in()
                timeline.append(time.monotonic())
        except BaseException as error:  # noqa: BLE001  (raised again after the join)
            failures.append(error)

    workers = worker_pids(server)
    cpu = cpu_seconds(workers)
    threads = [threading.Thread(target=keep_signing_in, args=pair) for pair in zip(clients, timelines, strict=True)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    if failures:
        raise failures[0]
    signed_in = sum(len(timeline) - 1 for timeline in timelines)
    return Rate(window.rate(timelines), (cpu_seconds(workers) - cpu) / signed_in * 1000)


@dataclass
class Measured:
    title: str
    logins: list[Rate]
    hashes: list[Rate]


def measure(title: str, database_url: str, broker_url: str, directory: Path, args: argparse.Namespace) -> Measured:
    """Build, serve, then time the sign-ins and the hash alone in turn, round after round."""
    print(f"\n== {title}: building")
    engine = make_engine(database_url)
    try:
        password_hash = build(engine)
    finally:
        engine.dispose()
    env = app_env(database_url, broker_url, directory)
    measured = Measured(title, [], [])
    with (served("bss:create_app()", env, PROCESSES, args.threads, directory / "gunicorn.log") as server,
          multiprocessing.get_context("spawn").Pool(PROCESSES) as pool):
        clients = [Client(server, PEOPLE[n % len(PEOPLE)]) for n in range(args.clients)]
        try:
            sign_ins(clients, server, Window.after(0, 0.1))  # warm-up: each person signs in once
            verifications(pool, password_hash, Window.after(0, 0.1))
            for n in range(args.rounds):
                measured.logins.append(sign_ins(clients, server, Window.after(RAMP_SECONDS, args.duration)))
                measured.hashes.append(verifications(pool, password_hash, Window.after(RAMP_SECONDS, args.duration)))
                print(f"  round {n + 1}/{args.rounds}: {measured.logins[-1].per_second:.1f} sign-ins/s, "
                      f"{measured.hashes[-1].per_second:.1f} verifications/s")
        finally:
            for client in clients:
                client.close()
    print(f"\n== {title}: gunicorn --workers {PROCESSES} --threads {args.threads}, {args.clients} clients; "
          f"{args.rounds} rounds of {args.duration} s each")
    ratios = [login.per_second / hashed.per_second for login, hashed in zip(measured.logins, measured.hashes, strict=True)]
    print(f"  sign-ins/s {statistics.median(login.per_second for login in measured.logins):.1f}, verifications/s of "
          f"{PROCESSES} processes {statistics.median(hashed.per_second for hashed in measured.hashes):.1f}; the rounds' "
          f"ratios {' '.join(f'{r:.0%}' for r in ratios)}, median {statistics.median(ratios):.1%}")
    login_cpu = statistics.median(login.cpu_ms for login in measured.logins)
    hash_cpu = statistics.median(hashed.cpu_ms for hashed in measured.hashes)
    print(f"  CPU time: {login_cpu:.0f} ms per sign-in (the web workers), {hash_cpu:.0f} ms per verification: "
          f"the hash is {hash_cpu / login_cpu:.0%} of a sign-in")
    return measured


def run_sqlite(directory: Path, args: argparse.Namespace) -> Measured:
    folder = directory / "sqlite"
    folder.mkdir()
    return measure(f"SQLite {sqlite3.sqlite_version}", f"sqlite:///{folder / 'cascade.db'}",
                   f"sqla+sqlite:///{folder / 'broker.db'}", folder, args)


def run_postgres(directory: Path, args: argparse.Namespace) -> Measured | None:
    url = make_url(args.postgres_url)
    with scratch_databases(args.postgres_url, (url.database or "",)) as scratch:
        if scratch is None:
            return None
        folder = directory / "postgres"
        folder.mkdir()
        return measure(f"PostgreSQL {scratch[1]}", url.render_as_string(hide_password=False), REDIS_URL, folder, args)


def main() -> int:
    parser = options(__doc__.splitlines()[0], DEFAULT_POSTGRES_URL)
    parser.add_argument("--rounds", type=int, default=10, help="rounds, each timing the sign-ins then the hash (10)")
    parser.add_argument("--duration", type=float, default=4, help="seconds of each, per round (4)")
    parser.add_argument("--clients", type=int, default=4, help="people signing in at once (4)")
    parser.add_argument("--threads", type=int, default=4, help="threads per gunicorn worker (4)")
    args = parser.parse_args()
    if args.quick:
        args.rounds, args.duration = 4, 4
    if args.smoke:
        args.rounds, args.duration, args.clients = 1, 2, 2
    if min(args.rounds, args.duration, args.clients, args.threads) <= 0:
        parser.error("rounds, duration, clients and threads must be positive")
    check_postgres_url(parser, args)

    with tempfile.TemporaryDirectory(prefix="cascade-bench-login-") as scratch:
        passes = [run_sqlite(Path(scratch), args)]
        if args.postgres:
            passes.append(run_postgres(Path(scratch), args))
        else:
            print("\n== PostgreSQL: skipped (pass --postgres)")
    print()
    for measured in passes:
        if measured is not None:
            figure(f"back-office sign-ins vs argon2 verifications of {PROCESSES} processes ({measured.title.split()[0]})",
                   *median_round([login.per_second for login in measured.logins],
                                 [hashed.per_second for hashed in measured.hashes]), TARGET, unit="per s")
    return 0


if __name__ == "__main__":
    sys.exit(main())

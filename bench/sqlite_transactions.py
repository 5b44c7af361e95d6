"""Read-then-write transactions on one SQLite file from several processes: BEGIN vs BEGIN IMMEDIATE.

Each of ``--processes`` worker processes runs ``--transactions`` transactions that SELECT a
counter row, UPDATE it to value + 1 and commit. A transaction failing with "database is locked"
is counted as a failure and rolled back, never retried. Two engines are measured in the same run,
each on a fresh database file in a temporary directory:

* baseline: ``sqlalchemy.create_engine`` with the same PRAGMAs as Cascade (WAL, synchronous=NORMAL,
  10 s busy timeout, foreign keys) and SQLAlchemy emitting a plain, deferred ``BEGIN``;
* cascade: ``core.db.make_engine``, which emits ``BEGIN IMMEDIATE``.

So the only difference is the kind of BEGIN. For each engine it prints committed and failed
transactions, wall time, committed transactions per second and the final counter value, which
must equal the number of commits (no lost update); then the ratios of cascade to the baseline.

Run from the repository root (never part of the test suite)::

    .venv/bin/python bench/sqlite_transactions.py [--processes 4] [--transactions 20000]
"""

from __future__ import annotations

import argparse
import multiprocessing
import sqlite3
import sys
import tempfile
import time
from collections.abc import Callable
from contextlib import closing
from dataclasses import dataclass
from multiprocessing.queues import Queue
from multiprocessing.synchronize import Barrier
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event, text
from sqlalchemy.exc import OperationalError

from core.db import SQLITE_BUSY_TIMEOUT_MS, make_engine

#: Seconds the parent waits for one worker's result before giving up.
WORKER_TIMEOUT_S = 300

SELECT = text("SELECT value FROM counter WHERE id = 1")
UPDATE = text("UPDATE counter SET value = :value WHERE id = 1")


def baseline_engine(url: str) -> Engine:
    """A plain engine tuned like Cascade's, but beginning with SQLite's default deferred BEGIN.

    This is SQLAlchemy's documented pysqlite recipe: stop the sqlite3 module from emitting
    BEGIN itself (``isolation_level = None``) and emit it from the "begin" event.
    """
    engine = create_engine(url, connect_args={"timeout": SQLITE_BUSY_TIMEOUT_MS / 1000})

    @event.listens_for(engine, "connect")
    def on_connect(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.close()

    @event.listens_for(engine, "begin")
    def on_begin(connection: Any) -> None:
        connection.exec_driver_sql("BEGIN")

    return engine


VARIANTS: dict[str, Callable[[str], Engine]] = {
    "baseline (BEGIN)": baseline_engine,
    "cascade (BEGIN IMMEDIATE)": make_engine,
}


@dataclass(frozen=True)
class Result:
    name: str
    committed: int
    failed: int
    seconds: float
    counter: int

    @property
    def per_second(self) -> float:
        return self.committed / self.seconds

    @property
    def failure_rate(self) -> float:
        return self.failed / (self.committed + self.failed)


def is_locked(error: OperationalError) -> bool:
    return "database is locked" in str(error.orig)


def worker(
    variant: str, url: str, transactions: int, start: Barrier, results: Queue[tuple[int, int]]
) -> None:
    """Run ``transactions`` read-then-write transactions, put ``(committed, failed)`` on results."""
    engine = VARIANTS[variant](url)
    committed = failed = 0
    with engine.connect() as connection:
        start.wait()
        for _ in range(transactions):
            transaction = connection.begin()
            try:
                value = connection.execute(SELECT).scalar_one()
                connection.execute(UPDATE, {"value": value + 1})
                transaction.commit()
                committed += 1
            except OperationalError as error:
                if not is_locked(error):
                    raise
                transaction.rollback()
                failed += 1
    engine.dispose()
    results.put((committed, failed))


def create_database(path: Path) -> None:
    with closing(sqlite3.connect(path)) as connection, connection:
        connection.execute("PRAGMA journal_mode=WAL")
        connection.execute("CREATE TABLE counter (id INTEGER PRIMARY KEY, value INTEGER NOT NULL)")
        connection.execute("INSERT INTO counter (id, value) VALUES (1, 0)")


def read_counter(path: Path) -> int:
    with closing(sqlite3.connect(path)) as connection:
        (value,) = connection.execute("SELECT value FROM counter WHERE id = 1").fetchone()
    return int(value)


def measure(variant: str, path: Path, processes: int, transactions: int) -> Result:
    create_database(path)
    context = multiprocessing.get_context("spawn")
    start = context.Barrier(processes + 1)
    results: Queue[tuple[int, int]] = context.Queue()
    arguments = (variant, f"sqlite:///{path}", transactions, start, results)
    workers = [context.Process(target=worker, args=arguments) for _ in range(processes)]
    for process in workers:
        process.start()
    start.wait(timeout=WORKER_TIMEOUT_S)
    began = time.perf_counter()
    outcomes = [results.get(timeout=WORKER_TIMEOUT_S) for _ in workers]
    seconds = time.perf_counter() - began
    for process in workers:
        process.join(timeout=WORKER_TIMEOUT_S)
        if process.exitcode != 0:
            raise RuntimeError(f"{variant}: a worker exited with code {process.exitcode}")
    return Result(
        name=variant,
        committed=sum(committed for committed, _ in outcomes),
        failed=sum(failed for _, failed in outcomes),
        seconds=seconds,
        counter=read_counter(path),
    )


def report(result: Result) -> bool:
    consistent = result.counter == result.committed
    print(
        f"{result.name:<26} committed={result.committed:>6} "
        f"failed={result.failed:>6} ({result.failure_rate:.1%}) "
        f"wall={result.seconds:7.2f} s  committed/s={result.per_second:8.1f}  "
        f"counter={result.counter} "
        f"({'= committed, OK' if consistent else 'MISMATCH with committed'})"
    )
    return consistent


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--processes", type=int, default=4, help="worker processes (default 4)")
    parser.add_argument(
        "--transactions", type=int, default=20_000, help="transactions per process (default 20000)"
    )
    args = parser.parse_args()
    if args.processes < 1 or args.transactions < 1:
        parser.error("--processes and --transactions must be positive")

    print(
        f"{args.processes} processes x {args.transactions} read-then-write transactions, "
        f"SQLite {sqlite3.sqlite_version}"
    )
    with tempfile.TemporaryDirectory(prefix="cascade-bench-") as directory:
        results = [
            measure(variant, Path(directory) / f"{index}.db", args.processes, args.transactions)
            for index, variant in enumerate(VARIANTS)
        ]
    consistent = all([report(result) for result in results])

    baseline, cascade = results
    ratio = cascade.per_second / baseline.per_second if baseline.committed else float("inf")
    print(f"throughput ratio cascade/baseline (committed/s): {ratio:.2f}")
    print(
        f"failed transactions cascade/baseline: {cascade.failed}/{baseline.failed} "
        f"({cascade.failure_rate:.1%} vs {baseline.failure_rate:.1%} of attempts)"
    )
    print(f"counter equals committed in every variant: {'yes' if consistent else 'NO'}")
    return 0 if consistent else 1


if __name__ == "__main__":
    sys.exit(main())

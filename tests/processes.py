"""Running ``cascade`` as a real process, the way an operator does, on data it can see."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, TypeVar

from sqlalchemy import Engine, delete, func, select

import core.models  # noqa: F401  (every table on the metadata)
from core.db import Base

T = TypeVar("T")

#: How a test runs ``cascade``: with this interpreter, so in this virtual environment.
CASCADE = (sys.executable, "-m", "bss.cli")


def cascade_env(instance: Path, **settings: str) -> dict[str, str]:
    """The environment of a ``cascade`` process: this one's, without CASCADE_* but ``settings``."""
    env = {key: value for key, value in os.environ.items() if not key.startswith("CASCADE_")}
    env["CASCADE_INSTANCE_PATH"] = str(instance)
    env.update({f"CASCADE_{name.upper()}": value for name, value in settings.items()})
    return env


def cascade(*args: str, env: dict[str, str], timeout: float = 120, **options: Any) -> subprocess.CompletedProcess[str]:
    """Run ``cascade ARGS`` to the end and return what it printed."""
    return subprocess.run(
        [*CASCADE, *args], env=env, capture_output=True, text=True, timeout=timeout, **options
    )


def installed_plugin_site(root: Path, source: str, version: str = "1.0") -> Path:
    """Lay out the plugin ``cascade_hello`` (its module's ``source``) as pip installs a distribution,
    with its ``cascade.plugins`` entry point; answer the folder to put on a process's PYTHONPATH."""
    site = root / "site"
    (site / "cascade_hello").mkdir(parents=True)
    (site / "cascade_hello" / "__init__.py").write_text(source)
    dist_info = site / f"cascade_hello-{version}.dist-info"
    dist_info.mkdir()
    (dist_info / "METADATA").write_text(f"Metadata-Version: 2.1\nName: cascade-hello\nVersion: {version}\n")
    (dist_info / "entry_points.txt").write_text("[cascade.plugins]\nhello = cascade_hello\n")
    return site


def start_cascade(*args: str, env: dict[str, str], **options: Any) -> subprocess.Popen[str]:
    """Start ``cascade ARGS`` in a session of its own, as a terminal would."""
    return subprocess.Popen(
        [*CASCADE, *args],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,
        **options,
    )


def start_logged(
    *args: str, env: dict[str, str], log: Path, program: tuple[str, ...] = CASCADE, **options: Any
) -> subprocess.Popen[bytes]:
    """Start ``cascade ARGS`` (or ``program ARGS``) in a session of its own, writing all it prints to ``log``.

    A pipe nobody reads fills up and blocks a chatty process (a worker logging every task);
    a file never does.
    """
    with open(log, "ab") as output:
        return subprocess.Popen(
            [*program, *args],
            env=env,
            stdout=output,
            stderr=subprocess.STDOUT,
            start_new_session=True,
            **options,
        )


def stop(process: subprocess.Popen[Any], timeout: float = 60) -> int:
    """Ask ``process`` to stop (SIGTERM, as a supervisor does) and return its exit status."""
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
    try:
        return process.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        kill_group(process)
        raise


def kill_group(process: subprocess.Popen[Any], timeout: float = 30) -> None:
    """Kill ``process`` and every process of its session at once (SIGKILL: no cleanup, no goodbye)."""
    try:
        os.killpg(process.pid, signal.SIGKILL)
    except ProcessLookupError:
        pass
    process.wait(timeout=timeout)
    wait_until(lambda: not _group_alive(process.pid), timeout, f"process group {process.pid} outlived SIGKILL")


def _group_alive(pgid: int) -> bool:
    try:
        os.killpg(pgid, 0)
    except ProcessLookupError:
        return False
    return True


def wait_until(
    condition: Callable[[], T], timeout: float, failure: str | Callable[[], str], interval: float = 0.1
) -> T:
    """Return ``condition()`` once it is true; fail with ``failure`` (or what it returns) after ``timeout`` s."""
    deadline = time.monotonic() + timeout
    while not (value := condition()):
        if time.monotonic() > deadline:
            raise AssertionError(f"{failure() if callable(failure) else failure} (waited {timeout:.0f} s)")
        time.sleep(interval)
    return value


@contextmanager
def rows_removed_afterwards(engine: Engine) -> Iterator[None]:
    """Let the block commit rows for other processes to see; delete every row it added after.

    The suite shares one database, and every other test leaves it as it found it (the ``db``
    fixture rolls back): a test whose data must reach a real worker or web process commits
    for real, and this puts the database back. Rows are told apart by their ids.
    """
    tables = Base.metadata.sorted_tables
    with engine.connect() as connection:
        last = {table.name: connection.scalar(select(func.max(table.c.id))) or 0 for table in tables if "id" in table.c}
        # A table keyed otherwise (a few rows: stamps by scope, say) is told apart by its whole keys.
        keys = {table.name: set(connection.execute(select(*table.primary_key.columns)).all())
                for table in tables if "id" not in table.c}
    try:
        yield
    finally:
        with engine.begin() as connection:
            for table in reversed(tables):  # children before the rows they point to
                if "id" in table.c:
                    connection.execute(delete(table).where(table.c.id > last[table.name]))
                    continue
                key = list(table.primary_key.columns)
                for added in set(connection.execute(select(*key)).all()) - keys[table.name]:
                    connection.execute(delete(table).where(*(column == value for column, value in zip(key, added,
                                                                                                        strict=True))))

"""Running ``cascade`` as a real process, the way an operator does."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from typing import Any


def cascade_env(instance: Path, **settings: str) -> dict[str, str]:
    """The environment of a ``cascade`` process: this one's, without CASCADE_* but ``settings``."""
    env = {key: value for key, value in os.environ.items() if not key.startswith("CASCADE_")}
    env["CASCADE_INSTANCE_PATH"] = str(instance)
    env.update({f"CASCADE_{name.upper()}": value for name, value in settings.items()})
    return env


def cascade(*args: str, env: dict[str, str], timeout: float = 120, **options: Any) -> subprocess.CompletedProcess[str]:
    """Run ``cascade ARGS`` to the end and return what it printed."""
    return subprocess.run(
        [sys.executable, "-m", "bss.cli", *args], env=env, capture_output=True, text=True, timeout=timeout, **options
    )


def start_cascade(*args: str, env: dict[str, str], **options: Any) -> subprocess.Popen[str]:
    """Start ``cascade ARGS`` in a session of its own, as a terminal would."""
    return subprocess.Popen(
        [sys.executable, "-m", "bss.cli", *args],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,
        **options,
    )

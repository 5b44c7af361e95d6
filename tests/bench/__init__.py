"""The benches' smoke runs: each bench, run with ``--smoke``, starts, finishes and reports its figures.

They say nothing about timings; ``smoke_figures`` runs one and answers its figure lines.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def smoke_figures(bench: str) -> dict[str, dict[str, object]]:
    """Run ``bench/<bench>`` with ``--smoke`` to the end; answer its figures by name."""
    done = subprocess.run([sys.executable, str(ROOT / "bench" / bench), "--smoke"], cwd=ROOT, capture_output=True,
                          text=True, timeout=300, check=False)
    assert done.returncode == 0, done.stdout + done.stderr
    figures = [json.loads(line) for line in done.stdout.splitlines() if line.startswith("{")]
    for found in figures:
        assert set(found) >= {"figure", "value", "baseline", "ratio", "target", "met"}, found
        assert isinstance(found["met"], bool), found
    return {str(found["figure"]): found for found in figures}

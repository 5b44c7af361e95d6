"""The catalog and sign-in benches start, finish and report their figures, in their smoke mode of a few seconds.

They say nothing about timings: a smoke run's handful of requests proves only that each bench
builds its platform, serves it, loads it and prints one JSON line per figure.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.integration  # each bench starts gunicorn servers and processes of its own

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


def test_the_catalog_bench_reports_the_visitor_the_signed_in_customer_and_the_memory():
    assert set(smoke_figures("storefront_catalog.py")) == {
        "catalog for a visitor vs hello world (SQLite)",
        "catalog for a visitor, page time with many vs few storefronts (SQLite)",
        "catalog for a signed-in customer vs hello world (SQLite)",
        "catalog for a signed-in customer, page time with many vs few storefronts (SQLite)",
        "web worker memory after the load (SQLite)",
    }


def test_the_login_bench_reports_sign_ins_against_the_hash_alone():
    assert set(smoke_figures("login.py")) == {"back-office sign-ins vs argon2 verifications of 2 processes (SQLite)"}

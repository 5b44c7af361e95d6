"""The orders bench starts, finishes and reports its figures, in its smoke mode of a few seconds.

It says nothing about timings: a smoke run of a handful of orders proves only that the bench
builds its platform, places orders with and without enqueueing, has real workers drain them and
the no-op tasks, and prints one JSON line per figure.
"""

from __future__ import annotations

import pytest

from tests.bench import smoke_figures

pytestmark = pytest.mark.integration  # the bench starts workers of its own


def test_the_orders_bench_reports_the_enqueueing_and_the_drain():
    assert set(smoke_figures("orders.py")) == {
        "order POST, extra time to enqueue (SQLite + embedded broker)",
        "activations vs no-op tasks per second, pre-queued drain (SQLite + embedded broker)",
    }

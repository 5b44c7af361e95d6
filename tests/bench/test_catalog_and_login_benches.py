"""The catalog and sign-in benches start, finish and report their figures, in their smoke mode of a few seconds.

They say nothing about timings: a smoke run's handful of requests proves only that each bench
builds its platform, serves it, loads it and prints one JSON line per figure.
"""

from __future__ import annotations

import pytest

from tests.bench import smoke_figures

pytestmark = pytest.mark.integration  # each bench starts gunicorn servers and processes of its own


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

"""``cascade billing run``: the billing run by hand, as of a day."""

from __future__ import annotations


def test_cascade_billing_run_invoices_as_of_a_day(frozen_clock, db, runner, subscribe):
    subscribe("harbour")
    result = runner.invoke(args=["billing", "run", "--as-of", "2026-04-01"])
    assert result.exit_code == 0, result.output
    assert "Invoices written for March 2026: 2 (2 lines)." in result.output
    assert "Invoices written for March 2026: 0 (0 lines)." in runner.invoke(
        args=["billing", "run", "--as-of", "2026-04-01"]).output
    refused = runner.invoke(args=["billing", "run", "--as-of", "April"])
    assert refused.exit_code == 2 and "'--as-of'" in refused.output

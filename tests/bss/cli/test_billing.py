"""``cascade billing run``: the billing run by hand, as of a day."""

from __future__ import annotations


def test_cascade_billing_run_invoices_as_of_a_day(frozen_clock, db, runner, subscribe):
    subscribe("harbour")
    result = runner.invoke(args=["billing", "run", "--as-of", "2026-04-01"])
    assert result.exit_code == 0, result.output
    assert "Invoices written for March 2026: 2 (2 lines); 2 emailed to their recipients." in result.output
    assert "Invoices written for March 2026: 0 (0 lines); 0 emailed to their recipients." in runner.invoke(
        args=["billing", "run", "--as-of", "2026-04-01"]).output
    refused = runner.invoke(args=["billing", "run", "--as-of", "April"])
    assert refused.exit_code == 2 and "'--as-of'" in refused.output


def test_cascade_billing_export_prints_a_sellers_month_as_csv(frozen_clock, db, runner, subscribe):
    subscribe("harbour")
    runner.invoke(args=["billing", "run", "--as-of", "2026-04-01"])
    exported = runner.invoke(args=["billing", "export", "--issuer", "bright", "--period", "2026-03", "--layout", "plain"])
    assert exported.exit_code == 0, exported.output
    lines = exported.output.splitlines()
    assert lines[0].startswith("number,recipient,") and lines[1].startswith("BRIGHT-000001,Harbour Dental,")
    refused = runner.invoke(args=["billing", "export", "--issuer", "nobody", "--period", "2026-03"])
    assert refused.exit_code == 2 and "there is no account 'nobody'" in refused.output

"""The revenue dashboard: a seller's 12 months as a chart and a table, and a distributor's resellers."""

from __future__ import annotations

import re

from plugin_kit.testing import text_of
from tests.bss.backoffice.conftest import PASSWORD


def _bars(page: str, kind: str) -> list[float]:
    """The heights of the chart's ``kind`` bars, oldest month first."""
    return [float(height) for height in re.findall(rf'<rect class="{kind}" [^>]*height="([\d.]+)"', page)]


def test_a_reseller_sees_its_months_as_a_chart_and_as_a_table(frozen_clock, client, login_as, subscribe):
    subscribe("harbour", quantity=3)  # 3 x 14.38 to Harbour Dental, 3 x 11.50 from Northwind
    login_as("owner@bright.example")
    response = client.get("/bss/revenue")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert '<svg class="chart" viewBox="0 0 720 330" role="img" aria-labelledby="margin-eur-title margin-eur-desc">' in html
    assert '<title id="margin-eur-title">Charged, cost and margin by month, April 2025 to March 2026</title>' in html
    billed, cost = _bars(html, "billed"), _bars(html, "cost")
    assert billed[:11] == cost[:11] == [0.0] * 11  # 12 months, nothing before March
    assert round(billed[11] / cost[11], 2) == round(43.14 / 34.50, 2)
    page = text_of(response)
    assert "Charged in 12 months €43.14 Cost in 12 months €34.50 Margin in 12 months €8.64" in page
    assert "February 2026 €0.00 €0.00 €0.00 March 2026 €43.14 €34.50 €8.64 12 months €43.14 €34.50 €8.64" in page
    assert "Wholesale revenue" not in page
    assert 'href="/bss/revenue"' in html  # in its navigation


def test_the_distributor_sees_what_it_charged_each_reseller_largest_first(frozen_clock, client, db, demo, login_as,
                                                                          subscribe):
    subscribe("corner")  # 11.50 wholesale
    subscribe("harbour", quantity=3)  # 34.50 wholesale to Bright IT
    login_as("admin@northwind.example")
    response = client.get("/bss/revenue")
    page = text_of(response)
    assert "Charged in 12 months €46.00 Cost in 12 months €0.00 Margin in 12 months €46.00" in page
    zeros = " ".join(["€0.00"] * 11)
    assert f"Bright IT {zeros} €34.50 €34.50 Corner Computers {zeros} €11.50 €11.50" in page
    html = response.get_data(as_text=True)
    assert f'<a href="/bss/accounts/{demo["bright"].id}">Bright IT</a>' in html
    assert re.findall(r'<text class="name" [^>]*>([^<]+)</text>', html) == ["Bright IT", "Corner Computers"]
    wide, narrow = (float(width) for width in re.findall(r'<rect class="billed" x="190" [^>]*width="([\d.]+)"', html))
    assert round(wide / narrow, 2) == 3.0


def test_a_seller_with_nothing_charged_yet_is_told_so(frozen_clock, client, demo, login_as):
    login_as("owner@corner.example")
    page = text_of(client.get("/bss/revenue"))
    assert "Nothing was charged to or by Corner Computers from April 2025 to March 2026 yet" in page


def test_a_year_of_free_plans_is_nothing_to_chart(frozen_clock, client, login_as, reseller_plan):
    reseller_plan("corner", "basic")  # charged 0.00 a month
    login_as("owner@corner.example")
    response = client.get("/bss/revenue")
    assert "Nothing was charged to or by Corner Computers from April 2025 to March 2026 yet" in text_of(response)
    assert '<svg class="chart"' not in response.get_data(as_text=True)


def test_a_person_without_billing_is_refused(client, login_as, buyer):
    login_as(buyer, PASSWORD)
    assert client.get("/bss/revenue").status_code == 403
    assert 'href="/bss/revenue"' not in client.get("/bss/").get_data(as_text=True)

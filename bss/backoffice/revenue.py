"""The revenue dashboard: a seller's last 12 months of what it charged, what it was charged and its
margin, as a chart and a table; for a distributor, also what it charged each reseller. A charge counts
when it is made, invoiced yet or not; a currency whose 12 months are all zero has nothing to chart.

The figures come from ``core.services.revenue``. The charts are SVG laid out here, on the server,
from the amounts' Decimals: no script and nothing fetched, so they work offline and in print.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_CEILING, ROUND_FLOOR, Decimal
from itertools import groupby

from flask import render_template
from flask_babel import gettext
from flask_login import login_required

from bss.auth import current_actor
from bss.backoffice import bp
from core.errors import PermissionDeniedError
from core.models.accounts import AccountKind
from core.money import Money, minor_units
from core.permissions import Permission
from core.services.revenue import (
    MarginSeries,
    MonthMargin,
    ResellerWholesale,
    margin_by_month,
    report_months,
    wholesale_by_reseller,
)
from web.database import db

#: Both charts' size in SVG units; they scale to the page's width.
WIDTH = 720
#: The margin chart: its height, and the room around the plot for the amounts (left) and the months (below).
HEIGHT, LEFT, RIGHT, TOP, BOTTOM = 330, 100, 8, 12, 86
#: Roughly how many steps the amount axis has; each is 1, 2 or 5 times a power of ten.
STEPS = 4
#: The width of each of a month's two bars (charged, cost).
BAR = Decimal(16)
#: The totals chart: the height of a reseller's row, the room for its name and, after its bar, for its total.
ROW, NAME, TOTAL = 28, 190, 110
#: Resellers the totals chart shows, the largest first; the table below it lists them all.
CHARTED = 10


@dataclass(frozen=True)
class Tick:
    """A line across the margin chart at a round amount, labelled with it."""

    y: Decimal
    amount: Money


@dataclass(frozen=True)
class Bar:
    """A month's bar, from the zero line up (or down, for a negative amount)."""

    x: Decimal
    y: Decimal
    height: Decimal


@dataclass(frozen=True)
class MonthColumn:
    """One month on the margin chart: its figures, where it stands, its two bars and its margin point."""

    figures: MonthMargin
    centre: Decimal
    billed: Bar
    cost: Bar
    margin_y: Decimal


@dataclass(frozen=True)
class MarginChart:
    """A currency's 12 months laid out: the amount axis, the zero line and a column a month."""

    series: MarginSeries
    ticks: list[Tick]
    zero_y: Decimal
    columns: list[MonthColumn]

    @property
    def margin_line(self) -> str:
        """The margin's points, as an SVG polyline takes them."""
        return " ".join(f"{column.centre},{column.margin_y}" for column in self.columns)


@dataclass(frozen=True)
class TotalBar:
    """A reseller's total on the totals chart: its row's top and its bar's length."""

    row: ResellerWholesale
    y: int
    width: Decimal


@dataclass(frozen=True)
class WholesaleTable:
    """What a distributor billed its resellers in one currency: every row, and the largest charted."""

    currency: str
    rows: list[ResellerWholesale]
    bars: list[TotalBar]

    @property
    def height(self) -> int:
        return ROW * len(self.bars) + 4


@bp.get("/revenue")
@login_required
def revenue() -> str:
    actor = current_actor()
    actor.require(Permission.VIEW_BILLING)
    account = actor.account
    if account.kind is AccountKind.CUSTOMER:
        raise PermissionDeniedError(gettext("A customer sells to nobody: revenue and margin are for resellers and distributors."))
    wholesale = None
    if account.kind is AccountKind.DISTRIBUTOR:
        wholesale = [_wholesale_table(currency, list(group)) for currency, group
                     in groupby(wholesale_by_reseller(db.session, account), lambda row: row.currency)]
    return render_template(
        "backoffice/revenue.html",
        account=account,
        months=report_months(),
        charts=[_margin_chart(series) for series in margin_by_month(db.session, account) if _has_figures(series)],
        wholesale=wholesale,
        sizes={"width": WIDTH, "height": HEIGHT, "left": LEFT, "right": WIDTH - RIGHT, "bottom": HEIGHT - BOTTOM,
               "bar": BAR, "name": NAME},
    )


def _has_figures(series: MarginSeries) -> bool:
    """Whether any month of ``series`` was charged or cost anything: charges that cancel out leave nothing to chart."""
    return any(month.billed.amount or month.cost.amount for month in series.months)


def _margin_chart(series: MarginSeries) -> MarginChart:
    """Lay out ``series`` (not all zero): an amount axis holding every figure and zero, and a column a month."""
    amounts = [amount for month in series.months for amount in (month.billed, month.cost, month.margin)]
    low, high, step = _axis([money.amount for money in amounts], series.currency)
    top, bottom = Decimal(TOP), Decimal(HEIGHT - BOTTOM)

    def y(amount: Decimal) -> Decimal:
        return _unit(top + (high - amount) / (high - low) * (bottom - top))

    def bar(x: Decimal, amount: Money) -> Bar:
        return Bar(_unit(x), min(y(amount.amount), y(Decimal(0))), abs(y(amount.amount) - y(Decimal(0))))

    slot = Decimal(WIDTH - LEFT - RIGHT) / len(series.months)
    columns = []
    for n, month in enumerate(series.months):
        centre = _unit(LEFT + slot * n + slot / 2)
        columns.append(MonthColumn(month, centre, bar(centre - BAR - 1, month.billed), bar(centre + 1, month.cost),
                                   y(month.margin.amount)))
    ticks = [Tick(y(low + step * n), Money(low + step * n, series.currency))
             for n in range(int((high - low) / step) + 1)]
    return MarginChart(series, ticks, y(Decimal(0)), columns)


def _axis(amounts: list[Decimal], currency: str) -> tuple[Decimal, Decimal, Decimal]:
    """The amount axis: its lowest and highest round amounts (holding zero and every amount), and its step."""
    low, high = min(Decimal(0), *amounts), max(Decimal(0), *amounts)
    smallest = Decimal(1).scaleb(-minor_units(currency))
    wanted = max((high - low) / STEPS, smallest)
    power = Decimal(10) ** wanted.adjusted()
    step = next(power * factor for factor in (1, 2, 5, 10) if power * factor >= wanted)
    low, high = (low / step).to_integral_value(ROUND_FLOOR) * step, (high / step).to_integral_value(ROUND_CEILING) * step
    return low, high, step


def _wholesale_table(currency: str, rows: list[ResellerWholesale]) -> WholesaleTable:
    """The distributor's resellers in ``currency``, with a bar for each of the largest totals."""
    charted = rows[:CHARTED]
    largest = max((row.total.amount for row in charted), default=Decimal(0))
    room = Decimal(WIDTH - NAME - TOTAL)
    bars = [TotalBar(row, ROW * n, _unit(room * row.total.amount / largest) if largest > 0 and row.total.amount > 0
                     else Decimal(0))
            for n, row in enumerate(charted)]
    return WholesaleTable(currency, rows, bars)


def _unit(value: Decimal) -> Decimal:
    """A coordinate to a tenth of an SVG unit: finer than a screen shows."""
    return value.quantize(Decimal("0.1"))

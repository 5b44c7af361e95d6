"""The one source of the current time: timezone-aware UTC, frozen at will in tests."""

from __future__ import annotations

import calendar
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta


class Clock:
    """Tells the time; the system clock unless frozen."""

    def __init__(self) -> None:
        self._frozen_at: datetime | None = None

    def now(self) -> datetime:
        return self._frozen_at if self._frozen_at is not None else datetime.now(UTC)

    @contextmanager
    def frozen(self, at: datetime) -> Iterator[FrozenTime]:
        """Stop time at ``at`` (aware) for the duration of the block."""
        previous = self._frozen_at
        self._frozen_at = as_utc(at)
        try:
            yield FrozenTime(self)
        finally:
            self._frozen_at = previous


class FrozenTime:
    """A handle on a frozen clock that lets a test move time forward."""

    def __init__(self, clock: Clock) -> None:
        self._clock = clock

    def now(self) -> datetime:
        return self._clock.now()

    def advance(self, delta: timedelta) -> datetime:
        assert self._clock._frozen_at is not None
        self._clock._frozen_at += delta
        return self._clock._frozen_at


def as_utc(moment: datetime) -> datetime:
    """Return ``moment`` in UTC; a naive datetime is a bug, not a guess."""
    if moment.tzinfo is None:
        raise ValueError("naive datetime: Cascade only handles timezone-aware times")
    return moment.astimezone(UTC)


clock = Clock()


def utcnow() -> datetime:
    """Return the current aware UTC time from the process clock."""
    return clock.now()


def add_months(moment: datetime, months: int) -> datetime:
    """Move ``moment`` by whole calendar months, keeping the time; the 31st becomes the month's last day."""
    month_index = moment.month - 1 + months
    year, month = moment.year + month_index // 12, month_index % 12 + 1
    return moment.replace(year=year, month=month, day=min(moment.day, calendar.monthrange(year, month)[1]))

from datetime import UTC, datetime, timedelta, timezone

import pytest

from core.clock import as_utc, clock, utcnow


def test_now_is_aware_utc():
    now = utcnow()
    assert now.tzinfo is UTC


def test_frozen_clock_stands_still_and_advances(frozen_clock):
    first = utcnow()
    assert utcnow() == first
    frozen_clock.advance(timedelta(days=30))
    assert utcnow() - first == timedelta(days=30)


def test_freezing_ends_with_the_block():
    moment = datetime(2020, 1, 1, tzinfo=UTC)
    with clock.frozen(moment):
        assert utcnow() == moment
    assert utcnow() > moment + timedelta(days=365)


def test_other_zones_are_converted_and_naive_times_refused():
    paris = datetime(2026, 6, 1, 12, 0, tzinfo=timezone(timedelta(hours=2)))
    assert as_utc(paris) == datetime(2026, 6, 1, 10, 0, tzinfo=UTC)
    with pytest.raises(ValueError, match="naive"):
        as_utc(datetime(2026, 6, 1, 12, 0))

from datetime import UTC, datetime, timedelta, timezone

import pytest
from sqlalchemy import select
from sqlalchemy.exc import OperationalError

from core.db import READ_ONLY, after_commit, make_engine
from core.models.outbox import OutboxEmail


def _email(**values):
    return OutboxEmail(to_address="a@example.com", subject="Hi", text_body="Hello", **values)


def test_times_come_back_aware_and_in_utc(db):
    moment = datetime(2026, 5, 1, 14, 0, tzinfo=timezone(timedelta(hours=2)))
    email = _email(next_attempt_at=moment)
    db.add(email)
    db.commit()
    db.expire_all()
    loaded = db.get(OutboxEmail, email.id)
    assert loaded.next_attempt_at == datetime(2026, 5, 1, 12, 0, tzinfo=UTC)
    assert loaded.next_attempt_at.tzinfo is not None


def test_a_naive_time_is_refused(db):
    db.add(_email(next_attempt_at=datetime(2026, 5, 1, 12, 0)))
    with pytest.raises(Exception, match="naive"):
        db.flush()
    db.rollback()


def test_after_commit_work_waits_for_the_commit(db):
    ran = []
    after_commit(db, lambda: ran.append("published"))
    db.add(_email())
    db.flush()
    assert ran == []
    db.commit()
    assert ran == ["published"]
    db.commit()
    assert ran == ["published"], "callbacks run once"


def test_after_commit_work_is_dropped_on_rollback(db):
    ran = []
    after_commit(db, lambda: ran.append("published"))
    db.rollback()
    db.commit()
    assert ran == []


def test_a_rolled_back_savepoint_keeps_earlier_work(db):
    ran = []
    after_commit(db, lambda: ran.append("outer"))
    nested = db.begin_nested()
    nested.rollback()
    db.commit()
    assert ran == ["outer"]


def test_sqlite_connections_are_tuned(tmp_path):
    engine = make_engine(f"sqlite:///{tmp_path / 'tuned.db'}")
    with engine.connect() as connection:
        values = [
            connection.exec_driver_sql(f"PRAGMA {name}").scalar()
            for name in ("foreign_keys", "busy_timeout", "journal_mode")
        ]
    engine.dispose()
    assert values == [1, 10_000, "wal"]


def test_foreign_keys_are_enforced(db):
    from core.models.catalog import BillingPeriod, Plan

    db.add(Plan(product_id=999_999, code="x", name="X", billing_period=BillingPeriod.MONTHLY))
    with pytest.raises(Exception, match="(?i)foreign key"):
        db.flush()
    db.rollback()
    assert db.scalars(select(Plan).where(Plan.product_id == 999_999)).all() == []


def test_a_read_only_connection_reads_while_another_holds_the_write_lock(tmp_path):
    engine = make_engine(f"sqlite:///{tmp_path / 'locks.db'}")
    with engine.begin() as setup:
        setup.exec_driver_sql("CREATE TABLE counters (value INTEGER)")
        setup.exec_driver_sql("INSERT INTO counters VALUES (1)")
    with engine.connect() as writer, engine.connect().execution_options(**{READ_ONLY: True}) as reader:
        writer.exec_driver_sql("UPDATE counters SET value = 2")  # holds the write lock until it commits
        reader.connection.driver_connection.execute("PRAGMA busy_timeout=0")  # a wait fails at once, not in 10 s
        assert reader.exec_driver_sql("SELECT value FROM counters").scalar() == 1, "it reads what was committed"
        with engine.connect() as other, pytest.raises(OperationalError, match="locked"):  # an ordinary one waits
            other.connection.driver_connection.execute("PRAGMA busy_timeout=0")
            other.exec_driver_sql("SELECT value FROM counters")
        writer.commit()

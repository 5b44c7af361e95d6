"""Alembic, driven from code: the migrations are the only way the schema is created."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from alembic import command
from alembic.config import Config
from sqlalchemy import Connection, Engine, text

MIGRATIONS_PATH = Path(__file__).resolve().parent.parent / "migrations"

#: Key of the PostgreSQL advisory lock that keeps two processes from migrating at once.
_MIGRATION_LOCK = 0x0CA5CADE


def alembic_config(connection: Connection) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_PATH))
    config.attributes["connection"] = connection
    return config


def upgrade_database(engine: Engine, revision: str = "head") -> None:
    """Migrate the database up to ``revision``, one process at a time."""
    with _migrating(engine) as connection:
        command.upgrade(alembic_config(connection), revision)


def downgrade_database(engine: Engine, revision: str) -> None:
    """Migrate the database down to ``revision`` (``base`` removes every table)."""
    with _migrating(engine) as connection:
        command.downgrade(alembic_config(connection), revision)


@contextmanager
def _migrating(engine: Engine) -> Iterator[Connection]:
    """A transaction to migrate in, alone.

    On SQLite, Alembic alters a table by copying it, which foreign keys would forbid; they are
    switched off for the migration (which SQLite only allows outside a transaction) and every
    reference is checked before the commit.
    """
    with engine.connect() as connection:
        sqlite = connection.dialect.name == "sqlite"
        if sqlite:
            connection.connection.dbapi_connection.execute("PRAGMA foreign_keys=OFF")  # type: ignore[union-attr]
        try:
            with connection.begin():
                if connection.dialect.name == "postgresql":
                    connection.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": _MIGRATION_LOCK})
                yield connection
                if sqlite and (broken := connection.exec_driver_sql("PRAGMA foreign_key_check").all()):
                    raise RuntimeError(f"migration left broken references: {broken[:5]}")
        finally:
            if sqlite:
                connection.connection.dbapi_connection.execute("PRAGMA foreign_keys=ON")  # type: ignore[union-attr]


def create_revision(engine: Engine, message: str) -> None:
    """Write a new migration with the differences autogenerate finds between models and schema."""
    with engine.begin() as connection:
        command.revision(alembic_config(connection), message=message, autogenerate=True)

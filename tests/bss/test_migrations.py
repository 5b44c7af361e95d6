from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect

import core.models  # noqa: F401
from bss.migrations import downgrade_database, upgrade_database
from core.db import Base, make_engine
from web.database import db as database


def test_the_models_and_the_migrations_agree(app):
    with database.state(app).engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        assert compare_metadata(context, Base.metadata) == []


def test_migrations_build_the_schema_from_nothing_down_and_up_again(tmp_path):
    engine = make_engine(f"sqlite:///{tmp_path / 'fresh.db'}")
    upgrade_database(engine)
    assert set(Base.metadata.tables) <= set(inspect(engine).get_table_names())
    downgrade_database(engine, "base")
    assert inspect(engine).get_table_names() == ["alembic_version"]
    upgrade_database(engine)
    assert set(Base.metadata.tables) <= set(inspect(engine).get_table_names())
    engine.dispose()

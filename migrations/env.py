"""Alembic environment: runs on the connection Cascade hands over (see bss/migrations.py).

The core's branch and each plugin's keep their place in version tables of their own; the runner
names the one to use, and the tables autogenerate may compare (those the branch owns).
"""

from typing import Any

from alembic import context

import core.models  # noqa: F401  (every model must be known to the metadata)
from core.db import Base, UTCDateTime
from core.plugins import load_plugins

load_plugins()  # the plugins' own tables (``<plugin>_...``) join the metadata as their packages load


def render_item(kind: str, obj: Any, _context: Any) -> str | bool:
    """Write Cascade's column types as the plain SQL types they store."""
    if kind == "type" and isinstance(obj, UTCDateTime):
        return "sa.DateTime(timezone=True)"
    return False


attributes = context.config.attributes
connection = attributes["connection"]
context.configure(
    connection=connection,
    target_metadata=Base.metadata,
    version_table=attributes["version_table"],
    include_object=attributes["include_object"],
    render_as_batch=connection.dialect.name == "sqlite",
    render_item=render_item,
    compare_type=True,
)
with context.begin_transaction():
    context.run_migrations()

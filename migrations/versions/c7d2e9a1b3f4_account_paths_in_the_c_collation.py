"""account paths in the C collation on PostgreSQL, so that subtree prefix matches use the index

Revision ID: c7d2e9a1b3f4
Revises: a493f7267f2b
Created: 2026-11-22
"""

import sqlalchemy as sa
from alembic import op

revision = 'c7d2e9a1b3f4'
down_revision = 'a493f7267f2b'
branch_labels = None
depends_on = None


def upgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.alter_column("accounts", "path", type_=sa.String(255, collation="C"),
                        existing_type=sa.String(255), existing_nullable=False)


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.alter_column("accounts", "path", type_=sa.String(255),
                        existing_type=sa.String(255, collation="C"), existing_nullable=False)

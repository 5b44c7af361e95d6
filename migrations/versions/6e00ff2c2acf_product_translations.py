"""product translations

Revision ID: 6e00ff2c2acf
Revises: c7d2e9a1b3f4
Created: 2026-11-22
"""

import sqlalchemy as sa
from alembic import op

revision = '6e00ff2c2acf'
down_revision = 'c7d2e9a1b3f4'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('products', schema=None) as batch_op:
        batch_op.add_column(sa.Column('translations', sa.JSON(), nullable=False, server_default=sa.text("'{}'")))


def downgrade() -> None:
    with op.batch_alter_table('products', schema=None) as batch_op:
        batch_op.drop_column('translations')


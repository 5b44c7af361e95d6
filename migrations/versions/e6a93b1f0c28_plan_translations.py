"""plan translations: a plan's own name in languages other than English, as its plugin declares it

Revision ID: e6a93b1f0c28
Revises: d41f6a2c8e57
Created: 2026-12-07 21:15:00.000000
"""

import sqlalchemy as sa
from alembic import op

revision = 'e6a93b1f0c28'
down_revision = 'd41f6a2c8e57'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('plans', schema=None) as batch_op:
        batch_op.add_column(sa.Column('translations', sa.JSON(), nullable=False, server_default=sa.text("'{}'")))


def downgrade() -> None:
    with op.batch_alter_table('plans', schema=None) as batch_op:
        batch_op.drop_column('translations')

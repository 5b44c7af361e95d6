"""record wordings: what a charge, an invoice line and a subscription's history event say, kept as data
(``core.wording``) to be worded in each reader's language

Revision ID: d41f6a2c8e57
Revises: 5b0d3c7e91a4
Created: 2026-12-07 20:30:00.000000
"""

import sqlalchemy as sa
from alembic import op

revision = 'd41f6a2c8e57'
down_revision = '5b0d3c7e91a4'
branch_labels = None
depends_on = None

TABLES = ('charges', 'invoice_lines', 'subscription_events')


def upgrade() -> None:
    for table in TABLES:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.add_column(sa.Column('wording', sa.JSON(), nullable=True))


def downgrade() -> None:
    for table in reversed(TABLES):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_column('wording')

"""transfer wordings: the words a transfer's consent and acceptance ask, kept as data (``core.wording``) so that
each signer is asked, and signs, them in its own language

Revision ID: 7c3e5a9d2b14
Revises: e6a93b1f0c28
Created: 2026-12-07 23:30:00.000000
"""

import sqlalchemy as sa
from alembic import op

revision = '7c3e5a9d2b14'
down_revision = 'e6a93b1f0c28'
branch_labels = None
depends_on = None

COLUMNS = ('consent_wording', 'acceptance_wording')


def upgrade() -> None:
    with op.batch_alter_table('transfers', schema=None) as batch_op:
        for column in COLUMNS:
            batch_op.add_column(sa.Column(column, sa.JSON(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('transfers', schema=None) as batch_op:
        for column in reversed(COLUMNS):
            batch_op.drop_column(column)

"""person language: the language a person chose for the back office, the storefronts and the emails to them

Revision ID: 5b0d3c7e91a4
Revises: ac68a36f6b2f
Created: 2026-12-07 12:00:00.000000
"""

import sqlalchemy as sa
from alembic import op

revision = '5b0d3c7e91a4'
down_revision = 'ac68a36f6b2f'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.add_column(sa.Column('locale', sa.String(length=10), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.drop_column('locale')

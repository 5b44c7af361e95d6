"""storefront theme: the theme a seller chose for its storefront

Revision ID: c57ca6b6eae4
Revises: e2dd71d4e4d9
Created: 2026-12-01
"""

import sqlalchemy as sa
from alembic import op

revision = 'c57ca6b6eae4'
down_revision = 'e2dd71d4e4d9'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('storefronts', schema=None) as batch_op:
        batch_op.add_column(sa.Column('theme', sa.String(length=40), server_default='default', nullable=False))


def downgrade() -> None:
    with op.batch_alter_table('storefronts', schema=None) as batch_op:
        batch_op.drop_column('theme')


"""vendor names: the handle prefix and vanity nameservers a storefront's seller gives its customers' names at vendors

Revision ID: ac68a36f6b2f
Revises: e2ea71c015fa
Created: 2026-12-07 11:54:10.188162
"""

import sqlalchemy as sa
from alembic import op

revision = 'ac68a36f6b2f'
down_revision = 'e2ea71c015fa'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('storefronts', schema=None) as batch_op:
        batch_op.add_column(sa.Column('handle_prefix', sa.String(length=8), nullable=True))
        batch_op.add_column(sa.Column('nameservers', sa.JSON(), server_default='[]', nullable=False))


def downgrade() -> None:
    with op.batch_alter_table('storefronts', schema=None) as batch_op:
        batch_op.drop_column('nameservers')
        batch_op.drop_column('handle_prefix')

"""emails to a shop's customers go from a subdomain of the platform's mail domain named for the shop

Revision ID: b7e31c5d2a90
Revises: a36eac36ef84
Created: 2026-12-07 00:05:00.000000
"""

import sqlalchemy as sa
from alembic import op

revision = 'b7e31c5d2a90'
down_revision = 'a36eac36ef84'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('outbox_emails', schema=None) as batch_op:
        batch_op.add_column(sa.Column('sender_subdomain', sa.String(length=63), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('outbox_emails', schema=None) as batch_op:
        batch_op.drop_column('sender_subdomain')

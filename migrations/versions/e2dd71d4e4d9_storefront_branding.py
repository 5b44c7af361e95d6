"""storefront branding: the shop's name, colours, contact details, welcome text and logo

Revision ID: e2dd71d4e4d9
Revises: 3a59f35a51d8
Created: 2026-12-01
"""

import sqlalchemy as sa
from alembic import op

revision = 'e2dd71d4e4d9'
down_revision = '3a59f35a51d8'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('storefronts', schema=None) as batch_op:
        batch_op.add_column(sa.Column('display_name', sa.String(length=80), server_default='', nullable=False))
        batch_op.add_column(sa.Column('primary_colour', sa.String(length=7), server_default='#2456c7', nullable=False))
        batch_op.add_column(sa.Column('accent_colour', sa.String(length=7), server_default='#e8eefb', nullable=False))
        batch_op.add_column(sa.Column('contact_email', sa.String(length=254), server_default='', nullable=False))
        batch_op.add_column(sa.Column('contact_phone', sa.String(length=30), server_default='', nullable=False))
        batch_op.add_column(sa.Column('support_url', sa.String(length=300), server_default='', nullable=False))
        batch_op.add_column(sa.Column('welcome_text', sa.Text(), server_default='', nullable=False))
        batch_op.add_column(sa.Column('logo', sa.LargeBinary(), nullable=True))
        batch_op.add_column(sa.Column('logo_media_type', sa.String(length=20), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('storefronts', schema=None) as batch_op:
        batch_op.drop_column('logo_media_type')
        batch_op.drop_column('logo')
        batch_op.drop_column('welcome_text')
        batch_op.drop_column('support_url')
        batch_op.drop_column('contact_phone')
        batch_op.drop_column('contact_email')
        batch_op.drop_column('accent_colour')
        batch_op.drop_column('primary_colour')
        batch_op.drop_column('display_name')

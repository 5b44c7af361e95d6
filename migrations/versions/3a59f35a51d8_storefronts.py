"""storefronts: a seller's own shop, opened and closed by its plan

Revision ID: 3a59f35a51d8
Revises: c5a81b8d0b44
Created: 2026-12-01
"""

import sqlalchemy as sa
from alembic import op

revision = '3a59f35a51d8'
down_revision = 'c5a81b8d0b44'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('storefronts',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('account_id', sa.Integer(), nullable=False),
    sa.Column('status', sa.Enum('live', 'closed', name='storefront_status', native_enum=False, create_constraint=True), nullable=False),
    sa.Column('entitlements', sa.JSON(), nullable=False),
    sa.Column('opened_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('closed_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['account_id'], ['accounts.id'], name=op.f('fk_storefronts_account_id_accounts')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_storefronts')),
    sa.UniqueConstraint('account_id', name=op.f('uq_storefronts_account_id'))
    )


def downgrade() -> None:
    op.drop_table('storefronts')

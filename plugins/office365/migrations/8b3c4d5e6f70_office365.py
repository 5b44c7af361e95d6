"""office 365: each customer's Microsoft 365 tenant, reserved by its first order

Revision ID: 8b3c4d5e6f70
Revises: (the first of the office365 branch)
Depends on: 5f1e2a7c9b10 (the core's accounts)
"""

import sqlalchemy as sa
from alembic import op

revision = '8b3c4d5e6f70'
down_revision = None
branch_labels = ('office365',)
depends_on = '5f1e2a7c9b10'


def upgrade() -> None:
    op.create_table(
        'office365_tenants',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('account_id', sa.Integer(), nullable=False),
        sa.Column('domain_prefix', sa.String(length=27), nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['account_id'], ['accounts.id'], name=op.f('fk_office365_tenants_account_id_accounts')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_office365_tenants')),
        sa.UniqueConstraint('account_id', name=op.f('uq_office365_tenants_account_id')),
        sa.UniqueConstraint('domain_prefix', name=op.f('uq_office365_tenants_domain_prefix')),
    )


def downgrade() -> None:
    op.drop_table('office365_tenants')

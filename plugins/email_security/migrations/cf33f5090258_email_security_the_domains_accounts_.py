"""email security: the domains accounts protect, held one account at a time, with their last DNS check

Revision ID: cf33f5090258
Revises: (the first of the email_security branch)
Depends on: a36eac36ef84 (the core's accounts)
"""

import sqlalchemy as sa
from alembic import op

revision = 'cf33f5090258'
down_revision = None
branch_labels = ('email_security',)
depends_on = 'a36eac36ef84'


def upgrade() -> None:
    op.create_table(
        'email_security_domains',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('owner_id', sa.Integer(), nullable=False),
        sa.Column('account_domain', sa.String(length=253), nullable=False),
        sa.Column('name', sa.String(length=253), nullable=False),
        sa.Column('is_primary', sa.Boolean(), nullable=False),
        sa.Column('dns_status', sa.Enum('unchecked', 'pending', 'protected', 'misconfigured', name='email_security_dns_status',
                                        native_enum=False, create_constraint=True), nullable=False),
        sa.Column('dns_reason', sa.String(length=40), nullable=False),
        sa.Column('dns_hosts', sa.Text(), nullable=False),
        sa.Column('checked_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['owner_id'], ['accounts.id'], name=op.f('fk_email_security_domains_owner_id_accounts')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_email_security_domains')),
        sa.UniqueConstraint('name', name=op.f('uq_email_security_domains_name')),
    )
    with op.batch_alter_table('email_security_domains') as batch_op:
        batch_op.create_index(batch_op.f('ix_email_security_domains_account_domain'), ['account_domain'], unique=False)
        batch_op.create_index(batch_op.f('ix_email_security_domains_owner_id'), ['owner_id'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('email_security_domains') as batch_op:
        batch_op.drop_index(batch_op.f('ix_email_security_domains_owner_id'))
        batch_op.drop_index(batch_op.f('ix_email_security_domains_account_domain'))
    op.drop_table('email_security_domains')

"""hosting and domains: customers' websites, from free trial to live

Revision ID: 9c4d5e6f7a81
Revises: (the first of the hosting branch)
Depends on: 5f1e2a7c9b10 (the core's accounts, users and subscriptions)
"""

import sqlalchemy as sa
from alembic import op

revision = '9c4d5e6f7a81'
down_revision = None
branch_labels = ('hosting',)
depends_on = '5f1e2a7c9b10'


def upgrade() -> None:
    op.create_table(
        'hosting_websites',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('account_id', sa.Integer(), nullable=False),
        sa.Column('subscription_id', sa.Integer(), nullable=False),
        sa.Column('domain', sa.String(length=253), nullable=False),
        sa.Column('status', sa.Enum('trial', 'live', 'suspended', 'terminated', name='website_status',
                                    native_enum=False, create_constraint=True, length=10), nullable=False),
        sa.Column('created_by_id', sa.Integer(), nullable=True),
        sa.Column('trial_ends_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('next_reminder_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('live_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('ended_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('end_reason', sa.Text(), nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['account_id'], ['accounts.id'], name=op.f('fk_hosting_websites_account_id_accounts')),
        sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_hosting_websites_created_by_id_users')),
        sa.ForeignKeyConstraint(['subscription_id'], ['subscriptions.id'],
                                name=op.f('fk_hosting_websites_subscription_id_subscriptions')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_hosting_websites')),
        sa.UniqueConstraint('subscription_id', name=op.f('uq_hosting_websites_subscription_id')),
    )
    with op.batch_alter_table('hosting_websites') as batch_op:
        batch_op.create_index(batch_op.f('ix_hosting_websites_account_id'), ['account_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_hosting_websites_next_reminder_at'), ['next_reminder_at'], unique=False)
        batch_op.create_index('uq_hosting_websites_domain_open', ['domain'], unique=True,
                              sqlite_where=sa.text("status != 'terminated'"),
                              postgresql_where=sa.text("status != 'terminated'"))


def downgrade() -> None:
    with op.batch_alter_table('hosting_websites') as batch_op:
        batch_op.drop_index('uq_hosting_websites_domain_open')
        batch_op.drop_index(batch_op.f('ix_hosting_websites_next_reminder_at'))
        batch_op.drop_index(batch_op.f('ix_hosting_websites_account_id'))
    op.drop_table('hosting_websites')

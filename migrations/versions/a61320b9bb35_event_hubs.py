"""tmf event hubs: listeners and their deliveries

Revision ID: a61320b9bb35
Revises: 912a7d74f387
Created: 2026-12-07 02:41:57.487128
"""

import sqlalchemy as sa
from alembic import op

revision = 'a61320b9bb35'
down_revision = '912a7d74f387'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('event_hubs',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('account_id', sa.Integer(), nullable=False),
    sa.Column('api', sa.String(length=40), nullable=False),
    sa.Column('callback', sa.String(length=2000), nullable=False),
    sa.Column('query', sa.String(length=1000), nullable=True),
    sa.Column('event_types', sa.JSON(), nullable=False),
    sa.Column('secret', sa.String(length=64), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['account_id'], ['accounts.id'], name=op.f('fk_event_hubs_account_id_accounts')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_event_hubs'))
    )
    with op.batch_alter_table('event_hubs', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_event_hubs_account_id'), ['account_id'], unique=False)

    op.create_table('event_deliveries',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('hub_id', sa.Integer(), nullable=False),
    sa.Column('event_id', sa.String(length=36), nullable=False),
    sa.Column('event_type', sa.String(length=60), nullable=False),
    sa.Column('event_time', sa.DateTime(timezone=True), nullable=False),
    sa.Column('payload', sa.JSON(), nullable=False),
    sa.Column('status', sa.Enum('pending', 'sent', 'failed', name='delivery_status', native_enum=False,
                                create_constraint=True), nullable=False),
    sa.Column('attempts', sa.Integer(), nullable=False),
    sa.Column('next_attempt_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('last_error', sa.Text(), nullable=True),
    sa.Column('sent_at', sa.DateTime(timezone=True), nullable=True),
    sa.CheckConstraint('attempts >= 0', name=op.f('ck_event_deliveries_attempts_not_negative')),
    sa.ForeignKeyConstraint(['hub_id'], ['event_hubs.id'], name=op.f('fk_event_deliveries_hub_id_event_hubs'),
                            ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_event_deliveries')),
    sa.UniqueConstraint('event_id', name=op.f('uq_event_deliveries_event_id'))
    )
    with op.batch_alter_table('event_deliveries', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_event_deliveries_hub_id'), ['hub_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_event_deliveries_status'), ['status'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('event_deliveries', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_event_deliveries_status'))
        batch_op.drop_index(batch_op.f('ix_event_deliveries_hub_id'))

    op.drop_table('event_deliveries')
    with op.batch_alter_table('event_hubs', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_event_hubs_account_id'))

    op.drop_table('event_hubs')

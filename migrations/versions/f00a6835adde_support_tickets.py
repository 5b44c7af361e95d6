"""support tickets: desks, messages, attachments and their history; sellers' first-response target

Revision ID: f00a6835adde
Revises: b7e31c5d2a90
Created: 2026-12-07 01:27:58.546528
"""

import sqlalchemy as sa
from alembic import op

revision = 'f00a6835adde'
down_revision = 'b7e31c5d2a90'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('tickets',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('requester_id', sa.Integer(), nullable=False),
    sa.Column('seller_id', sa.Integer(), nullable=False),
    sa.Column('upstream_id', sa.Integer(), nullable=True),
    sa.Column('subscription_id', sa.Integer(), nullable=True),
    sa.Column('opened_by_id', sa.Integer(), nullable=False),
    sa.Column('subject', sa.String(length=200), nullable=False),
    sa.Column('upstream_writes_to_customer', sa.Boolean(), nullable=False),
    sa.Column('escalated_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('last_message_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['opened_by_id'], ['users.id'], name=op.f('fk_tickets_opened_by_id_users')),
    sa.ForeignKeyConstraint(['requester_id'], ['accounts.id'], name=op.f('fk_tickets_requester_id_accounts')),
    sa.ForeignKeyConstraint(['seller_id'], ['accounts.id'], name=op.f('fk_tickets_seller_id_accounts')),
    sa.ForeignKeyConstraint(['subscription_id'], ['subscriptions.id'], name=op.f('fk_tickets_subscription_id_subscriptions')),
    sa.ForeignKeyConstraint(['upstream_id'], ['accounts.id'], name=op.f('fk_tickets_upstream_id_accounts')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_tickets'))
    )
    with op.batch_alter_table('tickets', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_tickets_requester_id'), ['requester_id'], unique=False)
        batch_op.create_index('ix_tickets_seller_id_created_at', ['seller_id', 'created_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_tickets_subscription_id'), ['subscription_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_tickets_upstream_id'), ['upstream_id'], unique=False)

    op.create_table('ticket_desks',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('ticket_id', sa.Integer(), nullable=False),
    sa.Column('account_id', sa.Integer(), nullable=False),
    sa.Column('status', sa.Enum('open', 'waiting_on_customer', 'waiting_on_upstream', 'resolved', 'closed', name='ticket_status', native_enum=False, create_constraint=True), nullable=False),
    sa.Column('priority', sa.Enum('low', 'normal', 'high', 'urgent', name='ticket_priority', native_enum=False, create_constraint=True), nullable=False),
    sa.Column('assignee_id', sa.Integer(), nullable=True),
    sa.Column('awaiting_since', sa.DateTime(timezone=True), nullable=True),
    sa.Column('first_response_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('resolved_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('opened_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['account_id'], ['accounts.id'], name=op.f('fk_ticket_desks_account_id_accounts')),
    sa.ForeignKeyConstraint(['assignee_id'], ['users.id'], name=op.f('fk_ticket_desks_assignee_id_users')),
    sa.ForeignKeyConstraint(['ticket_id'], ['tickets.id'], name=op.f('fk_ticket_desks_ticket_id_tickets')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_ticket_desks')),
    sa.UniqueConstraint('ticket_id', 'account_id', name=op.f('uq_ticket_desks_ticket_id_account_id'))
    )
    with op.batch_alter_table('ticket_desks', schema=None) as batch_op:
        batch_op.create_index('ix_ticket_desks_account_id_status', ['account_id', 'status'], unique=False)

    op.create_table('ticket_events',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('ticket_id', sa.Integer(), nullable=False),
    sa.Column('visibility', sa.Enum('customer', 'internal', 'upstream', name='ticket_visibility', native_enum=False, create_constraint=True), nullable=False),
    sa.Column('account_id', sa.Integer(), nullable=False),
    sa.Column('by_id', sa.Integer(), nullable=True),
    sa.Column('action', sa.String(length=40), nullable=False),
    sa.Column('changes', sa.JSON(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['account_id'], ['accounts.id'], name=op.f('fk_ticket_events_account_id_accounts')),
    sa.ForeignKeyConstraint(['by_id'], ['users.id'], name=op.f('fk_ticket_events_by_id_users')),
    sa.ForeignKeyConstraint(['ticket_id'], ['tickets.id'], name=op.f('fk_ticket_events_ticket_id_tickets')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_ticket_events'))
    )
    with op.batch_alter_table('ticket_events', schema=None) as batch_op:
        batch_op.create_index('ix_ticket_events_ticket_id_id', ['ticket_id', 'id'], unique=False)

    op.create_table('ticket_messages',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('ticket_id', sa.Integer(), nullable=False),
    sa.Column('visibility', sa.Enum('customer', 'internal', 'upstream', name='ticket_visibility', native_enum=False, create_constraint=True), nullable=False),
    sa.Column('author_id', sa.Integer(), nullable=False),
    sa.Column('author_account_id', sa.Integer(), nullable=False),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('source', sa.String(length=8), nullable=False),
    sa.Column('copied_from_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['author_account_id'], ['accounts.id'], name=op.f('fk_ticket_messages_author_account_id_accounts')),
    sa.ForeignKeyConstraint(['author_id'], ['users.id'], name=op.f('fk_ticket_messages_author_id_users')),
    sa.ForeignKeyConstraint(['copied_from_id'], ['ticket_messages.id'], name=op.f('fk_ticket_messages_copied_from_id_ticket_messages')),
    sa.ForeignKeyConstraint(['ticket_id'], ['tickets.id'], name=op.f('fk_ticket_messages_ticket_id_tickets')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_ticket_messages'))
    )
    with op.batch_alter_table('ticket_messages', schema=None) as batch_op:
        batch_op.create_index('ix_ticket_messages_ticket_id_id', ['ticket_id', 'id'], unique=False)

    op.create_table('ticket_attachments',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('message_id', sa.Integer(), nullable=False),
    sa.Column('filename', sa.String(length=255), nullable=False),
    sa.Column('media_type', sa.String(length=40), nullable=False),
    sa.Column('size', sa.Integer(), nullable=False),
    sa.Column('content', sa.LargeBinary(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['message_id'], ['ticket_messages.id'], name=op.f('fk_ticket_attachments_message_id_ticket_messages')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_ticket_attachments'))
    )
    with op.batch_alter_table('ticket_attachments', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_ticket_attachments_message_id'), ['message_id'], unique=False)

    with op.batch_alter_table('accounts', schema=None) as batch_op:
        batch_op.add_column(sa.Column('first_response_hours', sa.Integer(), server_default='24', nullable=False))



def downgrade() -> None:
    with op.batch_alter_table('accounts', schema=None) as batch_op:
        batch_op.drop_column('first_response_hours')

    with op.batch_alter_table('ticket_attachments', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_ticket_attachments_message_id'))

    op.drop_table('ticket_attachments')
    with op.batch_alter_table('ticket_messages', schema=None) as batch_op:
        batch_op.drop_index('ix_ticket_messages_ticket_id_id')

    op.drop_table('ticket_messages')
    with op.batch_alter_table('ticket_events', schema=None) as batch_op:
        batch_op.drop_index('ix_ticket_events_ticket_id_id')

    op.drop_table('ticket_events')
    with op.batch_alter_table('ticket_desks', schema=None) as batch_op:
        batch_op.drop_index('ix_ticket_desks_account_id_status')

    op.drop_table('ticket_desks')
    with op.batch_alter_table('tickets', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_tickets_upstream_id'))
        batch_op.drop_index(batch_op.f('ix_tickets_subscription_id'))
        batch_op.drop_index('ix_tickets_seller_id_created_at')
        batch_op.drop_index(batch_op.f('ix_tickets_requester_id'))

    op.drop_table('tickets')

"""transfers: one state machine, consents on tickets; distributors' transfer fee and expiry

Provisioning requests may also ask a product to tell its vendor of a subscription's new seller
(``transfer``).

Revision ID: 912a7d74f387
Revises: f00a6835adde
Created: 2026-12-07 01:38:46.994233
"""

import sqlalchemy as sa
from alembic import op

revision = '912a7d74f387'
down_revision = 'f00a6835adde'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('transfers',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('account_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.Enum('to_reseller', 'between_resellers', 'release', name='transfer_kind', native_enum=False, create_constraint=True), nullable=False),
    sa.Column('status', sa.Enum('requested', 'awaiting_customer_consent', 'awaiting_acceptance', 'approved', 'completed', 'rejected', 'cancelled', 'expired', name='transfer_status', native_enum=False, create_constraint=True), nullable=False),
    sa.Column('from_seller_id', sa.Integer(), nullable=False),
    sa.Column('to_seller_id', sa.Integer(), nullable=False),
    sa.Column('started_by_account_id', sa.Integer(), nullable=False),
    sa.Column('started_by_id', sa.Integer(), nullable=False),
    sa.Column('consented_by_id', sa.Integer(), nullable=True),
    sa.Column('consented_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('accepted_by_id', sa.Integer(), nullable=True),
    sa.Column('accepted_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('consent_words', sa.Text(), nullable=False),
    sa.Column('acceptance_words', sa.Text(), nullable=False),
    sa.Column('reason', sa.Text(), nullable=True),
    sa.Column('customer_ticket_id', sa.Integer(), nullable=True),
    sa.Column('receiver_ticket_id', sa.Integer(), nullable=True),
    sa.Column('fee_charge_key', sa.String(length=200), nullable=True),
    sa.Column('expires_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('completed_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['accepted_by_id'], ['users.id'], name=op.f('fk_transfers_accepted_by_id_users')),
    sa.ForeignKeyConstraint(['account_id'], ['accounts.id'], name=op.f('fk_transfers_account_id_accounts')),
    sa.ForeignKeyConstraint(['consented_by_id'], ['users.id'], name=op.f('fk_transfers_consented_by_id_users')),
    sa.ForeignKeyConstraint(['customer_ticket_id'], ['tickets.id'], name=op.f('fk_transfers_customer_ticket_id_tickets')),
    sa.ForeignKeyConstraint(['from_seller_id'], ['accounts.id'], name=op.f('fk_transfers_from_seller_id_accounts')),
    sa.ForeignKeyConstraint(['receiver_ticket_id'], ['tickets.id'], name=op.f('fk_transfers_receiver_ticket_id_tickets')),
    sa.ForeignKeyConstraint(['started_by_account_id'], ['accounts.id'], name=op.f('fk_transfers_started_by_account_id_accounts')),
    sa.ForeignKeyConstraint(['started_by_id'], ['users.id'], name=op.f('fk_transfers_started_by_id_users')),
    sa.ForeignKeyConstraint(['to_seller_id'], ['accounts.id'], name=op.f('fk_transfers_to_seller_id_accounts')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_transfers'))
    )
    with op.batch_alter_table('transfers', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_transfers_account_id'), ['account_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_transfers_to_seller_id'), ['to_seller_id'], unique=False)
        batch_op.create_index('uq_transfers_account_id_under_way', ['account_id'], unique=True, sqlite_where=sa.text("status IN ('requested', 'awaiting_customer_consent', 'awaiting_acceptance', 'approved')"), postgresql_where=sa.text("status IN ('requested', 'awaiting_customer_consent', 'awaiting_acceptance', 'approved')"))

    with op.batch_alter_table('billing_profiles', schema=None) as batch_op:
        batch_op.add_column(sa.Column('transfer_fee', sa.Numeric(precision=18, scale=4), server_default='25.00', nullable=False))
        batch_op.add_column(sa.Column('transfer_expiry_days', sa.Integer(), server_default='14', nullable=False))
    _lifecycle_actions(['activate', 'change', 'suspend', 'resume', 'cancel', 'renew', 'transfer'])


def downgrade() -> None:
    op.execute("DELETE FROM provisioning_requests WHERE action = 'transfer'")
    _lifecycle_actions(['activate', 'change', 'suspend', 'resume', 'cancel', 'renew'])
    with op.batch_alter_table('billing_profiles', schema=None) as batch_op:
        batch_op.drop_column('transfer_expiry_days')
        batch_op.drop_column('transfer_fee')

    with op.batch_alter_table('transfers', schema=None) as batch_op:
        batch_op.drop_index('uq_transfers_account_id_under_way', sqlite_where=sa.text("status IN ('requested', 'awaiting_customer_consent', 'awaiting_acceptance', 'approved')"), postgresql_where=sa.text("status IN ('requested', 'awaiting_customer_consent', 'awaiting_acceptance', 'approved')"))
        batch_op.drop_index(batch_op.f('ix_transfers_to_seller_id'))
        batch_op.drop_index(batch_op.f('ix_transfers_account_id'))

    op.drop_table('transfers')


def _lifecycle_actions(actions: list[str]) -> None:
    with op.batch_alter_table('provisioning_requests', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_provisioning_requests_lifecycle_action'), type_='check')
        batch_op.create_check_constraint(op.f('ck_provisioning_requests_lifecycle_action'), sa.column('action').in_(actions))

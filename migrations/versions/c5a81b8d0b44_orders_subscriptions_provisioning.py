"""orders, payments, subscriptions and their history, provisioning requests, manual tasks, idempotency keys

Revision ID: c5a81b8d0b44
Revises: 6e00ff2c2acf
Created: 2026-12-01
"""

import sqlalchemy as sa
from alembic import op

revision = 'c5a81b8d0b44'
down_revision = '6e00ff2c2acf'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('idempotency_keys',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('account_id', sa.Integer(), nullable=False),
    sa.Column('key', sa.String(length=255), nullable=False),
    sa.Column('request_hash', sa.String(length=64), nullable=False),
    sa.Column('response_status', sa.Integer(), nullable=False),
    sa.Column('response_body', sa.JSON(), nullable=False),
    sa.Column('response_headers', sa.JSON(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['account_id'], ['accounts.id'], name=op.f('fk_idempotency_keys_account_id_accounts')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_idempotency_keys')),
    sa.UniqueConstraint('account_id', 'key', name=op.f('uq_idempotency_keys_account_id_key'))
    )
    op.create_table('orders',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('account_id', sa.Integer(), nullable=False),
    sa.Column('owner_id', sa.Integer(), nullable=False),
    sa.Column('payer_id', sa.Integer(), nullable=False),
    sa.Column('seller_id', sa.Integer(), nullable=False),
    sa.Column('placed_by_id', sa.Integer(), nullable=True),
    sa.Column('status', sa.Enum('awaiting_payment', 'in_progress', 'completed', 'failed', 'cancelled', name='order_status', native_enum=False, create_constraint=True), nullable=False),
    sa.Column('payment_method', sa.Enum('card', 'bank_transfer', 'direct_debit', 'on_account', name='payment_method', native_enum=False, create_constraint=True), nullable=False),
    sa.Column('currency', sa.String(length=3), nullable=False),
    sa.Column('total_amount', sa.Numeric(precision=18, scale=4), nullable=False),
    sa.Column('setup_amount', sa.Numeric(precision=18, scale=4), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('completed_at', sa.DateTime(timezone=True), nullable=True),
    sa.CheckConstraint('setup_amount >= 0', name=op.f('ck_orders_setup_not_negative')),
    sa.CheckConstraint('total_amount >= 0', name=op.f('ck_orders_total_not_negative')),
    sa.ForeignKeyConstraint(['account_id'], ['accounts.id'], name=op.f('fk_orders_account_id_accounts')),
    sa.ForeignKeyConstraint(['owner_id'], ['accounts.id'], name=op.f('fk_orders_owner_id_accounts')),
    sa.ForeignKeyConstraint(['payer_id'], ['accounts.id'], name=op.f('fk_orders_payer_id_accounts')),
    sa.ForeignKeyConstraint(['placed_by_id'], ['users.id'], name=op.f('fk_orders_placed_by_id_users')),
    sa.ForeignKeyConstraint(['seller_id'], ['accounts.id'], name=op.f('fk_orders_seller_id_accounts')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_orders'))
    )
    with op.batch_alter_table('orders', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_orders_account_id'), ['account_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_orders_owner_id'), ['owner_id'], unique=False)
        batch_op.create_index('ix_orders_seller_id_status', ['seller_id', 'status'], unique=False)
    op.create_table('payments',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('order_id', sa.Integer(), nullable=False),
    sa.Column('method', sa.Enum('card', 'bank_transfer', 'direct_debit', 'on_account', name='payment_method', native_enum=False, create_constraint=True), nullable=False),
    sa.Column('reference', sa.String(length=200), nullable=False),
    sa.Column('amount', sa.Numeric(precision=18, scale=4), nullable=False),
    sa.Column('currency', sa.String(length=3), nullable=False),
    sa.Column('recorded_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint('amount > 0', name=op.f('ck_payments_amount_positive')),
    sa.ForeignKeyConstraint(['order_id'], ['orders.id'], name=op.f('fk_payments_order_id_orders')),
    sa.ForeignKeyConstraint(['recorded_by_id'], ['users.id'], name=op.f('fk_payments_recorded_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_payments'))
    )
    with op.batch_alter_table('payments', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_payments_order_id'), ['order_id'], unique=False)
    op.create_table('subscriptions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('owner_id', sa.Integer(), nullable=False),
    sa.Column('seller_id', sa.Integer(), nullable=False),
    sa.Column('payer_id', sa.Integer(), nullable=False),
    sa.Column('product_id', sa.Integer(), nullable=False),
    sa.Column('plan_id', sa.Integer(), nullable=False),
    sa.Column('quantity', sa.Integer(), nullable=False),
    sa.Column('params', sa.JSON(), nullable=False),
    sa.Column('status', sa.Enum('pending', 'trial', 'active', 'suspended', 'pending_cancellation', 'cancelled', 'terminated', 'failed', name='subscription_status', native_enum=False, create_constraint=True), nullable=False),
    sa.Column('suspend_reason', sa.Enum('by_seller', 'overdue', 'by_vendor', name='suspend_reason', native_enum=False, create_constraint=True), nullable=True),
    sa.Column('unit_amount', sa.Numeric(precision=18, scale=4), nullable=False),
    sa.Column('currency', sa.String(length=3), nullable=False),
    sa.Column('auto_renew', sa.Boolean(), nullable=False),
    sa.Column('started_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('current_period_start', sa.DateTime(timezone=True), nullable=True),
    sa.Column('current_period_end', sa.DateTime(timezone=True), nullable=True),
    sa.Column('term_end', sa.DateTime(timezone=True), nullable=True),
    sa.Column('trial_end', sa.DateTime(timezone=True), nullable=True),
    sa.Column('cancel_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('ended_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('scheduled_plan_id', sa.Integer(), nullable=True),
    sa.Column('scheduled_quantity', sa.Integer(), nullable=True),
    sa.Column('next_reminder_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('provisioning_data', sa.JSON(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint("(status = 'suspended') = (suspend_reason IS NOT NULL)", name=op.f('ck_subscriptions_suspended_has_reason')),
    sa.CheckConstraint('quantity >= 1', name=op.f('ck_subscriptions_quantity_positive')),
    sa.CheckConstraint('scheduled_quantity IS NULL OR scheduled_quantity >= 1', name=op.f('ck_subscriptions_scheduled_quantity_positive')),
    sa.CheckConstraint('unit_amount >= 0', name=op.f('ck_subscriptions_unit_amount_not_negative')),
    sa.ForeignKeyConstraint(['owner_id'], ['accounts.id'], name=op.f('fk_subscriptions_owner_id_accounts')),
    sa.ForeignKeyConstraint(['payer_id'], ['accounts.id'], name=op.f('fk_subscriptions_payer_id_accounts')),
    sa.ForeignKeyConstraint(['plan_id'], ['plans.id'], name=op.f('fk_subscriptions_plan_id_plans')),
    sa.ForeignKeyConstraint(['product_id'], ['products.id'], name=op.f('fk_subscriptions_product_id_products')),
    sa.ForeignKeyConstraint(['scheduled_plan_id'], ['plans.id'], name=op.f('fk_subscriptions_scheduled_plan_id_plans')),
    sa.ForeignKeyConstraint(['seller_id'], ['accounts.id'], name=op.f('fk_subscriptions_seller_id_accounts')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_subscriptions'))
    )
    with op.batch_alter_table('subscriptions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_subscriptions_owner_id'), ['owner_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_subscriptions_product_id'), ['product_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_subscriptions_next_reminder_at'), ['next_reminder_at'], unique=False)
        batch_op.create_index('ix_subscriptions_seller_id_status', ['seller_id', 'status'], unique=False)
        batch_op.create_index('ix_subscriptions_status_current_period_end', ['status', 'current_period_end'], unique=False)
    op.create_table('order_lines',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('order_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.Enum('new', 'change', name='order_line_kind', native_enum=False, create_constraint=True), nullable=False),
    sa.Column('plan_id', sa.Integer(), nullable=False),
    sa.Column('quantity', sa.Integer(), nullable=False),
    sa.Column('params', sa.JSON(), nullable=False),
    sa.Column('unit_amount', sa.Numeric(precision=18, scale=4), nullable=False),
    sa.Column('setup_fee_amount', sa.Numeric(precision=18, scale=4), nullable=True),
    sa.Column('subscription_id', sa.Integer(), nullable=True),
    sa.CheckConstraint('quantity >= 1', name=op.f('ck_order_lines_quantity_positive')),
    sa.CheckConstraint('setup_fee_amount IS NULL OR setup_fee_amount >= 0', name=op.f('ck_order_lines_setup_fee_not_negative')),
    sa.CheckConstraint('unit_amount >= 0', name=op.f('ck_order_lines_unit_amount_not_negative')),
    sa.ForeignKeyConstraint(['order_id'], ['orders.id'], name=op.f('fk_order_lines_order_id_orders')),
    sa.ForeignKeyConstraint(['plan_id'], ['plans.id'], name=op.f('fk_order_lines_plan_id_plans')),
    sa.ForeignKeyConstraint(['subscription_id'], ['subscriptions.id'], name=op.f('fk_order_lines_subscription_id_subscriptions')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_order_lines'))
    )
    with op.batch_alter_table('order_lines', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_order_lines_order_id'), ['order_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_order_lines_subscription_id'), ['subscription_id'], unique=False)
    op.create_table('subscription_events',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('subscription_id', sa.Integer(), nullable=False),
    sa.Column('actor_id', sa.Integer(), nullable=True),
    sa.Column('action', sa.String(length=60), nullable=False),
    sa.Column('from_status', sa.Enum('pending', 'trial', 'active', 'suspended', 'pending_cancellation', 'cancelled', 'terminated', 'failed', name='from_status', native_enum=False, create_constraint=True), nullable=True),
    sa.Column('to_status', sa.Enum('pending', 'trial', 'active', 'suspended', 'pending_cancellation', 'cancelled', 'terminated', 'failed', name='to_status', native_enum=False, create_constraint=True), nullable=False),
    sa.Column('changes', sa.JSON(), nullable=False),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['actor_id'], ['users.id'], name=op.f('fk_subscription_events_actor_id_users')),
    sa.ForeignKeyConstraint(['subscription_id'], ['subscriptions.id'], name=op.f('fk_subscription_events_subscription_id_subscriptions')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_subscription_events'))
    )
    with op.batch_alter_table('subscription_events', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_subscription_events_subscription_id'), ['subscription_id'], unique=False)
    op.create_table('provisioning_requests',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('subscription_id', sa.Integer(), nullable=False),
    sa.Column('action', sa.Enum('activate', 'change', 'suspend', 'resume', 'cancel', 'renew', name='lifecycle_action', native_enum=False, create_constraint=True), nullable=False),
    sa.Column('status', sa.Enum('pending', 'running', 'waiting', 'manual', 'done', 'failed', name='request_status', native_enum=False, create_constraint=True), nullable=False),
    sa.Column('payload', sa.JSON(), nullable=False),
    sa.Column('completed_steps', sa.JSON(), nullable=False),
    sa.Column('order_line_id', sa.Integer(), nullable=True),
    sa.Column('attempts', sa.Integer(), nullable=False),
    sa.Column('retries', sa.Integer(), nullable=False),
    sa.Column('next_attempt_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('lease_until', sa.DateTime(timezone=True), nullable=True),
    sa.Column('deadline_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('detail', sa.Text(), nullable=False),
    sa.Column('requested_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('completed_at', sa.DateTime(timezone=True), nullable=True),
    sa.CheckConstraint('attempts >= 0', name=op.f('ck_provisioning_requests_attempts_not_negative')),
    sa.CheckConstraint('retries >= 0', name=op.f('ck_provisioning_requests_retries_not_negative')),
    sa.ForeignKeyConstraint(['order_line_id'], ['order_lines.id'], name=op.f('fk_provisioning_requests_order_line_id_order_lines')),
    sa.ForeignKeyConstraint(['requested_by_id'], ['users.id'], name=op.f('fk_provisioning_requests_requested_by_id_users')),
    sa.ForeignKeyConstraint(['subscription_id'], ['subscriptions.id'], name=op.f('fk_provisioning_requests_subscription_id_subscriptions')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_provisioning_requests'))
    )
    with op.batch_alter_table('provisioning_requests', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_provisioning_requests_order_line_id'), ['order_line_id'], unique=False)
        batch_op.create_index('ix_provisioning_requests_status_next_attempt_at', ['status', 'next_attempt_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_provisioning_requests_subscription_id'), ['subscription_id'], unique=False)
    op.create_table('manual_tasks',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('request_id', sa.Integer(), nullable=False),
    sa.Column('account_id', sa.Integer(), nullable=False),
    sa.Column('team_id', sa.Integer(), nullable=False),
    sa.Column('step_key', sa.String(length=80), nullable=False),
    sa.Column('title', sa.String(length=300), nullable=False),
    sa.Column('instructions', sa.Text(), nullable=False),
    sa.Column('status', sa.Enum('open', 'done', 'cancelled', name='task_status', native_enum=False, create_constraint=True), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('completed_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('completed_by_id', sa.Integer(), nullable=True),
    sa.Column('note', sa.Text(), nullable=False),
    sa.ForeignKeyConstraint(['account_id'], ['accounts.id'], name=op.f('fk_manual_tasks_account_id_accounts')),
    sa.ForeignKeyConstraint(['completed_by_id'], ['users.id'], name=op.f('fk_manual_tasks_completed_by_id_users')),
    sa.ForeignKeyConstraint(['request_id'], ['provisioning_requests.id'], name=op.f('fk_manual_tasks_request_id_provisioning_requests')),
    sa.ForeignKeyConstraint(['team_id'], ['teams.id'], name=op.f('fk_manual_tasks_team_id_teams')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_manual_tasks'))
    )
    with op.batch_alter_table('manual_tasks', schema=None) as batch_op:
        batch_op.create_index('ix_manual_tasks_account_id_status', ['account_id', 'status'], unique=False)
        batch_op.create_index(batch_op.f('ix_manual_tasks_request_id'), ['request_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_manual_tasks_team_id'), ['team_id'], unique=False)

    with op.batch_alter_table('accounts', schema=None) as batch_op:
        batch_op.add_column(sa.Column('payment_confirmation_methods', sa.JSON(), nullable=False, server_default=sa.text("'[]'")))


def downgrade() -> None:
    with op.batch_alter_table('accounts', schema=None) as batch_op:
        batch_op.drop_column('payment_confirmation_methods')

    with op.batch_alter_table('manual_tasks', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_manual_tasks_team_id'))
        batch_op.drop_index(batch_op.f('ix_manual_tasks_request_id'))
        batch_op.drop_index('ix_manual_tasks_account_id_status')
    op.drop_table('manual_tasks')
    with op.batch_alter_table('provisioning_requests', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_provisioning_requests_subscription_id'))
        batch_op.drop_index('ix_provisioning_requests_status_next_attempt_at')
        batch_op.drop_index(batch_op.f('ix_provisioning_requests_order_line_id'))
    op.drop_table('provisioning_requests')
    with op.batch_alter_table('subscription_events', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_subscription_events_subscription_id'))
    op.drop_table('subscription_events')
    with op.batch_alter_table('order_lines', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_order_lines_subscription_id'))
        batch_op.drop_index(batch_op.f('ix_order_lines_order_id'))
    op.drop_table('order_lines')
    with op.batch_alter_table('subscriptions', schema=None) as batch_op:
        batch_op.drop_index('ix_subscriptions_status_current_period_end')
        batch_op.drop_index('ix_subscriptions_seller_id_status')
        batch_op.drop_index(batch_op.f('ix_subscriptions_next_reminder_at'))
        batch_op.drop_index(batch_op.f('ix_subscriptions_product_id'))
        batch_op.drop_index(batch_op.f('ix_subscriptions_owner_id'))
    op.drop_table('subscriptions')
    with op.batch_alter_table('payments', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_payments_order_id'))
    op.drop_table('payments')
    with op.batch_alter_table('orders', schema=None) as batch_op:
        batch_op.drop_index('ix_orders_seller_id_status')
        batch_op.drop_index(batch_op.f('ix_orders_owner_id'))
        batch_op.drop_index(batch_op.f('ix_orders_account_id'))
    op.drop_table('orders')
    op.drop_table('idempotency_keys')

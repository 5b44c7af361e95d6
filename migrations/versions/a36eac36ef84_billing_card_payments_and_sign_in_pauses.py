"""billing (dunning, tax ids, cycles, volume discounts), card payments and sign-in pauses

- Invoices keep the issuer's and recipient's tax ids as issued and whether the tax was reverse
  charged, count the reminders sent, and keep when dunning suspended what their recipient pays.
- Sellers' billing profiles have a reminder schedule, a suspension day, reverse charge, and the
  day customers are invoiced on (the 1st or their anniversary); accounts have a tax id.
- Charges name the plan they are for (volume discounts count it).
- Emails name the documents attached to them; orders count their declined card payments; a
  paused login keeps the hash of the link that lifts the pause.
- A subscription suspended because it was not renewed in time is now ``expired``: ``overdue``
  is dunning's, an unpaid invoice's.

Revision ID: a36eac36ef84
Revises: 4d844178dffc
Created: 2026-12-06 22:23:13.400400
"""

import sqlalchemy as sa
from alembic import op

revision = 'a36eac36ef84'
down_revision = '4d844178dffc'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('accounts', schema=None) as batch_op:
        batch_op.add_column(sa.Column('tax_id', sa.String(length=40), nullable=True))

    with op.batch_alter_table('charges', schema=None) as batch_op:
        batch_op.add_column(sa.Column('plan_id', sa.Integer(), nullable=True))
        batch_op.create_foreign_key(batch_op.f('fk_charges_plan_id_plans'), 'plans', ['plan_id'], ['id'])
    op.execute("UPDATE charges SET plan_id = (SELECT plan_id FROM subscriptions WHERE subscriptions.id = "
               "charges.subscription_id) WHERE subscription_id IS NOT NULL")

    with op.batch_alter_table('billing_profiles', schema=None) as batch_op:
        batch_op.add_column(sa.Column('reminder_days', sa.JSON(), server_default='[3, 10, 17]', nullable=False))
        batch_op.add_column(sa.Column('suspend_after_days', sa.Integer(), server_default='24', nullable=True))
        batch_op.add_column(sa.Column('reverse_charge', sa.Boolean(), server_default=sa.false(), nullable=False))
        batch_op.add_column(sa.Column('customer_cycle', sa.Enum('first', 'anniversary', name='billing_cycle',
                                                                native_enum=False, create_constraint=True),
                                      server_default='first', nullable=False))

    with op.batch_alter_table('invoices', schema=None) as batch_op:
        batch_op.add_column(sa.Column('issuer_tax_id', sa.String(length=40), nullable=True))
        batch_op.add_column(sa.Column('recipient_tax_id', sa.String(length=40), nullable=True))
        batch_op.add_column(sa.Column('reverse_charge', sa.Boolean(), server_default=sa.false(), nullable=False))
        batch_op.add_column(sa.Column('reminders_sent', sa.Integer(), server_default='0', nullable=False))
        batch_op.add_column(sa.Column('suspended_at', sa.DateTime(timezone=True), nullable=True))

    with op.batch_alter_table('login_throttles', schema=None) as batch_op:
        batch_op.add_column(sa.Column('unlock_token_hash', sa.String(length=64), nullable=True))
        batch_op.create_unique_constraint(batch_op.f('uq_login_throttles_unlock_token_hash'), ['unlock_token_hash'])

    with op.batch_alter_table('orders', schema=None) as batch_op:
        batch_op.add_column(sa.Column('declined_payments', sa.Integer(), server_default='0', nullable=False))

    with op.batch_alter_table('outbox_emails', schema=None) as batch_op:
        batch_op.add_column(sa.Column('attachments', sa.JSON(), server_default='[]', nullable=False))

    _suspend_reasons(['by_seller', 'overdue', 'expired', 'by_vendor'])
    op.execute("UPDATE subscriptions SET suspend_reason = 'expired' WHERE suspend_reason = 'overdue'")


def downgrade() -> None:
    op.execute("UPDATE subscriptions SET suspend_reason = 'overdue' WHERE suspend_reason = 'expired'")
    _suspend_reasons(['by_seller', 'overdue', 'by_vendor'])

    with op.batch_alter_table('outbox_emails', schema=None) as batch_op:
        batch_op.drop_column('attachments')

    with op.batch_alter_table('orders', schema=None) as batch_op:
        batch_op.drop_column('declined_payments')

    with op.batch_alter_table('login_throttles', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('uq_login_throttles_unlock_token_hash'), type_='unique')
        batch_op.drop_column('unlock_token_hash')

    with op.batch_alter_table('invoices', schema=None) as batch_op:
        batch_op.drop_column('suspended_at')
        batch_op.drop_column('reminders_sent')
        batch_op.drop_column('reverse_charge')
        batch_op.drop_column('recipient_tax_id')
        batch_op.drop_column('issuer_tax_id')

    with op.batch_alter_table('billing_profiles', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('ck_billing_profiles_billing_cycle'), type_='check')
        batch_op.drop_column('customer_cycle')
        batch_op.drop_column('reverse_charge')
        batch_op.drop_column('suspend_after_days')
        batch_op.drop_column('reminder_days')

    with op.batch_alter_table('charges', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_charges_plan_id_plans'), type_='foreignkey')
        batch_op.drop_column('plan_id')

    with op.batch_alter_table('accounts', schema=None) as batch_op:
        batch_op.drop_column('tax_id')


def _suspend_reasons(reasons: list[str]) -> None:
    with op.batch_alter_table('subscriptions', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_subscriptions_suspend_reason'), type_='check')
        batch_op.create_check_constraint(op.f('ck_subscriptions_suspend_reason'),
                                         sa.column('suspend_reason').in_(reasons))

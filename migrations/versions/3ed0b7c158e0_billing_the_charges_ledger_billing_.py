"""billing: the charges ledger, billing profiles, invoices (and credit notes) and their lines

Revision ID: 3ed0b7c158e0
Revises: 5f1e2a7c9b10
Created: 2026-12-06 20:45:33.940626
"""

import sqlalchemy as sa
from alembic import op

revision = '3ed0b7c158e0'
down_revision = '5f1e2a7c9b10'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('billing_profiles',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('account_id', sa.Integer(), nullable=False),
    sa.Column('invoice_prefix', sa.String(length=20), nullable=False),
    sa.Column('next_number', sa.Integer(), nullable=False),
    sa.Column('tax_name', sa.String(length=40), nullable=False),
    sa.Column('tax_rate', sa.Numeric(precision=7, scale=4), nullable=False),
    sa.Column('payment_terms_days', sa.Integer(), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['account_id'], ['accounts.id'], name=op.f('fk_billing_profiles_account_id_accounts')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_billing_profiles')),
    sa.UniqueConstraint('account_id', name=op.f('uq_billing_profiles_account_id'))
    )
    op.create_table('invoices',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('issuer_id', sa.Integer(), nullable=False),
    sa.Column('recipient_id', sa.Integer(), nullable=False),
    sa.Column('number', sa.String(length=40), nullable=False),
    sa.Column('currency', sa.String(length=3), nullable=False),
    sa.Column('period_start', sa.Date(), nullable=False),
    sa.Column('period_end', sa.Date(), nullable=False),
    sa.Column('issued_on', sa.Date(), nullable=False),
    sa.Column('due_on', sa.Date(), nullable=False),
    sa.Column('status', sa.Enum('open', 'paid', 'overdue', 'void', name='invoice_status', native_enum=False, create_constraint=True), nullable=False),
    sa.Column('tax_name', sa.String(length=40), nullable=False),
    sa.Column('tax_rate', sa.Numeric(precision=7, scale=4), nullable=False),
    sa.Column('subtotal_amount', sa.Numeric(precision=18, scale=4), nullable=False),
    sa.Column('tax_amount', sa.Numeric(precision=18, scale=4), nullable=False),
    sa.Column('total_amount', sa.Numeric(precision=18, scale=4), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('notified_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('credited_invoice_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['credited_invoice_id'], ['invoices.id'], name=op.f('fk_invoices_credited_invoice_id_invoices')),
    sa.ForeignKeyConstraint(['issuer_id'], ['accounts.id'], name=op.f('fk_invoices_issuer_id_accounts')),
    sa.ForeignKeyConstraint(['recipient_id'], ['accounts.id'], name=op.f('fk_invoices_recipient_id_accounts')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_invoices')),
    sa.UniqueConstraint('issuer_id', 'number', name=op.f('uq_invoices_issuer_id_number'))
    )
    with op.batch_alter_table('invoices', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_invoices_recipient_id'), ['recipient_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_invoices_notified_at'), ['notified_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_invoices_credited_invoice_id'), ['credited_invoice_id'], unique=False)
    # One invoice per issuer, recipient, currency and month; credit notes aside.
    op.create_index('uq_invoices_one_a_month', 'invoices', ['issuer_id', 'recipient_id', 'currency', 'period_start'],
                    unique=True, sqlite_where=sa.text('credited_invoice_id IS NULL'),
                    postgresql_where=sa.text('credited_invoice_id IS NULL'))

    op.create_table('charges',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('key', sa.String(length=200), nullable=False),
    sa.Column('issuer_id', sa.Integer(), nullable=False),
    sa.Column('recipient_id', sa.Integer(), nullable=False),
    sa.Column('subscription_id', sa.Integer(), nullable=True),
    sa.Column('kind', sa.Enum('recurring', 'setup', 'proration', 'fee', 'discount', 'credit', 'manual', name='charge_kind', native_enum=False, create_constraint=True), nullable=False),
    sa.Column('description', sa.String(length=300), nullable=False),
    sa.Column('quantity', sa.Integer(), nullable=False),
    sa.Column('unit_amount', sa.Numeric(precision=18, scale=4), nullable=False),
    sa.Column('amount', sa.Numeric(precision=18, scale=4), nullable=False),
    sa.Column('currency', sa.String(length=3), nullable=False),
    sa.Column('period_start', sa.DateTime(timezone=True), nullable=True),
    sa.Column('period_end', sa.DateTime(timezone=True), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['issuer_id'], ['accounts.id'], name=op.f('fk_charges_issuer_id_accounts')),
    sa.ForeignKeyConstraint(['recipient_id'], ['accounts.id'], name=op.f('fk_charges_recipient_id_accounts')),
    sa.ForeignKeyConstraint(['subscription_id'], ['subscriptions.id'], name=op.f('fk_charges_subscription_id_subscriptions')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_charges')),
    sa.UniqueConstraint('key', name=op.f('uq_charges_key'))
    )
    with op.batch_alter_table('charges', schema=None) as batch_op:
        batch_op.create_index('ix_charges_issuer_id_recipient_id', ['issuer_id', 'recipient_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_charges_recipient_id'), ['recipient_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_charges_subscription_id'), ['subscription_id'], unique=False)

    op.create_table('invoice_lines',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('invoice_id', sa.Integer(), nullable=False),
    sa.Column('charge_id', sa.Integer(), nullable=True),
    sa.Column('kind', sa.Enum('recurring', 'setup', 'proration', 'fee', 'discount', 'credit', 'manual', name='invoice_line_kind', native_enum=False, create_constraint=True), nullable=False),
    sa.Column('description', sa.String(length=300), nullable=False),
    sa.Column('subscription_id', sa.Integer(), nullable=True),
    sa.Column('quantity', sa.Integer(), nullable=False),
    sa.Column('unit_amount', sa.Numeric(precision=18, scale=4), nullable=False),
    sa.Column('amount', sa.Numeric(precision=18, scale=4), nullable=False),
    sa.Column('period_start', sa.DateTime(timezone=True), nullable=True),
    sa.Column('period_end', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['charge_id'], ['charges.id'], name=op.f('fk_invoice_lines_charge_id_charges')),
    sa.ForeignKeyConstraint(['invoice_id'], ['invoices.id'], name=op.f('fk_invoice_lines_invoice_id_invoices')),
    sa.ForeignKeyConstraint(['subscription_id'], ['subscriptions.id'], name=op.f('fk_invoice_lines_subscription_id_subscriptions')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_invoice_lines')),
    sa.UniqueConstraint('charge_id', name=op.f('uq_invoice_lines_charge_id'))
    )
    with op.batch_alter_table('invoice_lines', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_invoice_lines_invoice_id'), ['invoice_id'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('invoice_lines', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_invoice_lines_invoice_id'))

    op.drop_table('invoice_lines')
    with op.batch_alter_table('charges', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_charges_subscription_id'))
        batch_op.drop_index(batch_op.f('ix_charges_recipient_id'))
        batch_op.drop_index('ix_charges_issuer_id_recipient_id')

    op.drop_table('charges')
    op.drop_index('uq_invoices_one_a_month', table_name='invoices')
    with op.batch_alter_table('invoices', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_invoices_credited_invoice_id'))
        batch_op.drop_index(batch_op.f('ix_invoices_notified_at'))
        batch_op.drop_index(batch_op.f('ix_invoices_recipient_id'))

    op.drop_table('invoices')
    op.drop_table('billing_profiles')

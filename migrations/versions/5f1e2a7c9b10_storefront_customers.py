"""storefront customers: sign-ups, sign-ins bound to one storefront, custom domains and sender names

Revision ID: 5f1e2a7c9b10
Revises: c57ca6b6eae4
"""

import sqlalchemy as sa
from alembic import op

revision = '5f1e2a7c9b10'
down_revision = 'c57ca6b6eae4'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('sign_ups',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('storefront_id', sa.Integer(), nullable=False),
    sa.Column('email', sa.String(length=320), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('company_name', sa.String(length=200), nullable=False),
    sa.Column('password_hash', sa.String(length=255), nullable=False),
    sa.Column('locale', sa.String(length=10), nullable=False),
    sa.Column('token_hash', sa.String(length=64), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('expires_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('confirmed_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('account_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['account_id'], ['accounts.id'], name=op.f('fk_sign_ups_account_id_accounts')),
    sa.ForeignKeyConstraint(['storefront_id'], ['storefronts.id'], name=op.f('fk_sign_ups_storefront_id_storefronts')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_sign_ups')),
    sa.UniqueConstraint('token_hash', name=op.f('uq_sign_ups_token_hash'))
    )
    with op.batch_alter_table('sign_ups', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_sign_ups_storefront_id'), ['storefront_id'], unique=False)

    with op.batch_alter_table('login_sessions', schema=None) as batch_op:
        batch_op.add_column(sa.Column('storefront_id', sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f('ix_login_sessions_storefront_id'), ['storefront_id'], unique=False)
        batch_op.create_foreign_key(batch_op.f('fk_login_sessions_storefront_id_storefronts'), 'storefronts', ['storefront_id'], ['id'])

    with op.batch_alter_table('storefronts', schema=None) as batch_op:
        batch_op.add_column(sa.Column('sender_name', sa.String(length=80), server_default='', nullable=False))
        batch_op.add_column(sa.Column('custom_domain', sa.String(length=253), nullable=True))
        batch_op.add_column(sa.Column('custom_domain_token', sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column('custom_domain_verified_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.create_unique_constraint(batch_op.f('uq_storefronts_custom_domain'), ['custom_domain'])
        batch_op.create_check_constraint('logo_has_media_type', '(logo IS NULL) = (logo_media_type IS NULL)')


def downgrade() -> None:
    with op.batch_alter_table('storefronts', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('ck_storefronts_logo_has_media_type'), type_='check')
        batch_op.drop_constraint(batch_op.f('uq_storefronts_custom_domain'), type_='unique')
        batch_op.drop_column('custom_domain_verified_at')
        batch_op.drop_column('custom_domain_token')
        batch_op.drop_column('custom_domain')
        batch_op.drop_column('sender_name')

    with op.batch_alter_table('login_sessions', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_login_sessions_storefront_id_storefronts'), type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_login_sessions_storefront_id'))
        batch_op.drop_column('storefront_id')

    with op.batch_alter_table('sign_ups', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_sign_ups_storefront_id'))

    op.drop_table('sign_ups')

"""price lists, volume tiers, offered products, hidden plans, plan cost prices

Revision ID: a493f7267f2b
Revises: 30107bf55d60
Created: 2026-11-22
"""

import sqlalchemy as sa
from alembic import op

revision = 'a493f7267f2b'
down_revision = '30107bf55d60'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('offered_products',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('distributor_id', sa.Integer(), nullable=False),
    sa.Column('product_id', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['distributor_id'], ['accounts.id'], name=op.f('fk_offered_products_distributor_id_accounts')),
    sa.ForeignKeyConstraint(['product_id'], ['products.id'], name=op.f('fk_offered_products_product_id_products')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_offered_products')),
    sa.UniqueConstraint('distributor_id', 'product_id', name=op.f('uq_offered_products_distributor_id_product_id'))
    )
    op.create_table('price_lists',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('seller_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.Enum('wholesale', 'retail', name='price_list_kind', native_enum=False, create_constraint=True), nullable=False),
    sa.Column('name', sa.String(length=100), nullable=False),
    sa.Column('currency', sa.String(length=3), nullable=False),
    sa.Column('tier', sa.String(length=40), nullable=True),
    sa.Column('buyer_id', sa.Integer(), nullable=True),
    sa.Column('audience', sa.String(length=60), nullable=False),
    sa.Column('markup_percent', sa.Numeric(precision=7, scale=3), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint('markup_percent IS NULL OR markup_percent > -100', name=op.f('ck_price_lists_markup_above_minus_100')),
    sa.CheckConstraint('tier IS NULL OR buyer_id IS NULL', name=op.f('ck_price_lists_one_audience')),
    sa.ForeignKeyConstraint(['buyer_id'], ['accounts.id'], name=op.f('fk_price_lists_buyer_id_accounts')),
    sa.ForeignKeyConstraint(['seller_id'], ['accounts.id'], name=op.f('fk_price_lists_seller_id_accounts')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_price_lists')),
    sa.UniqueConstraint('seller_id', 'kind', 'audience', name=op.f('uq_price_lists_seller_id_kind_audience'))
    )
    with op.batch_alter_table('price_lists', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_price_lists_seller_id'), ['seller_id'], unique=False)

    op.create_table('hidden_plans',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('distributor_id', sa.Integer(), nullable=False),
    sa.Column('plan_id', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['distributor_id'], ['accounts.id'], name=op.f('fk_hidden_plans_distributor_id_accounts')),
    sa.ForeignKeyConstraint(['plan_id'], ['plans.id'], name=op.f('fk_hidden_plans_plan_id_plans')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_hidden_plans')),
    sa.UniqueConstraint('distributor_id', 'plan_id', name=op.f('uq_hidden_plans_distributor_id_plan_id'))
    )
    op.create_table('price_entries',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('price_list_id', sa.Integer(), nullable=False),
    sa.Column('plan_id', sa.Integer(), nullable=False),
    sa.Column('unit_price', sa.Numeric(precision=18, scale=4), nullable=False),
    sa.Column('setup_fee', sa.Numeric(precision=18, scale=4), nullable=True),
    sa.CheckConstraint('setup_fee IS NULL OR setup_fee >= 0', name=op.f('ck_price_entries_setup_fee_not_negative')),
    sa.CheckConstraint('unit_price >= 0', name=op.f('ck_price_entries_unit_price_not_negative')),
    sa.ForeignKeyConstraint(['plan_id'], ['plans.id'], name=op.f('fk_price_entries_plan_id_plans')),
    sa.ForeignKeyConstraint(['price_list_id'], ['price_lists.id'], name=op.f('fk_price_entries_price_list_id_price_lists')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_price_entries')),
    sa.UniqueConstraint('price_list_id', 'plan_id', name=op.f('uq_price_entries_price_list_id_plan_id'))
    )
    with op.batch_alter_table('price_entries', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_price_entries_plan_id'), ['plan_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_price_entries_price_list_id'), ['price_list_id'], unique=False)

    op.create_table('volume_tiers',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('entry_id', sa.Integer(), nullable=False),
    sa.Column('min_quantity', sa.Integer(), nullable=False),
    sa.Column('unit_price', sa.Numeric(precision=18, scale=4), nullable=False),
    sa.CheckConstraint('min_quantity >= 2', name=op.f('ck_volume_tiers_min_quantity_at_least_2')),
    sa.CheckConstraint('unit_price >= 0', name=op.f('ck_volume_tiers_unit_price_not_negative')),
    sa.ForeignKeyConstraint(['entry_id'], ['price_entries.id'], name=op.f('fk_volume_tiers_entry_id_price_entries')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_volume_tiers')),
    sa.UniqueConstraint('entry_id', 'min_quantity', name=op.f('uq_volume_tiers_entry_id_min_quantity'))
    )
    with op.batch_alter_table('volume_tiers', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_volume_tiers_entry_id'), ['entry_id'], unique=False)

    with op.batch_alter_table('plans', schema=None) as batch_op:
        batch_op.add_column(sa.Column('cost_amount', sa.Numeric(precision=18, scale=4), nullable=True))
        batch_op.add_column(sa.Column('cost_currency', sa.String(length=3), nullable=True))
        batch_op.create_check_constraint(
            op.f('ck_plans_cost_has_currency'), '(cost_amount IS NULL) = (cost_currency IS NULL)'
        )

    _grant_owners_manage_prices()


def _grant_owners_manage_prices() -> None:
    """Owner teams hold every permission, the new one included."""
    teams = sa.table("teams", sa.column("id"), sa.column("is_owner"), sa.column("permissions", sa.JSON))
    connection = op.get_bind()
    for team_id, permissions in connection.execute(sa.select(teams.c.id, teams.c.permissions).where(teams.c.is_owner)):
        if "manage_prices" not in permissions:
            connection.execute(
                teams.update().where(teams.c.id == team_id).values(permissions=sorted([*permissions, "manage_prices"]))
            )


def downgrade() -> None:
    with op.batch_alter_table('plans', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_plans_cost_has_currency'), type_='check')
        batch_op.drop_column('cost_currency')
        batch_op.drop_column('cost_amount')

    with op.batch_alter_table('volume_tiers', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_volume_tiers_entry_id'))

    op.drop_table('volume_tiers')
    with op.batch_alter_table('price_entries', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_price_entries_price_list_id'))
        batch_op.drop_index(batch_op.f('ix_price_entries_plan_id'))

    op.drop_table('price_entries')
    op.drop_table('hidden_plans')
    with op.batch_alter_table('price_lists', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_price_lists_seller_id'))

    op.drop_table('price_lists')
    op.drop_table('offered_products')

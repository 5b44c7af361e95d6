"""price versions: the stamps kept catalogs are checked against

Revision ID: e2ea71c015fa
Revises: a61320b9bb35
Created: 2026-12-07 04:13:28.009196
"""

import uuid

import sqlalchemy as sa
from alembic import op

revision = 'e2ea71c015fa'
down_revision = 'a61320b9bb35'
branch_labels = None
depends_on = None


def upgrade() -> None:
    price_versions = op.create_table('price_versions',
    sa.Column('scope', sa.String(length=40), nullable=False),
    sa.Column('stamp', sa.String(length=32), nullable=False),
    sa.PrimaryKeyConstraint('scope', name=op.f('pk_price_versions'))
    )
    # Each database's catalog has a stamp of its own from the start: caches shared by several never mix them up.
    op.bulk_insert(price_versions, [{'scope': 'catalog', 'stamp': uuid.uuid4().hex}])


def downgrade() -> None:
    op.drop_table('price_versions')

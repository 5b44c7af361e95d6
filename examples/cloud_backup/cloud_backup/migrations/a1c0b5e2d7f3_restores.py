"""cloud backup: restores customers ask for

Revision ID: a1c0b5e2d7f3
Revises: (the first of the cloud_backup branch)
Depends on: 5f1e2a7c9b10 (the core's subscriptions and people)
"""

import sqlalchemy as sa
from alembic import op

revision = "a1c0b5e2d7f3"
down_revision = None
branch_labels = ("cloud_backup",)
depends_on = "5f1e2a7c9b10"


def upgrade() -> None:
    op.create_table(
        "cloud_backup_restores",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("subscription_id", sa.Integer(), nullable=False),
        sa.Column("restore_point", sa.Date(), nullable=False),
        sa.Column("note", sa.String(length=500), nullable=False),
        sa.Column("status", sa.Enum("requested", "done", name="cloud_backup_restore_status", native_enum=False,
                                    create_constraint=True), nullable=False),
        sa.Column("requested_by_id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("done_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(["subscription_id"], ["subscriptions.id"],
                                name=op.f("fk_cloud_backup_restores_subscription_id_subscriptions")),
        sa.ForeignKeyConstraint(["requested_by_id"], ["users.id"], name=op.f("fk_cloud_backup_restores_requested_by_id_users")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_cloud_backup_restores")),
    )
    op.create_index(op.f("ix_cloud_backup_restores_subscription_id"), "cloud_backup_restores", ["subscription_id"])


def downgrade() -> None:
    op.drop_index(op.f("ix_cloud_backup_restores_subscription_id"), table_name="cloud_backup_restores")
    op.drop_table("cloud_backup_restores")

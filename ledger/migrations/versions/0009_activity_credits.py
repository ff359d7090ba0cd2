"""activities and their volunteer-hour credits, once per (activity, member)

Revision ID: 0009_activity_credits
Revises: 0008_member_devices
Create Date: 2026-12-06 05:20:00.000000

"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision: str = "0009_activity_credits"
down_revision: str | Sequence[str] | None = "0008_member_devices"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "activities",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("hours", sa.String(length=16), nullable=False),
        sa.Column("rate", sa.Integer(), nullable=False),
        sa.Column("created_by", sa.String(length=100), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("name", "day", name="uq_activities_name_day"),
    )
    op.create_table(
        "activity_credits",
        sa.Column("activity_id", sa.Integer(), nullable=False),
        sa.Column("member_id", sa.String(length=16), nullable=False),
        sa.Column("hours", sa.String(length=16), nullable=False),
        sa.Column("coins", sa.Integer(), nullable=False),
        sa.Column("transaction_id", sa.Integer(), nullable=False),
        sa.Column("created_by", sa.String(length=100), nullable=False),
        sa.ForeignKeyConstraint(["activity_id"], ["activities.id"]),
        sa.ForeignKeyConstraint(["member_id"], ["members.id"]),
        sa.ForeignKeyConstraint(["transaction_id"], ["transactions.id"]),
        sa.PrimaryKeyConstraint("activity_id", "member_id"),
    )


def downgrade() -> None:
    op.drop_table("activity_credits")
    op.drop_table("activities")

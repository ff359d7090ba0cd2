"""phone gifts and pools: pooled redemptions, their pledges, one-use form tokens

Revision ID: 0011_phone_gifts_pools
Revises: 0010_catalog_fleet_reports
Create Date: 2026-12-06 05:25:00.000000

"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision: str = "0011_phone_gifts_pools"
down_revision: str | Sequence[str] | None = "0010_catalog_fleet_reports"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _when() -> sa.DateTime:
    return sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "pools",
        sa.Column("id", sa.String(length=16), nullable=False),
        sa.Column("organiser_id", sa.String(length=16), nullable=False),
        sa.Column("sku", sa.String(length=64), nullable=False),
        sa.Column("item_zh", sa.String(length=200), nullable=False),
        sa.Column("item_en", sa.String(length=200), nullable=False),
        sa.Column("quantity", sa.Integer(), nullable=False),
        sa.Column("unit_price", sa.Integer(), nullable=False),
        sa.Column("target", sa.Integer(), nullable=False),
        sa.Column(
            "state",
            sa.Enum(
                "open",
                "full",
                "collected",
                "cancelled",
                "expired",
                name="poolstate",
                native_enum=False,
                length=20,
            ),
            nullable=False,
        ),
        sa.Column("created_at", _when(), nullable=False),
        sa.Column("expires_at", _when(), nullable=False),
        sa.Column("closed_at", _when(), nullable=True),
        sa.Column("redemption_tx_id", sa.Integer(), nullable=True),
        sa.Column("collected_at", _when(), nullable=True),
        sa.Column("collected_by", sa.String(length=100), nullable=True),
        sa.Column("collected_where", sa.String(length=200), nullable=True),
        sa.CheckConstraint(
            "quantity > 0 AND unit_price > 0 AND target = quantity * unit_price "
            "AND target <= 1000000",
            name="ck_pools_target",
        ),
        sa.ForeignKeyConstraint(["organiser_id"], ["members.id"]),
        sa.ForeignKeyConstraint(["redemption_tx_id"], ["transactions.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_pools_organiser_id", "pools", ["organiser_id"])
    op.create_index("ix_pools_state", "pools", ["state"])
    op.create_table(
        "pool_pledges",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("pool_id", sa.String(length=16), nullable=False),
        sa.Column("member_id", sa.String(length=16), nullable=False),
        sa.Column("coins", sa.Integer(), nullable=False),
        sa.Column("pledge_tx_id", sa.Integer(), nullable=False),
        sa.Column("refund_tx_id", sa.Integer(), nullable=True),
        sa.Column("created_at", _when(), nullable=False),
        sa.Column("refunded_at", _when(), nullable=True),
        sa.CheckConstraint("coins > 0", name="ck_pool_pledges_coins"),
        sa.ForeignKeyConstraint(["pool_id"], ["pools.id"]),
        sa.ForeignKeyConstraint(["member_id"], ["members.id"]),
        sa.ForeignKeyConstraint(["pledge_tx_id"], ["transactions.id"]),
        sa.ForeignKeyConstraint(["refund_tx_id"], ["transactions.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("pledge_tx_id"),
        sa.UniqueConstraint("refund_tx_id"),
    )
    op.create_index("ix_pool_pledges_pool_id", "pool_pledges", ["pool_id"])
    op.create_index("ix_pool_pledges_member_id", "pool_pledges", ["member_id"])
    op.create_table(
        "phone_actions",
        sa.Column("token", sa.String(length=64), nullable=False),
        sa.Column("device_id", sa.String(length=16), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("result", sa.String(length=64), nullable=False),
        sa.Column("created_at", _when(), nullable=False),
        sa.ForeignKeyConstraint(["device_id"], ["member_devices.id"]),
        sa.PrimaryKeyConstraint("token"),
    )
    op.create_index("ix_phone_actions_device_id", "phone_actions", ["device_id"])


def downgrade() -> None:
    op.drop_index("ix_phone_actions_device_id", table_name="phone_actions")
    op.drop_table("phone_actions")
    op.drop_index("ix_pool_pledges_member_id", table_name="pool_pledges")
    op.drop_index("ix_pool_pledges_pool_id", table_name="pool_pledges")
    op.drop_table("pool_pledges")
    op.drop_index("ix_pools_state", table_name="pools")
    op.drop_index("ix_pools_organiser_id", table_name="pools")
    op.drop_table("pools")

"""reservations: a member reserves an item at a kiosk from the phone (issue 16, section 4)

Revision ID: 0012_reservations
Revises: 0011_phone_gifts_pools
Create Date: 2026-12-06 05:20:00.000000

"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision: str = "0012_reservations"
down_revision: str | Sequence[str] | None = "0011_phone_gifts_pools"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

STATES = ("pending", "set_aside", "collecting", "cancelled", "failed")


def upgrade() -> None:
    op.create_table(
        "reservations",
        sa.Column("id", sa.String(length=40), nullable=False),
        sa.Column("member_id", sa.String(length=16), nullable=False),
        sa.Column("kiosk_id", sa.String(length=16), nullable=False),
        sa.Column("sku", sa.String(length=64), nullable=False),
        sa.Column("price", sa.Integer(), nullable=False),
        sa.Column("hold_id", sa.String(length=40), nullable=False),
        sa.Column(
            "state",
            sa.Enum(*STATES, name="reservationstate", native_enum=False, length=20),
            nullable=False,
        ),
        sa.Column("locker", sa.String(length=32), nullable=True),
        sa.Column("note", sa.String(length=200), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["member_id"], ["members.id"]),
        sa.ForeignKeyConstraint(["kiosk_id"], ["kiosks.id"]),
        sa.ForeignKeyConstraint(["hold_id"], ["holds.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("hold_id"),
    )
    op.create_index("ix_reservations_member_id", "reservations", ["member_id"])
    op.create_index("ix_reservations_kiosk_id", "reservations", ["kiosk_id"])
    op.create_index("ix_reservations_state", "reservations", ["state"])


def downgrade() -> None:
    op.drop_index("ix_reservations_state", table_name="reservations")
    op.drop_index("ix_reservations_kiosk_id", table_name="reservations")
    op.drop_index("ix_reservations_member_id", table_name="reservations")
    op.drop_table("reservations")

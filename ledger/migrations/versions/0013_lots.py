"""lots: donors, lots of donated goods and their movements (issue 18)

Revision ID: 0013_lots
Revises: 0012_reservations
Create Date: 2026-12-06 07:00:00.000000

"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision: str = "0013_lots"
down_revision: str | Sequence[str] | None = "0012_reservations"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

MAX_LOT_QTY = 100_000
KINDS = (
    "intake",
    "to_kiosk",
    "return",
    "restock",
    "handout",
    "handout_unattributed",
    "writeoff",
)


def _enum(name: str, *values: str) -> sa.Enum:
    return sa.Enum(*values, name=name, native_enum=False, length=20)


def upgrade() -> None:
    op.create_table(
        "donors",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("kind", _enum("donorkind", "person", "organisation"), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("name"),
    )
    op.create_table(
        "lots",
        sa.Column("code", sa.String(length=8), nullable=False),
        sa.Column("sku", sa.String(length=64), nullable=False),
        sa.Column("qty", sa.Integer(), nullable=False),
        sa.Column("best_before", sa.Date(), nullable=False),
        sa.Column("donor_id", sa.Integer(), nullable=False),
        sa.Column("received_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("received_by", sa.String(length=100), nullable=False),
        sa.CheckConstraint(f"qty > 0 AND qty <= {MAX_LOT_QTY}", name="ck_lots_qty"),
        sa.ForeignKeyConstraint(["donor_id"], ["donors.id"]),
        sa.PrimaryKeyConstraint("code"),
    )
    op.create_index("ix_lots_sku", "lots", ["sku"])
    op.create_index("ix_lots_best_before", "lots", ["best_before"])
    op.create_index("ix_lots_donor_id", "lots", ["donor_id"])
    op.create_table(
        "lot_movements",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("lot_code", sa.String(length=8), nullable=False),
        sa.Column("kind", _enum("movekind", *KINDS), nullable=False),
        sa.Column("qty", sa.Integer(), nullable=False),
        sa.Column("reason", _enum("writeoffreason", "expired", "damaged", "lost"), nullable=True),
        sa.Column("kiosk_id", sa.String(length=16), nullable=True),
        sa.Column("locker", sa.String(length=32), nullable=True),
        sa.Column("hold_id", sa.String(length=40), nullable=True),
        sa.Column("actor", sa.String(length=100), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(f"qty >= 0 AND qty <= {MAX_LOT_QTY}", name="ck_lot_movements_qty"),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_lot_movements_lot_code", "lot_movements", ["lot_code"])
    op.create_index("ix_lot_movements_kind", "lot_movements", ["kind"])
    op.create_index("ix_lot_movements_kiosk_id", "lot_movements", ["kiosk_id"])
    op.create_index("ix_lot_movements_hold_id", "lot_movements", ["hold_id"])


def downgrade() -> None:
    op.drop_table("lot_movements")
    op.drop_table("lots")
    op.drop_table("donors")

"""pool pick-ups: a full pool's goods collected at kiosks (as reservations) or at the office

Revision ID: 0014_pool_pickups
Revises: 0013_lots
Create Date: 2026-12-06 21:40:00.000000

"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision: str = "0014_pool_pickups"
down_revision: str | Sequence[str] | None = "0013_lots"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # Batch mode: SQLite cannot add a foreign key to a table in place, so it is rebuilt there.
    with op.batch_alter_table("reservations", schema=None) as batch_op:
        batch_op.add_column(sa.Column("pool_id", sa.String(length=16), nullable=True))
        batch_op.create_index("ix_reservations_pool_id", ["pool_id"])
        batch_op.create_foreign_key("fk_reservations_pool_id", "pools", ["pool_id"], ["id"])
    op.add_column("pools", sa.Column("office_quantity", sa.Integer(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("pools", schema=None) as batch_op:
        batch_op.drop_column("office_quantity")
    with op.batch_alter_table("reservations", schema=None) as batch_op:
        batch_op.drop_constraint("fk_reservations_pool_id", type_="foreignkey")
        batch_op.drop_index("ix_reservations_pool_id")
        batch_op.drop_column("pool_id")

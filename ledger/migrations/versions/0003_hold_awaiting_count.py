"""holds awaiting a locker count

A vend whose outcome the kiosk's sensors cannot decide keeps its hold open until the locker is
counted; the hold records since when, and never lapses meanwhile (ledger.counting).

Revision ID: 0003_hold_awaiting_count
Revises: 0002_balance_indexes
Create Date: 2026-12-06 02:40:00.000000

"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision: str = "0003_hold_awaiting_count"
down_revision: str | Sequence[str] | None = "0002_balance_indexes"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("holds", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("awaiting_count_since", sa.DateTime(timezone=True), nullable=True)
        )


def downgrade() -> None:
    with op.batch_alter_table("holds", schema=None) as batch_op:
        batch_op.drop_column("awaiting_count_since")

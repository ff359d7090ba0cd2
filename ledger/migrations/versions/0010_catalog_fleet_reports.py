"""catalog items retired (kept for history, off the kiosks) and members' opt-in to the
volunteers' ranking

Revision ID: 0010_catalog_fleet_reports
Revises: 0009_activity_credits
Create Date: 2026-12-06 05:20:00.000000

"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision: str = "0010_catalog_fleet_reports"
down_revision: str | Sequence[str] | None = "0009_activity_credits"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # Plain ADD COLUMN on both databases: a batch copy of `members` on SQLite would drop the
    # table that accounts, cards and holds point at, which the foreign keys refuse.
    op.add_column("catalog", sa.Column("retired_at", sa.DateTime(timezone=True), nullable=True))
    op.add_column(
        "members",
        sa.Column("ranking_opt_in", sa.Boolean(), nullable=False, server_default=sa.false()),
    )


def downgrade() -> None:
    with op.batch_alter_table("members", schema=None) as batch_op:
        batch_op.drop_column("ranking_opt_in")
    with op.batch_alter_table("catalog", schema=None) as batch_op:
        batch_op.drop_column("retired_at")

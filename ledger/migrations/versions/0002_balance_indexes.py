"""covering indexes for balances and open holds

A balance is SUM(amount) of an account's postings and a member's spendable balance subtracts
their open holds: these indexes keep both reads off the table rows and off settled holds.

Revision ID: 0002_balance_indexes
Revises: 0001_baseline
Create Date: 2026-11-22 16:33:54.431848

"""

from collections.abc import Sequence

from alembic import op

# revision identifiers, used by Alembic.
revision: str = "0002_balance_indexes"
down_revision: str | Sequence[str] | None = "0001_baseline"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("holds", schema=None) as batch_op:
        batch_op.create_index("ix_holds_member_state", ["member_id", "state"], unique=False)
    with op.batch_alter_table("postings", schema=None) as batch_op:
        batch_op.create_index("ix_postings_account_amount", ["account_id", "amount"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("postings", schema=None) as batch_op:
        batch_op.drop_index("ix_postings_account_amount")
    with op.batch_alter_table("holds", schema=None) as batch_op:
        batch_op.drop_index("ix_holds_member_state")

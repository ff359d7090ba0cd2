"""sign-in lock-outs per credential, escalating

Wrong tries are counted per credential (a card, a member number's phone codes) in one table,
with the number of lock-outs since the last success, which doubles each lock-out's length
(ledger.lockouts). Phone codes had no lock-out; the cards' own counters move here, a card
locked now staying locked until the same time.

Revision ID: 0005_signin_lockouts
Revises: 0004_amount_bounds
Create Date: 2026-12-07 10:00:00.000000

"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision: str = "0005_signin_lockouts"
down_revision: str | Sequence[str] | None = "0004_amount_bounds"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "signin_lockouts",
        sa.Column("credential", sa.String(length=40), nullable=False),
        sa.Column("failures", sa.Integer(), nullable=False),
        sa.Column("lockouts", sa.Integer(), nullable=False),
        sa.Column("locked_until", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("credential"),
    )
    # '||' concatenates on SQLite and PostgreSQL alike. A lock-out counts as the first one, and
    # its round's count starts over (as ledger.lockouts leaves it).
    op.execute(
        "INSERT INTO signin_lockouts (credential, failures, lockouts, locked_until)"
        " SELECT 'card:' || id,"
        " CASE WHEN locked_until IS NULL THEN failed_pins ELSE 0 END,"
        " CASE WHEN locked_until IS NULL THEN 0 ELSE 1 END, locked_until"
        " FROM cards WHERE failed_pins > 0 OR locked_until IS NOT NULL"
    )
    # On SQLite, batch mode copies cards into a new table; nothing refers to cards.
    with op.batch_alter_table("cards", schema=None) as batch_op:
        batch_op.drop_column("failed_pins")
        batch_op.drop_column("locked_until")


def downgrade() -> None:
    with op.batch_alter_table("cards", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("failed_pins", sa.Integer(), nullable=False, server_default="0")
        )
        batch_op.add_column(sa.Column("locked_until", sa.DateTime(timezone=True), nullable=True))
    op.execute(
        "UPDATE cards SET"
        " failed_pins = (SELECT l.failures FROM signin_lockouts l"
        " WHERE l.credential = 'card:' || cards.id),"
        " locked_until = (SELECT l.locked_until FROM signin_lockouts l"
        " WHERE l.credential = 'card:' || cards.id)"
        " WHERE EXISTS (SELECT 1 FROM signin_lockouts l WHERE l.credential = 'card:' || cards.id)"
    )
    op.drop_table("signin_lockouts")

"""amounts and prices within one range on every database

PostgreSQL's int4 and SQLite's int8 took different ranges, and a SQLite balance could overflow
(issue 21). Postings and catalog prices are now CHECKed against ledger.limits' bounds; a hold's
price equals its item's, so it is bounded too (holds are not rebuilt: SQLite would have to drop
a table that transactions refer to). The numbers are written out: a revision must not change
when ledger.limits does.

Revision ID: 0004_amount_bounds
Revises: 0003_hold_awaiting_count
Create Date: 2026-12-06 03:30:00.000000

"""

from collections.abc import Sequence

from alembic import op

# revision identifiers, used by Alembic.
revision: str = "0004_amount_bounds"
down_revision: str | Sequence[str] | None = "0003_hold_awaiting_count"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

MAX_COINS = 1_000_000  # ledger.limits.MAX_COINS and MAX_PRICE when this was written


def upgrade() -> None:
    # On SQLite, batch mode copies each table into a new one with the CHECK (nothing refers
    # to postings or catalog, so the copy is safe with foreign keys on); on PostgreSQL it is
    # ALTER TABLE ADD CONSTRAINT, which checks the rows already there.
    with op.batch_alter_table("postings", schema=None) as batch_op:
        batch_op.create_check_constraint(
            "ck_postings_amount_bounded",
            f"amount <> 0 AND amount BETWEEN {-MAX_COINS} AND {MAX_COINS}",
        )
    with op.batch_alter_table("catalog", schema=None) as batch_op:
        batch_op.create_check_constraint(
            "ck_catalog_price_bounded", f"price BETWEEN 0 AND {MAX_COINS}"
        )


def downgrade() -> None:
    with op.batch_alter_table("catalog", schema=None) as batch_op:
        batch_op.drop_constraint("ck_catalog_price_bounded", type_="check")
    with op.batch_alter_table("postings", schema=None) as batch_op:
        batch_op.drop_constraint("ck_postings_amount_bounded", type_="check")

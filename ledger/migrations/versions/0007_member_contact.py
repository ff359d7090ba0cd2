"""members' phone, address, notes and deactivation; the console's PIN pads

A member is deactivated, never deleted (their history stays). pin_pads holds a PIN being typed
on the console's on-screen pad until the card is issued (ledger.web.cards_pages).

Revision ID: 0007_member_contact
Revises: 0006_staff_console
Create Date: 2026-12-08 03:20:00.000000

"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision: str = "0007_member_contact"
down_revision: str | Sequence[str] | None = "0006_staff_console"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("members", schema=None) as batch_op:
        batch_op.add_column(sa.Column("phone", sa.String(length=40), nullable=True))
        batch_op.add_column(sa.Column("address", sa.String(length=300), nullable=True))
        batch_op.add_column(sa.Column("notes", sa.Text(), nullable=True))
        batch_op.add_column(sa.Column("deactivated_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.create_index(batch_op.f("ix_members_phone"), ["phone"], unique=False)
    op.create_table(
        "pin_pads",
        sa.Column("session_hash", sa.String(length=64), nullable=False),
        sa.Column("member_id", sa.String(length=16), nullable=False),
        sa.Column("card_id", sa.String(length=16), nullable=True),
        sa.Column("typed", sa.String(length=8), nullable=False),
        sa.Column("first_hash", sa.String(length=200), nullable=True),
        sa.Column("pin_hash", sa.String(length=200), nullable=True),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["member_id"], ["members.id"]),
        sa.PrimaryKeyConstraint("session_hash"),
    )


def downgrade() -> None:
    op.drop_table("pin_pads")
    with op.batch_alter_table("members", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_members_phone"))
        batch_op.drop_column("deactivated_at")
        batch_op.drop_column("notes")
        batch_op.drop_column("address")
        batch_op.drop_column("phone")

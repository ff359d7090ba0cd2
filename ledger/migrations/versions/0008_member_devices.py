"""member devices: phones enrolled from one-time links, each with its own TOTP secret

Revision ID: 0008_member_devices
Revises: 0007_member_contact
Create Date: 2026-12-06 03:20:00.000000

"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision: str = "0008_member_devices"
down_revision: str | Sequence[str] | None = "0007_member_contact"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _when() -> sa.DateTime:
    return sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "member_devices",
        sa.Column("id", sa.String(length=16), nullable=False),
        sa.Column("member_id", sa.String(length=16), nullable=False),
        sa.Column("totp_secret", sa.String(length=64), nullable=False),
        sa.Column("cookie_hash", sa.String(length=64), nullable=False),
        sa.Column("created_at", _when(), nullable=False),
        sa.Column("last_seen_at", _when(), nullable=True),
        sa.Column("revoked_at", _when(), nullable=True),
        sa.ForeignKeyConstraint(["member_id"], ["members.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("cookie_hash"),
    )
    op.create_index("ix_member_devices_member_id", "member_devices", ["member_id"])
    op.create_table(
        "enrolments",
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("member_id", sa.String(length=16), nullable=False),
        sa.Column("created_at", _when(), nullable=False),
        sa.Column("expires_at", _when(), nullable=False),
        sa.Column("used_at", _when(), nullable=True),
        sa.Column("device_id", sa.String(length=16), nullable=True),
        sa.ForeignKeyConstraint(["member_id"], ["members.id"]),
        sa.ForeignKeyConstraint(["device_id"], ["member_devices.id"]),
        sa.PrimaryKeyConstraint("token_hash"),
    )
    op.create_index("ix_enrolments_member_id", "enrolments", ["member_id"])


def downgrade() -> None:
    op.drop_index("ix_enrolments_member_id", table_name="enrolments")
    op.drop_table("enrolments")
    op.drop_index("ix_member_devices_member_id", table_name="member_devices")
    op.drop_table("member_devices")

"""Tables of the member's money moves from the phone (issue 16): coin pools and their pledges,
and the one-use tokens that make a double-tapped form act once. Their coins live in the book
(ledger.book): a pool's coins sit in its own account `pool:<id>` while it fills."""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from ledger.db import Base, UTCDateTime, _enum
from ledger.limits import MAX_COINS


class PoolState(enum.Enum):
    OPEN = "open"  # taking pledges until full, cancelled or expired
    FULL = "full"  # one redemption made (pool -> redemptions); goods wait to be collected
    COLLECTED = "collected"  # every unit handed out: at kiosks, and the rest at the office
    CANCELLED = "cancelled"  # by its organiser: every pledge given back, each on its own
    EXPIRED = "expired"  # not full in time: every pledge given back, each on its own


class Pool(Base):
    """Members pooling coins into one redemption of `quantity` of an item (ledger.pools)."""

    __tablename__ = "pools"
    id: Mapped[str] = mapped_column(String(16), primary_key=True)  # "p" and 6 digits
    organiser_id: Mapped[str] = mapped_column(ForeignKey("members.id"), index=True)
    sku: Mapped[str] = mapped_column(String(64))
    item_zh: Mapped[str] = mapped_column(String(200))  # the item's names when it started
    item_en: Mapped[str] = mapped_column(String(200))
    quantity: Mapped[int] = mapped_column(Integer)
    unit_price: Mapped[int] = mapped_column(Integer)
    target: Mapped[int] = mapped_column(Integer)  # quantity x unit_price: the coins it needs
    state: Mapped[PoolState] = mapped_column(_enum(PoolState), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)  # full, cancelled, expired
    redemption_tx_id: Mapped[int | None] = mapped_column(ForeignKey("transactions.id"))
    collected_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    collected_by: Mapped[str | None] = mapped_column(String(100))  # cli:USER, as the audit
    collected_where: Mapped[str | None] = mapped_column(String(200))
    # Units staff handed out at the office; the rest went from kiosks (ledger.pool_tally).
    office_quantity: Mapped[int | None] = mapped_column(Integer)

    __table_args__ = (
        CheckConstraint(
            f"quantity > 0 AND unit_price > 0 AND target = quantity * unit_price "
            f"AND target <= {MAX_COINS}",
            name="ck_pools_target",
        ),
    )


class PoolPledge(Base):
    """One giver's coins in a pool: the pledge's transaction (member -> pool), and the refund's
    (pool -> member) if the giver dropped out or the pool did not fill."""

    __tablename__ = "pool_pledges"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    pool_id: Mapped[str] = mapped_column(ForeignKey("pools.id"), index=True)
    member_id: Mapped[str] = mapped_column(ForeignKey("members.id"), index=True)
    coins: Mapped[int] = mapped_column(Integer)
    pledge_tx_id: Mapped[int] = mapped_column(ForeignKey("transactions.id"), unique=True)
    refund_tx_id: Mapped[int | None] = mapped_column(ForeignKey("transactions.id"), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    refunded_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    __table_args__ = (CheckConstraint("coins > 0", name="ck_pool_pledges_coins"),)


class PhoneAction(Base):
    """A phone form's one-use token (ledger.phone_actions): the first post with it acts, in
    the same database transaction as this row; a repeat (a double tap) finds the row and is
    shown what the first did."""

    __tablename__ = "phone_actions"
    token: Mapped[str] = mapped_column(String(64), primary_key=True)
    device_id: Mapped[str] = mapped_column(ForeignKey("member_devices.id"), index=True)
    kind: Mapped[str] = mapped_column(String(20))  # gift, pool_start, pledge, withdraw, cancel
    result: Mapped[str] = mapped_column(String(64))  # what the done page shows: a tx or pool id
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)

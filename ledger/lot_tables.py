"""Tables of donated goods (issue 18): donors, lots (one donation of one item with one
best-before date, a code printed on its label as `tblot:<CODE>`) and the lots' movements.
Movements are facts: never edited or deleted; a lot's units anywhere are summed from them."""

from __future__ import annotations

import enum
from datetime import date, datetime

from sqlalchemy import CheckConstraint, Date, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from ledger.db import Base, UTCDateTime, _enum

MAX_LOT_QTY = 100_000  # units in one lot (bounded numbers everywhere)


class DonorKind(enum.Enum):
    PERSON = "person"
    ORGANISATION = "organisation"


class MoveKind(enum.Enum):
    INTAKE = "intake"  # into the office store
    TO_KIOSK = "to_kiosk"  # store -> kiosk
    RETURN = "return"  # kiosk -> store
    RESTOCK = "restock"  # inside a kiosk, into a locker (does not change the kiosk's total)
    HANDOUT = "handout"  # captured at a kiosk, naming the hold
    HANDOUT_UNATTRIBUTED = "handout_unattributed"  # a capture naming an unknown lot code
    WRITEOFF = "writeoff"  # expired, damaged or lost; from the store or a kiosk


class WriteoffReason(enum.Enum):
    EXPIRED = "expired"
    DAMAGED = "damaged"
    LOST = "lost"


class Donor(Base):
    __tablename__ = "donors"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    kind: Mapped[DonorKind] = mapped_column(_enum(DonorKind))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)


class Lot(Base):
    __tablename__ = "lots"
    code: Mapped[str] = mapped_column(String(8), primary_key=True)  # "L" + 7 Crockford base32
    sku: Mapped[str] = mapped_column(String(64), index=True)
    qty: Mapped[int] = mapped_column(Integer)  # units taken in
    best_before: Mapped[date] = mapped_column(Date, index=True)
    donor_id: Mapped[int] = mapped_column(ForeignKey("donors.id"), index=True)
    received_at: Mapped[datetime] = mapped_column(UTCDateTime)
    received_by: Mapped[str] = mapped_column(String(100))

    __table_args__ = (CheckConstraint(f"qty > 0 AND qty <= {MAX_LOT_QTY}", name="ck_lots_qty"),)


class LotMovement(Base):
    __tablename__ = "lot_movements"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    lot_code: Mapped[str] = mapped_column(String(8), index=True)  # no FK: unattributed codes
    kind: Mapped[MoveKind] = mapped_column(_enum(MoveKind), index=True)
    qty: Mapped[int] = mapped_column(Integer)
    reason: Mapped[WriteoffReason | None] = mapped_column(_enum(WriteoffReason))
    kiosk_id: Mapped[str | None] = mapped_column(String(16), index=True)
    locker: Mapped[str | None] = mapped_column(String(32))
    hold_id: Mapped[str | None] = mapped_column(String(40), index=True)
    actor: Mapped[str] = mapped_column(String(100))
    at: Mapped[datetime] = mapped_column(UTCDateTime)

    __table_args__ = (
        CheckConstraint(f"qty >= 0 AND qty <= {MAX_LOT_QTY}", name="ck_lot_movements_qty"),
    )

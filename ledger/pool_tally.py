"""Where a full pool's goods went: units collected at each kiosk, kept aside at one for the
organiser now, handed out at the office, and still to collect (ledger.pool_pickups).

A unit collected at a kiosk is a pool reservation whose hold was captured; a unit kept aside is
one whose hold is still open. A hold voided (a jam, a door never opened, a crash before the
locker opened) or lapsed leaves its unit still to collect, so nothing is recorded handed out
that was not.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from ledger.db import Hold, HoldState, Kiosk, Reservation
from ledger.phone_tables import Pool, PoolState

_CLOSED = (PoolState.OPEN, PoolState.CANCELLED, PoolState.EXPIRED)


@dataclass(frozen=True)
class PoolTally:
    quantity: int
    at_kiosks: tuple[tuple[str, int], ...]  # (kiosk name, units collected there), most first
    kept: tuple[tuple[str, int], ...]  # (kiosk name, units kept aside or being collected)
    at_office: int
    last_at: datetime | None  # when the last unit was collected at a kiosk

    @property
    def collected(self) -> int:
        return sum(n for _, n in self.at_kiosks) + self.at_office

    @property
    def to_collect(self) -> int:
        """Units not handed out yet, those kept aside at a kiosk included."""
        return self.quantity - self.collected

    @property
    def unplaced(self) -> int:
        """Units neither handed out nor kept aside anywhere: free to set aside or hand out."""
        return self.to_collect - sum(n for _, n in self.kept)


def tally(s: Session, pool: Pool, now: datetime) -> PoolTally:
    if pool.state in _CLOSED:
        return PoolTally(0, (), (), 0, None)
    rows = s.execute(
        select(Kiosk.name, Hold.state, Hold.expires_at, Hold.settled_at, Hold.awaiting_count_since)
        .select_from(Reservation)
        .join(Hold, Hold.id == Reservation.hold_id)
        .join(Kiosk, Kiosk.id == Reservation.kiosk_id)
        .where(Reservation.pool_id == pool.id)
    ).all()
    done: Counter[str] = Counter()
    kept: Counter[str] = Counter()
    last: datetime | None = None
    for name, state, expires_at, settled_at, awaiting in rows:
        if state == HoldState.CAPTURED:
            done[name] += 1
            last = settled_at if last is None or (settled_at and settled_at > last) else last
        elif state == HoldState.HELD and (expires_at > now or awaiting is not None):
            kept[name] += 1
    return PoolTally(
        pool.quantity,
        tuple(done.most_common()),
        tuple(kept.most_common()),
        pool.office_quantity or 0,
        last,
    )


def settle(s: Session, pool: Pool, now: datetime) -> PoolTally:
    """The tally; a full pool whose every unit is handed out becomes collected (in this
    transaction: call it with the pool's row locked)."""
    found = tally(s, pool, now)
    if pool.state == PoolState.FULL and found.to_collect <= 0:
        pool.state, pool.collected_at = PoolState.COLLECTED, found.last_at or now
        s.flush()
    return found

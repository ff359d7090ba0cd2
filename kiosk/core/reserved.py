"""Reservations made on the member's phone (预约兑换), as this kiosk keeps them.

The ledger holds the coins; the kiosk keeps the item. Each reservation the ledger lists for this
kiosk is written here, in the vend journal's file, before the ledger is told: set aside in a
locker (that unit is out of general sale: `reserved_counts`), or refused because none is left.
A pick-up is begun here too, in the same write as its vend record, which carries the
reservation's hold from the start, so a crash at any step is recovered like any vend
(docs/architecture.md, "Reservations").
"""

from __future__ import annotations

import sqlite3
import threading
import uuid
from collections import Counter
from contextlib import AbstractContextManager
from dataclasses import dataclass
from datetime import UTC, datetime

from kiosk.core.steps import VendStep

SCHEMA = """
CREATE TABLE IF NOT EXISTS reservations (
    reservation TEXT PRIMARY KEY,
    member      TEXT NOT NULL,
    sku         TEXT NOT NULL,
    price       INTEGER NOT NULL,
    hold        TEXT NOT NULL,
    expires_at  TEXT,
    locker      TEXT,
    state       TEXT NOT NULL CHECK (state IN ('set_aside', 'refused', 'claimed')),
    told        INTEGER NOT NULL DEFAULT 0,
    vend_id     INTEGER REFERENCES vends(id),
    created_at  TEXT NOT NULL
);
"""
SET_ASIDE, REFUSED, CLAIMED = "set_aside", "refused", "claimed"
_FINAL = (VendStep.CAPTURED.value, VendStep.VOIDED.value)
# A reservation holds a unit of its locker while it is set aside, and while its pick-up's vend
# is undecided; once that vend is decided the unit left the stock (capture) or is back (void).
_HOLDING = (
    "SELECT r.locker, COUNT(*) AS n FROM reservations r LEFT JOIN vends v ON v.id = r.vend_id"
    " WHERE r.locker IS NOT NULL AND (r.state = 'set_aside' OR (r.state = 'claimed'"
    " AND v.settlement IS NULL AND v.state NOT IN (?, ?))) GROUP BY r.locker"
)


@dataclass(frozen=True)
class Reservation:
    """One reservation, as the ledger lists it or as the kiosk keeps it."""

    reservation: str
    member: str
    sku: str
    price: int
    hold: str
    expires_at: str | None = None
    locker: str | None = None
    state: str = "pending"  # the ledger's: pending | set_aside; the kiosk's: see SCHEMA
    told: bool = False  # the ledger has acknowledged the kiosk's set-aside or refusal
    vend_id: int | None = None


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="milliseconds")


class ReservationStore:
    """The reservations table; VendJournal inherits it (its connection and lock)."""

    _lock: threading.Lock
    _db: sqlite3.Connection

    def _tx(self) -> AbstractContextManager[sqlite3.Connection]:
        raise NotImplementedError

    def kept_reservations(self) -> list[Reservation]:
        with self._lock:
            rows = self._db.execute("SELECT * FROM reservations ORDER BY created_at").fetchall()
        return [_kept(r) for r in rows]

    def kept_reservation(self, reservation: str) -> Reservation | None:
        with self._lock:
            row = self._db.execute(
                "SELECT * FROM reservations WHERE reservation = ?", (reservation,)
            ).fetchone()
        return None if row is None else _kept(row)

    def keep_reservation(self, res: Reservation, locker: str | None) -> Reservation:
        """Write it down before the ledger hears: set aside in `locker`, or refused (None)."""
        with self._tx() as db:
            db.execute(
                "INSERT OR IGNORE INTO reservations (reservation, member, sku, price, hold,"
                " expires_at, locker, state, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    res.reservation,
                    res.member,
                    res.sku,
                    res.price,
                    res.hold,
                    res.expires_at,
                    locker,
                    SET_ASIDE if locker is not None else REFUSED,
                    _now(),
                ),
            )
        kept = self.kept_reservation(res.reservation)
        assert kept is not None
        return kept

    def reservation_told(self, reservation: str) -> None:
        with self._tx() as db:
            db.execute("UPDATE reservations SET told = 1 WHERE reservation = ?", (reservation,))

    def lose_reservation(self, reservation: str) -> None:
        """Its unit is gone (a technician emptied the locker or filled it with something else):
        refused, keeping the locker it had, to be told to the ledger as `not_stocked`."""
        with self._tx() as db:
            db.execute(
                "UPDATE reservations SET state = ?, told = 0 WHERE reservation = ? AND state = ?",
                (REFUSED, reservation, SET_ASIDE),
            )

    def drop_reservation(self, reservation: str) -> None:
        """It ended on the ledger (cancelled, expired, failed): its unit is back on sale. A
        claimed one stays: its vend record settles it."""
        with self._tx() as db:
            db.execute(
                "DELETE FROM reservations WHERE reservation = ? AND state != ?",
                (reservation, CLAIMED),
            )

    def unclaim(self, reservation: str) -> None:
        """The ledger refused the claim for good before any hold was the vend's (an expired
        session, say): the vend is void, the reservation set aside again; the next exchange
        with the ledger tells whether it is still open."""
        with self._tx() as db:
            db.execute(
                "UPDATE reservations SET state = ?, vend_id = NULL"
                " WHERE reservation = ? AND state = ?",
                (SET_ASIDE, reservation, CLAIMED),
            )

    def reserved_counts(self) -> Counter[str]:
        """Units each locker keeps for reservations: out of general sale."""
        with self._lock:
            rows = self._db.execute(_HOLDING, _FINAL).fetchall()
        return Counter({r["locker"]: int(r["n"]) for r in rows})

    def undecided_vends(self) -> Counter[str]:
        """Vends under way (or awaiting a verdict) by locker: their units may be gone."""
        with self._lock:
            rows = self._db.execute(
                "SELECT locker, COUNT(*) AS n FROM vends WHERE settlement IS NULL"
                " AND state NOT IN (?, ?) GROUP BY locker",
                _FINAL,
            ).fetchall()
        return Counter({r["locker"]: int(r["n"]) for r in rows})

    def begin_pickup(self, reservation: str, session: str) -> int:
        """The vend record of a pick-up, with the reservation's hold, and the reservation
        marked claimed by it, in one write; the vend's id. The idempotency key is made here,
        once, as `begin` makes one."""
        now = _now()
        with self._tx() as db:
            row = db.execute(
                "SELECT * FROM reservations WHERE reservation = ? AND state = ?",
                (reservation, SET_ASIDE),
            ).fetchone()
            if row is None:
                raise LookupError(f"reservation {reservation} is not set aside here")
            cur = db.execute(
                "INSERT INTO vends (key, session, member, sku, price, locker, state, hold,"
                " created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    str(uuid.uuid4()),
                    session,
                    row["member"],
                    row["sku"],
                    row["price"],
                    row["locker"],
                    VendStep.INTENT.value,
                    row["hold"],
                    now,
                    now,
                ),
            )
            vend_id = int(cur.lastrowid or 0)
            db.execute(
                "INSERT INTO vend_steps (vend_id, state, at, detail) VALUES (?, ?, ?, ?)",
                (vend_id, VendStep.INTENT.value, now, f"reservation {reservation}"),
            )
            db.execute(
                "UPDATE reservations SET state = ?, vend_id = ? WHERE reservation = ?",
                (CLAIMED, vend_id, reservation),
            )
        return vend_id


def _kept(row: sqlite3.Row) -> Reservation:
    return Reservation(
        reservation=row["reservation"],
        member=row["member"],
        sku=row["sku"],
        price=row["price"],
        hold=row["hold"],
        expires_at=row["expires_at"],
        locker=row["locker"],
        state=row["state"],
        told=bool(row["told"]),
        vend_id=row["vend_id"],
    )

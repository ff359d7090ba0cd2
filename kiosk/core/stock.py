"""Locker stock kept in the vend journal's database, so a capture and its stock change are one
durable write. VendJournal inherits these methods; they share its connection and lock.
"""

from __future__ import annotations

import sqlite3
import threading
from contextlib import AbstractContextManager
from dataclasses import dataclass


@dataclass(frozen=True)
class LockerStock:
    locker: str
    sku: str
    count: int
    best_before: str | None
    inspect: str | None


class LockerStockStore:
    """The lockers table: what each locker holds, how many, until when, and inspection flags."""

    _lock: threading.Lock
    _db: sqlite3.Connection

    def _tx(self) -> AbstractContextManager[sqlite3.Connection]:
        raise NotImplementedError

    def seed_lockers(self, stock: list[LockerStock]) -> None:
        """Load the configured stock the first time a locker is seen; later starts keep counts."""
        with self._tx() as db:
            for s in stock:
                db.execute(
                    "INSERT OR IGNORE INTO lockers (locker, sku, count, best_before)"
                    " VALUES (?, ?, ?, ?)",
                    (s.locker, s.sku, s.count, s.best_before),
                )

    def lockers(self) -> list[LockerStock]:
        with self._lock:
            rows = self._db.execute("SELECT * FROM lockers ORDER BY locker").fetchall()
        return [
            LockerStock(r["locker"], r["sku"], r["count"], r["best_before"], r["inspect"])
            for r in rows
        ]

    def flag_for_inspection(self, locker: str, why: str) -> None:
        """Take a locker out of sale until a technician has looked at it."""
        with self._tx() as db:
            db.execute("UPDATE lockers SET inspect = ? WHERE locker = ?", (why, locker))

    def restock(self, stock: LockerStock) -> None:
        """A technician filled a locker: its SKU, count and best-before date; it is inspected."""
        with self._tx() as db:
            db.execute(
                "INSERT INTO lockers (locker, sku, count, best_before, inspect)"
                " VALUES (?, ?, ?, ?, NULL) ON CONFLICT (locker) DO UPDATE SET sku = excluded.sku,"
                " count = excluded.count, best_before = excluded.best_before, inspect = NULL",
                (stock.locker, stock.sku, stock.count, stock.best_before),
            )

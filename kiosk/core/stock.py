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
    lot: str | None = None  # the lot the technician scanned in (issue 18); None: unlotted
    withdraw_days: int = 0  # the lot leaves sale this many days before best_before


# Columns added for lots (issue 18); a journal written before them gains them at start.
LOT_COLUMNS = (("lot", "TEXT"), ("withdraw_days", "INTEGER NOT NULL DEFAULT 0"))


def add_lot_columns(db: sqlite3.Connection) -> None:
    columns = {r["name"] for r in db.execute("PRAGMA table_info(lockers)")}
    for name, kind in LOT_COLUMNS:
        if name not in columns:
            db.execute(f"ALTER TABLE lockers ADD COLUMN {name} {kind}")
    db.execute(
        "CREATE TABLE IF NOT EXISTS lot_reports (key TEXT PRIMARY KEY, lot TEXT NOT NULL,"
        " locker TEXT NOT NULL, count INTEGER NOT NULL, attempts INTEGER NOT NULL DEFAULT 0,"
        " last_error TEXT, refused TEXT)"
    )


@dataclass(frozen=True)
class LotReport:
    """A lot restock the ledger must hear of (POST .../lots/{lot}/restock), kept until it has:
    the same key on every try, so the ledger records it once."""

    key: str
    lot: str
    locker: str
    count: int
    attempts: int = 0
    last_error: str | None = None
    refused: str | None = None  # the ledger's final no (e.g. lot_expired): staff must look


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
            LockerStock(
                r["locker"],
                r["sku"],
                r["count"],
                r["best_before"],
                r["inspect"],
                r["lot"],
                r["withdraw_days"],
            )
            for r in rows
        ]

    def flag_for_inspection(self, locker: str, why: str) -> None:
        """Take a locker out of sale until a technician has looked at it."""
        with self._tx() as db:
            db.execute("UPDATE lockers SET inspect = ? WHERE locker = ?", (why, locker))

    def clear_inspection(self, locker: str) -> bool:
        """A technician inspected a flagged locker and found it sound: back on sale as it is.
        False when the locker was not flagged (or is not in the table)."""
        with self._tx() as db:
            cur = db.execute(
                "UPDATE lockers SET inspect = NULL WHERE locker = ? AND inspect IS NOT NULL",
                (locker,),
            )
            return cur.rowcount > 0

    def restock(self, stock: LockerStock, report: LotReport | None = None) -> None:
        """A technician filled a locker: its SKU, count and best-before date, and the lot they
        came from (None: unlotted stock, the lot the locker held is forgotten); it is inspected.
        `report`: the ledger's record of a lot restock, queued in the same write."""
        with self._tx() as db:
            if report is not None:
                db.execute(
                    "INSERT INTO lot_reports (key, lot, locker, count) VALUES (?, ?, ?, ?)",
                    (report.key, report.lot, report.locker, report.count),
                )
            db.execute(
                "INSERT INTO lockers (locker, sku, count, best_before, inspect, lot, withdraw_days)"
                " VALUES (?, ?, ?, ?, NULL, ?, ?) ON CONFLICT (locker) DO UPDATE SET"
                " sku = excluded.sku, count = excluded.count, best_before = excluded.best_before,"
                " inspect = NULL, lot = excluded.lot, withdraw_days = excluded.withdraw_days",
                (
                    stock.locker,
                    stock.sku,
                    stock.count,
                    stock.best_before,
                    stock.lot,
                    stock.withdraw_days,
                ),
            )

    def lot_reports(self, refused: bool = False) -> list[LotReport]:
        """Lot restocks the ledger has not recorded: waiting to be sent, or (`refused`) refused
        for good."""
        where = "refused IS NOT NULL" if refused else "refused IS NULL"
        with self._lock:
            rows = self._db.execute(f"SELECT * FROM lot_reports WHERE {where} ORDER BY rowid")
            return [
                LotReport(
                    r["key"],
                    r["lot"],
                    r["locker"],
                    r["count"],
                    r["attempts"],
                    r["last_error"],
                    r["refused"],
                )  # fmt: skip
                for r in rows.fetchall()
            ]

    def lot_reported(self, key: str) -> None:
        with self._tx() as db:
            db.execute("DELETE FROM lot_reports WHERE key = ?", (key,))

    def lot_report_failed(self, key: str, error: str, final: bool) -> None:
        """A try that did not reach the ledger (kept, tried again), or its final refusal."""
        with self._tx() as db:
            db.execute(
                "UPDATE lot_reports SET attempts = attempts + 1, last_error = ?,"
                " refused = CASE WHEN ? THEN ? ELSE refused END WHERE key = ?",
                (error[:500], final, error[:500], key),
            )

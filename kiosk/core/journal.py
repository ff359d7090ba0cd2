"""The vend journal: every vend step is written here, durably, BEFORE the action it announces.

SQLite in WAL mode with synchronous=FULL, so a power cut never loses a committed step.
The journal also keeps the lockers' stock, so stock and vends change in the same file.
"""

from __future__ import annotations

import sqlite3
import threading
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import TypeVar

from kiosk.core.errors import JournalError
from kiosk.core.reserved import SCHEMA as RESERVATIONS_SCHEMA
from kiosk.core.reserved import ReservationStore
from kiosk.core.steps import AwaitReason, Settlement, SettleReason, VendStep
from kiosk.core.stock import LockerStock as LockerStock  # re-exported: the old home
from kiosk.core.stock import LockerStockStore, add_lot_columns

_SCHEMA = """
CREATE TABLE IF NOT EXISTS vends (
    id          INTEGER PRIMARY KEY,
    key         TEXT NOT NULL UNIQUE,
    session     TEXT NOT NULL,
    member      TEXT NOT NULL,
    sku         TEXT NOT NULL,
    price       INTEGER NOT NULL,
    locker      TEXT NOT NULL,
    state       TEXT NOT NULL,
    hold        TEXT,
    settlement  TEXT CHECK (settlement IN ('capture', 'void')),
    reason      TEXT,
    attempts    INTEGER NOT NULL DEFAULT 0,
    last_error  TEXT,
    refused     TEXT,
    expect_count INTEGER,
    count_told  INTEGER NOT NULL DEFAULT 0,
    created_at  TEXT NOT NULL,
    updated_at  TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS vend_steps (
    vend_id INTEGER NOT NULL REFERENCES vends(id),
    state   TEXT NOT NULL,
    at      TEXT NOT NULL,
    detail  TEXT
);
CREATE TABLE IF NOT EXISTS lockers (
    locker       TEXT PRIMARY KEY,
    sku          TEXT NOT NULL,
    count        INTEGER NOT NULL CHECK (count >= 0),
    best_before  TEXT,
    inspect      TEXT
);
"""

_FINAL = (VendStep.CAPTURED.value, VendStep.VOIDED.value)
HOOK_SUSPECT = "hook suspect"  # a step's detail: the vend's hook read open before its unlock
W = TypeVar("W", Settlement, SettleReason, AwaitReason)  # the words a decision is written in

# One item fewer in the vend's locker (never below zero).
_TAKE_ONE = (
    "UPDATE lockers SET count = MAX(count - 1, 0) WHERE locker ="
    " (SELECT locker FROM vends WHERE id = ?)"
)
# The lot a vend's item came from: its locker's lot, kept with the vend when it begins (and,
# for a vend begun elsewhere, e.g. a reservation's pick-up, when its capture is decided), so
# the settlement queue sends it with the capture, through restarts too.
_NOTE_LOT = (
    "UPDATE vends SET lot = COALESCE(lot, (SELECT l.lot FROM lockers l"
    " WHERE l.locker = vends.locker)) WHERE id = ?"
)


def open_journal_db(path: str) -> sqlite3.Connection:
    """The journal's file as each of its users opens it (the vends, the service switch): WAL with
    synchronous=FULL, so a committed write outlives a power cut; autocommit, rows by name."""
    db = sqlite3.connect(path, check_same_thread=False, isolation_level=None)
    db.row_factory = sqlite3.Row
    db.execute("PRAGMA journal_mode=WAL")
    db.execute("PRAGMA synchronous=FULL")
    return db


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="milliseconds")


@dataclass(frozen=True)
class VendRecord:
    """One vend as the journal holds it."""

    id: int
    key: str
    session: str
    member: str
    sku: str
    price: int
    locker: str
    state: VendStep
    hold: str | None
    settlement: Settlement | None
    reason: str | None  # a SettleReason's value (with "N of M" after a count), or why it awaits
    attempts: int
    last_error: str | None
    refused: str | None = None  # the ledger refused the settlement for good: staff must look
    created_at: str = ""
    updated_at: str = ""
    # Awaiting a count: the sensors could not tell whether the item came out. The locker held
    # this many items before the vend; its next count settles the vend (`count_locker`).
    expect_count: int | None = None
    count_told: bool = False  # the ledger knows to keep the hold until the count
    lot: str | None = None  # the lot its item came from (sent with the capture); None: unlotted

    @property
    def awaiting_count(self) -> bool:
        return self.expect_count is not None and self.settlement is None and not self.state.final

    @property
    def capture_key(self) -> str:
        return f"{self.key}:capture"

    @property
    def void_key(self) -> str:
        return f"{self.key}:void"


class VendJournal(LockerStockStore, ReservationStore):
    """Durable record of vends, locker stock and the reservations kept aside here. Safe to use
    from several threads."""

    def __init__(self, path: str | Path) -> None:
        self.path = str(path)
        self._lock = threading.Lock()
        self._db = open_journal_db(self.path)
        self._db.execute("PRAGMA foreign_keys=ON")
        self._db.executescript(_SCHEMA)
        self._db.executescript(RESERVATIONS_SCHEMA)
        columns = {r["name"] for r in self._db.execute("PRAGMA table_info(vends)")}
        if "refused" not in columns:  # a journal written before refusals were kept apart
            self._db.execute("ALTER TABLE vends ADD COLUMN refused TEXT")
        if "expect_count" not in columns:  # a journal written before vends could await counts
            self._db.execute("ALTER TABLE vends ADD COLUMN expect_count INTEGER")
            self._db.execute("ALTER TABLE vends ADD COLUMN count_told INTEGER NOT NULL DEFAULT 0")
        if "lot" not in columns:  # a journal written before lots (issue 18)
            self._db.execute("ALTER TABLE vends ADD COLUMN lot TEXT")
        add_lot_columns(self._db)

    def close(self) -> None:
        with self._lock:
            self._db.close()

    @contextmanager
    def _tx(self) -> Iterator[sqlite3.Connection]:
        with self._lock:
            self._db.execute("BEGIN IMMEDIATE")
            try:
                yield self._db
            except BaseException:
                self._db.execute("ROLLBACK")
                raise
            self._db.execute("COMMIT")

    # --- vends -------------------------------------------------------------------------------

    def begin(self, session: str, member: str, sku: str, price: int, locker: str) -> VendRecord:
        """Record the intent to vend; the idempotency key is made here, once, for every retry."""
        key = str(uuid.uuid4())
        now = _now()
        with self._tx() as db:
            cur = db.execute(
                "INSERT INTO vends (key, session, member, sku, price, locker, state, created_at,"
                " updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (key, session, member, sku, price, locker, VendStep.INTENT.value, now, now),
            )
            vend_id = int(cur.lastrowid or 0)
            db.execute(_NOTE_LOT, (vend_id,))
            db.execute(
                "INSERT INTO vend_steps (vend_id, state, at) VALUES (?, ?, ?)",
                (vend_id, VendStep.INTENT.value, now),
            )
        return self.get(vend_id)

    def advance(
        self, vend_id: int, step: VendStep, *, hold: str | None = None, detail: str | None = None
    ) -> VendRecord:
        """Move a vend to `step`. A final vend never moves again."""
        now = _now()
        with self._tx() as db:
            row = db.execute(
                "SELECT state, settlement FROM vends WHERE id = ?", (vend_id,)
            ).fetchone()
            if row is None:
                raise JournalError(f"no vend {vend_id} in the journal")
            if row["state"] in _FINAL:
                raise JournalError(f"vend {vend_id} is already {row['state']}")
            db.execute(
                "UPDATE vends SET state = ?, hold = COALESCE(?, hold), updated_at = ? WHERE id = ?",
                (step.value, hold, now, vend_id),
            )
            db.execute(
                "INSERT INTO vend_steps (vend_id, state, at, detail) VALUES (?, ?, ?, ?)",
                (vend_id, step.value, now, detail),
            )
            if step is VendStep.CAPTURED and row["settlement"] is None:
                db.execute(_NOTE_LOT, (vend_id,))
                db.execute(_TAKE_ONE, (vend_id,))  # captured without a decision first
        return self.get(vend_id)

    def decide(self, vend_id: int, settlement: Settlement, reason: SettleReason) -> VendRecord:
        """Record that the vend must be captured or voided, before asking the ledger to.

        A capture means the item was handed out, so it leaves the locker's stock now, not when
        the ledger acknowledges: while the capture waits in the queue the item is already gone,
        and a locker's last item must not be sold again."""
        settlement = _word(Settlement, settlement, "settlement must be capture or void, not {!r}")
        reason = _word(SettleReason, reason, "{!r} is not a reason to settle a vend")
        with self._tx() as db:
            decided = db.execute(
                "UPDATE vends SET settlement = ?, reason = ?, updated_at = ?"
                " WHERE id = ? AND settlement IS NULL",
                (settlement.value, reason.value, _now(), vend_id),
            ).rowcount
            if decided and settlement is Settlement.CAPTURE:
                db.execute(_NOTE_LOT, (vend_id,))
                db.execute(_TAKE_ONE, (vend_id,))
        return self.get(vend_id)

    def await_count(self, vend_id: int, why: AwaitReason) -> VendRecord:
        """The sensors cannot tell whether this vend's item came out: never guess. The vend
        stays undecided, its hold open, and its locker out of sale until the locker is counted;
        the count it should show if nothing was taken is kept with the vend."""
        why = _word(AwaitReason, why, "{!r} is not a reason to await a count")
        with self._tx() as db:
            row = db.execute(
                "SELECT v.locker, v.settlement, v.state, l.count FROM vends v"
                " LEFT JOIN lockers l ON l.locker = v.locker WHERE v.id = ?",
                (vend_id,),
            ).fetchone()
            if row is None:
                raise JournalError(f"no vend {vend_id} in the journal")
            if row["settlement"] is not None or row["state"] in _FINAL:
                raise JournalError(f"vend {vend_id} is already decided; it cannot await a count")
            db.execute(
                "UPDATE vends SET expect_count = COALESCE(expect_count, ?), reason = ?,"
                " updated_at = ? WHERE id = ?",
                (row["count"] or 0, f"awaiting_count: {why.value}", _now(), vend_id),
            )
            db.execute(
                "UPDATE lockers SET inspect = ? WHERE locker = ?",
                (f"count needed: vend {vend_id} ({why.value})", row["locker"]),
            )
        return self.get(vend_id)

    def awaiting_count(self, locker: str | None = None) -> list[VendRecord]:
        """Vends waiting for a count of their locker (of one locker, or of all), oldest first."""
        where = "expect_count IS NOT NULL AND settlement IS NULL AND state NOT IN (?, ?)"
        if locker is None:
            return self._select(where, _FINAL)
        return self._select(where + " AND locker = ?", (*_FINAL, locker))

    def count_told(self, vend_id: int, note: str | None = None) -> None:
        """The ledger knows this vend's hold waits for a count (or refused to, with `note`)."""
        with self._tx() as db:
            db.execute(
                "UPDATE vends SET count_told = 1, last_error = COALESCE(?, last_error),"
                " updated_at = ? WHERE id = ?",
                (note, _now(), vend_id),
            )

    def count_locker(self, locker: str, found: int) -> list[VendRecord]:
        """A technician counted `found` items in `locker`: decide every vend awaiting that count
        (one item fewer than expected: captured; as many: voided), set the locker's stock to
        what was found and put it back on sale. Returns the vends decided (oldest first).

        Only one vend can await a locker's count (the locker leaves sale when it starts to); if
        several ever do, as many as are missing are captured, the oldest first."""
        if isinstance(found, bool) or not isinstance(found, int) or found < 0:
            raise JournalError(f"a count must be a whole number 0 or more, not {found!r}")
        now = _now()
        with self._tx() as db:
            rows = db.execute(
                "SELECT id, expect_count FROM vends WHERE locker = ? AND expect_count IS NOT NULL"
                " AND settlement IS NULL AND state NOT IN (?, ?) ORDER BY id",
                (locker, *_FINAL),
            ).fetchall()
            decided = []
            if rows:
                missing = int(rows[0]["expect_count"]) - found
                for i, row in enumerate(rows):
                    taken = i < missing
                    settlement = Settlement.CAPTURE if taken else Settlement.VOID
                    reason = SettleReason.COUNTED_TAKEN if taken else SettleReason.COUNTED_NOT_TAKEN
                    db.execute(
                        "UPDATE vends SET settlement = ?, reason = ?, updated_at = ? WHERE id = ?",
                        (
                            settlement.value,
                            f"{reason.value}: {found} of {row['expect_count']}",
                            now,
                            row["id"],
                        ),
                    )
                    if taken:
                        db.execute(_NOTE_LOT, (row["id"],))
                    decided.append(int(row["id"]))
            db.execute(
                "UPDATE lockers SET count = ?, inspect = NULL WHERE locker = ?", (found, locker)
            )
        return [self.get(v) for v in decided]

    def note_attempt(self, vend_id: int, error: str) -> None:
        """Count a settlement attempt the ledger did not acknowledge."""
        with self._tx() as db:
            db.execute(
                "UPDATE vends SET attempts = attempts + 1, last_error = ?, updated_at = ?"
                " WHERE id = ?",
                (error, _now(), vend_id),
            )

    def refuse(self, vend_id: int, code: str) -> None:
        """The ledger refused this settlement for good: keep it, out of the retry queue."""
        with self._tx() as db:
            db.execute(
                "UPDATE vends SET attempts = attempts + 1, last_error = ?, refused = ?,"
                " updated_at = ? WHERE id = ?",
                (f"refused: {code}", code, _now(), vend_id),
            )

    def get(self, vend_id: int) -> VendRecord:
        with self._lock:
            row = self._db.execute("SELECT * FROM vends WHERE id = ?", (vend_id,)).fetchone()
        if row is None:
            raise JournalError(f"no vend {vend_id} in the journal")
        return _record(row)

    def unfinished(self) -> list[VendRecord]:
        """Vends neither captured nor voided, oldest first."""
        return self._select("state NOT IN (?, ?)", _FINAL)

    def pending_settlements(self) -> list[VendRecord]:
        """Decided captures and voids the ledger has not acknowledged yet: the settlement queue."""
        return self._select(
            "settlement IS NOT NULL AND refused IS NULL AND state NOT IN (?, ?)", _FINAL
        )

    def refused_settlements(self) -> list[VendRecord]:
        """Captures and voids the ledger refused for good (e.g. the hold expired)."""
        return self._select("refused IS NOT NULL AND state NOT IN (?, ?)", _FINAL)

    def all_vends(self) -> list[VendRecord]:
        return self._select("1 = 1", ())

    def hook_suspect(self, vend_id: int) -> bool:
        """Whether the vend went on with its hook suspect (it read open before the unlock,
        recorded with the `unlocking` step): that hook then tells nothing about the door."""
        with self._lock:
            row = self._db.execute(
                "SELECT 1 FROM vend_steps WHERE vend_id = ? AND detail = ? LIMIT 1",
                (vend_id, HOOK_SUSPECT),
            ).fetchone()
        return row is not None

    def steps(self, vend_id: int) -> list[str]:
        with self._lock:
            rows = self._db.execute(
                "SELECT state FROM vend_steps WHERE vend_id = ? ORDER BY rowid", (vend_id,)
            ).fetchall()
        return [r["state"] for r in rows]

    def _select(self, where: str, args: tuple[object, ...]) -> list[VendRecord]:
        with self._lock:
            rows = self._db.execute(f"SELECT * FROM vends WHERE {where} ORDER BY id", args)
            return [_record(r) for r in rows.fetchall()]


def _word(kind: type[W], value: str, refusal: str) -> W:
    """`value` as one of the journal's words (`kind`), or JournalError saying `refusal`."""
    try:
        return kind(value)
    except ValueError:
        raise JournalError(refusal.format(value)) from None


def _record(row: sqlite3.Row) -> VendRecord:
    return VendRecord(
        id=row["id"],
        key=row["key"],
        session=row["session"],
        member=row["member"],
        sku=row["sku"],
        price=row["price"],
        locker=row["locker"],
        state=VendStep(row["state"]),
        hold=row["hold"],
        settlement=None if row["settlement"] is None else Settlement(row["settlement"]),
        reason=row["reason"],
        attempts=row["attempts"],
        last_error=row["last_error"],
        refused=row["refused"],
        created_at=row["created_at"],
        updated_at=row["updated_at"],
        expect_count=row["expect_count"],
        count_told=bool(row["count_told"]),
        lot=row["lot"],
    )

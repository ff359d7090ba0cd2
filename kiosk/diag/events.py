"""Kiosk events for the ledger (self-tests, inventory snapshots, technician and service actions).

An event the ledger cannot take now waits in an outbox table of the journal's SQLite file and
goes with the next report, so a technician working while the ledger is down loses nothing.
"""

from __future__ import annotations

import enum
import json
import logging
import sqlite3
import threading
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Protocol

from kiosk.core.errors import LedgerError

log = logging.getLogger(__name__)

_SCHEMA = """
CREATE TABLE IF NOT EXISTS event_outbox (
    id     INTEGER PRIMARY KEY,
    event  TEXT NOT NULL
);
"""

MAX_OUTBOX = 2000  # oldest events are dropped beyond this: a kiosk offline for weeks
BATCH = 200  # events per call, well under the ledger's limit


class EventKind(enum.Enum):
    FAULT = "fault"
    ALARM = "alarm"
    SELF_TEST = "self_test"
    INVENTORY = "inventory"
    TECHNICIAN = "technician"
    SERVICE = "service"


class EventSink(Protocol):
    """The part of the ledger client that takes events (kiosk.ledger_client.LedgerClient)."""

    def send_events(self, events: list[dict[str, Any]]) -> int: ...


class EventReporter:
    """Reports events to the ledger now, or keeps them until it can."""

    def __init__(self, sink: EventSink, outbox_path: str | Path) -> None:
        self.sink = sink
        self._lock = threading.Lock()
        self._db = sqlite3.connect(str(outbox_path), check_same_thread=False, isolation_level=None)
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute("PRAGMA synchronous=FULL")
        self._db.executescript(_SCHEMA)
        self.last_error: str | None = None

    def report(self, kind: EventKind, data: dict[str, Any]) -> bool:
        """Queue one event and send the queue. True when the ledger has it now."""
        event = {"kind": kind.value, "at": datetime.now(UTC).isoformat(), "data": data}
        with self._lock:
            self._db.execute("INSERT INTO event_outbox (event) VALUES (?)", (json.dumps(event),))
            self._trim()
        return self.flush() == 0

    def flush(self) -> int:
        """Send what waits in the outbox, oldest first. Returns how many still wait."""
        with self._lock:
            while True:
                rows = self._db.execute(
                    "SELECT id, event FROM event_outbox ORDER BY id LIMIT ?", (BATCH,)
                ).fetchall()
                if not rows:
                    self.last_error = None
                    return 0
                try:
                    self.sink.send_events([json.loads(event) for _, event in rows])
                except LedgerError as e:
                    self.last_error = str(e)
                    if not e.final:
                        log.warning("events not sent, kept in the outbox: %s", e)
                        return self._pending()
                    # The ledger will never take this batch: keeping it would block the rest.
                    log.error("ledger refused %d events for good, dropped: %s", len(rows), e)
                self._db.execute("DELETE FROM event_outbox WHERE id <= ?", (rows[-1][0],))

    def pending(self) -> int:
        with self._lock:
            return self._pending()

    def status(self) -> dict[str, Any]:
        return {"pending": self.pending(), "last_error": self.last_error}

    def close(self) -> None:
        with self._lock:
            self._db.close()

    def _pending(self) -> int:
        return int(self._db.execute("SELECT count(*) FROM event_outbox").fetchone()[0])

    def _trim(self) -> None:
        excess = self._pending() - MAX_OUTBOX
        if excess > 0:
            log.warning("event outbox full: dropping the %d oldest events", excess)
            self._db.execute(
                "DELETE FROM event_outbox WHERE id IN"
                " (SELECT id FROM event_outbox ORDER BY id LIMIT ?)",
                (excess,),
            )

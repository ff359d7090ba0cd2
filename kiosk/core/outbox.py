"""Events for the ledger's /v1/kiosks/me/events (faults, alarms, self-tests, inventory snapshots,
technician and service actions). Each waits in an outbox table of the journal's SQLite file until
the ledger has it, so neither a slow ledger nor a restart loses one. The running kiosk sends on
a thread of its own, backing off while the ledger is away; `kiosk diag` sends in its own call.
"""

from __future__ import annotations

import enum
import json
import logging
import threading
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from kiosk.core.errors import LedgerError
from kiosk.core.interfaces import Ledger
from kiosk.core.journal import open_journal_db

log = logging.getLogger(__name__)

_SCHEMA = """
CREATE TABLE IF NOT EXISTS event_outbox (
    id     INTEGER PRIMARY KEY,
    event  TEXT NOT NULL
);
"""

MAX_OUTBOX = 2000  # oldest events are dropped (and counted) beyond this: a kiosk offline for weeks
BATCH = 200  # events per call, well under the ledger's limit


class EventKind(enum.Enum):
    FAULT = "fault"
    ALARM = "alarm"
    SELF_TEST = "self_test"
    INVENTORY = "inventory"
    TECHNICIAN = "technician"
    SERVICE = "service"


class EventOutbox:
    """Keeps events durably and sends them in batches, oldest first."""

    def __init__(
        self,
        ledger: Ledger,
        path: str | Path,
        first_delay: float = 1.0,
        max_delay: float = 60.0,
    ) -> None:
        self.ledger = ledger
        self.first_delay = first_delay
        self.max_delay = max_delay
        self.sent = 0
        self.dropped = 0
        self.last_error: str | None = None
        self._db = open_journal_db(str(path))
        self._db.executescript(_SCHEMA)
        self._lock = threading.Lock()  # the connection
        self._sending = threading.Lock()  # one sender at a time: a batch never goes twice at once
        self._wake = threading.Event()
        self._stop = threading.Event()
        self._idle = threading.Event()
        self._thread = threading.Thread(target=self._run, name="events", daemon=True)
        if not self.pending():
            self._idle.set()

    # --- adding ------------------------------------------------------------------------------

    def post(self, kind: EventKind | str, data: dict[str, Any]) -> None:
        """Keep one event; the sending thread takes it from here. Returns at once."""
        self._add(EventKind(kind), data)
        self._wake.set()

    def report(self, kind: EventKind | str, data: dict[str, Any]) -> bool:
        """Keep one event and send the outbox now. True when the ledger has everything."""
        self._add(EventKind(kind), data)
        return self.send_pending() == 0

    def _add(self, kind: EventKind, data: dict[str, Any]) -> None:
        event = {"kind": kind.value, "at": datetime.now(UTC).isoformat(), "data": data}
        with self._lock:
            self._db.execute("INSERT INTO event_outbox (event) VALUES (?)", (json.dumps(event),))
            self._idle.clear()
            self._trim()

    # --- sending -----------------------------------------------------------------------------

    def send_pending(self) -> int:
        """Send what waits, oldest first, until the ledger stops taking it. Returns what waits."""
        with self._sending:
            while True:
                with self._lock:
                    rows = self._db.execute(
                        "SELECT id, event FROM event_outbox ORDER BY id LIMIT ?", (BATCH,)
                    ).fetchall()
                if not rows:
                    self.last_error = None
                    self._idle.set()
                    return 0
                try:
                    self.ledger.send_events([json.loads(r["event"]) for r in rows])
                    self.sent += len(rows)
                except LedgerError as e:
                    self.last_error = str(e)
                    if not e.final:
                        log.warning("events not sent, kept in the outbox: %s", e)
                        return self.pending()
                    # The ledger will never take this batch: keeping it would block the rest.
                    log.error("ledger refused %d events for good, dropped: %s", len(rows), e)
                    self.dropped += len(rows)
                with self._lock:
                    self._db.execute("DELETE FROM event_outbox WHERE id <= ?", (rows[-1]["id"],))

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        self._wake.set()
        if self._thread.is_alive():
            self._thread.join(timeout=10)

    def flush(self, timeout: float) -> bool:
        """Wait until the outbox is empty (for tests and shutdown). True when it is."""
        return self._idle.wait(timeout)

    # --- observing ---------------------------------------------------------------------------

    def pending(self) -> int:
        with self._lock:
            return int(self._db.execute("SELECT count(*) FROM event_outbox").fetchone()[0])

    def status(self) -> dict[str, Any]:
        return {
            "pending": self.pending(),
            "sent": self.sent,
            "dropped": self.dropped,
            "last_error": self.last_error,
        }

    def close(self) -> None:
        self.stop()
        with self._lock:
            self._db.close()

    def _trim(self) -> None:
        count = int(self._db.execute("SELECT count(*) FROM event_outbox").fetchone()[0])
        excess = count - MAX_OUTBOX
        if excess > 0:
            log.warning("event outbox full: dropping the %d oldest events", excess)
            self.dropped += excess
            self._db.execute(
                "DELETE FROM event_outbox WHERE id IN"
                " (SELECT id FROM event_outbox ORDER BY id LIMIT ?)",
                (excess,),
            )

    def _run(self) -> None:
        delay = self.first_delay
        while not self._stop.is_set():
            self._wake.clear()  # before looking at the outbox, so a post meanwhile is not missed
            try:
                before = self.pending()
                remaining = self.send_pending()
            except Exception:  # keep the outbox alive whatever one batch does; it is logged
                log.exception("sending events failed")
                before, remaining = 1, 1
            if not remaining:
                delay = self.first_delay
                self._wake.wait()
            elif remaining >= before:  # no progress: the ledger is away
                delay = min(delay * 2, self.max_delay)
                self._wake.wait(delay)
            else:
                delay = self.first_delay

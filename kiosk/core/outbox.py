"""Events for the ledger's /v1/kiosks/me/events (faults, alarms, inventory snapshots), sent on a
thread of their own so a slow ledger never holds up a vend; kept and retried while it is away.
"""

from __future__ import annotations

import logging
import threading
from collections import deque
from datetime import UTC, datetime
from typing import Any

from kiosk.core.errors import LedgerError
from kiosk.core.interfaces import Ledger

log = logging.getLogger(__name__)

KINDS = frozenset({"fault", "alarm", "self_test", "inventory", "technician", "service"})
MAX_QUEUED = 500  # beyond this the oldest events are dropped (and counted): memory is small
BATCH = 50


class EventOutbox:
    """Queues events and sends them in batches, backing off while the ledger is away."""

    def __init__(self, ledger: Ledger, first_delay: float = 1.0, max_delay: float = 60.0) -> None:
        self.ledger = ledger
        self.first_delay = first_delay
        self.max_delay = max_delay
        self.sent = 0
        self.dropped = 0
        self.last_error: str | None = None
        self._queue: deque[dict[str, Any]] = deque()
        self._lock = threading.Lock()
        self._wake = threading.Event()
        self._stop = threading.Event()
        self._idle = threading.Event()
        self._idle.set()
        self._thread = threading.Thread(target=self._run, name="events", daemon=True)

    def post(self, kind: str, data: dict[str, Any]) -> None:
        if kind not in KINDS:
            raise ValueError(f"event kind {kind!r} is not one of {sorted(KINDS)}")
        event = {"kind": kind, "at": datetime.now(UTC).isoformat(timespec="seconds"), "data": data}
        with self._lock:
            if len(self._queue) >= MAX_QUEUED:
                self._queue.popleft()
                self.dropped += 1
            self._queue.append(event)
            self._idle.clear()
        self._wake.set()

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        self._wake.set()
        if self._thread.is_alive():
            self._thread.join(timeout=10)

    def flush(self, timeout: float) -> bool:
        """Wait until the queue is empty (for tests and shutdown). True when it is."""
        return self._idle.wait(timeout)

    def status(self) -> dict[str, Any]:
        with self._lock:
            queued = len(self._queue)
        return {
            "queued": queued,
            "sent": self.sent,
            "dropped": self.dropped,
            "last_error": self.last_error,
        }

    def send_pending(self) -> int:
        """Send one batch. Returns how many events are still queued."""
        with self._lock:
            batch = list(self._queue)[:BATCH]
        if batch:
            try:
                self.ledger.send_events(batch)
            except LedgerError as e:
                self.last_error = str(e)
                if e.final:  # the ledger will never take this batch: do not block the rest
                    log.error("ledger refused %d events for good: %s", len(batch), e)
                    self._drop(len(batch), dropped=True)
                with self._lock:
                    return len(self._queue)
            self._drop(len(batch))
            self.sent += len(batch)
            self.last_error = None
        with self._lock:
            if not self._queue:
                self._idle.set()
            return len(self._queue)

    def _drop(self, n: int, dropped: bool = False) -> None:
        with self._lock:
            for _ in range(min(n, len(self._queue))):
                self._queue.popleft()
            if dropped:
                self.dropped += n

    def _run(self) -> None:
        delay = self.first_delay
        while not self._stop.is_set():
            self._wake.clear()  # before looking at the queue, so a post meanwhile is not missed
            try:
                before = self.status()["queued"]
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

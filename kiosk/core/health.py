"""The health probe: every few seconds, can the kiosk reach the ledger and read its lock board,
and has a technician switched it out of service? It tells the session engine, which goes out
of service (never in the middle of a vend) and comes back by itself.
"""

from __future__ import annotations

import enum
import logging
import threading
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from kiosk.core.errors import LedgerError, LockBoardError
from kiosk.core.interfaces import Ledger, LockBoard, LockerAddress

log = logging.getLogger(__name__)


class Reason(enum.Enum):
    """Why the kiosk is out of service; the value is the screen's translation key."""

    LEDGER = "oos.ledger"
    LOCKBOARD = "oos.lockboard"
    SERVICE = "oos.service"


class HealthMonitor:
    """Checks the ledger and the lock board on its own thread; reports changes to `on_change`."""

    def __init__(
        self,
        ledger: Ledger,
        board: LockBoard,
        probe_locker: LockerAddress,
        on_change: Callable[[str | None], None],
        interval: float = 15.0,
        in_service: Callable[[], bool] = lambda: True,
        wake: threading.Event | None = None,
    ) -> None:
        """`wake`: setting it checks at once (check_now() sets it too); the technician desk,
        built before this monitor, is handed it to report a thrown service switch."""
        self.ledger = ledger
        self.board = board
        self.probe_locker = probe_locker
        self.on_change = on_change
        self.interval = interval
        self.in_service = in_service
        self.reason: Reason | None = None
        self.clock_offset: float | None = None  # ledger clock minus ours, in seconds
        self.last_check: str | None = None
        self.last_errors: dict[str, str] = {}
        self._stop = threading.Event()
        self._wake = wake or threading.Event()
        self._thread = threading.Thread(target=self._run, name="health", daemon=True)

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        self._wake.set()
        if self._thread.is_alive():
            self._thread.join(timeout=10)

    def check_now(self) -> None:
        """Check at once rather than at the next interval (after a fault, or from diagnostics)."""
        self._wake.set()

    def check(self) -> Reason | None:
        """One round of checks; reports a change of reason. Returns the reason, None when well."""
        errors: dict[str, str] = {}
        try:
            ledger_time = self.ledger.health()
            self.clock_offset = (ledger_time - datetime.now(UTC)).total_seconds()
        except LedgerError as e:
            errors["ledger"] = str(e)
        try:
            self.board.read(self.probe_locker)
        except LockBoardError as e:
            errors["lockboard"] = str(e)
        service_ok = self._service_ok(errors)
        reason = None
        if not service_ok:
            reason = Reason.SERVICE
        elif "ledger" in errors:
            reason = Reason.LEDGER
        elif "lockboard" in errors:
            reason = Reason.LOCKBOARD
        self.last_errors = errors
        self.last_check = datetime.now(UTC).isoformat(timespec="seconds")
        if reason is not self.reason:
            log.warning("health: %s (%s)", reason.value if reason else "well", errors or "-")
            self.reason = reason
            self.on_change(None if reason is None else reason.value)
        return reason

    def _service_ok(self, errors: dict[str, str]) -> bool:
        try:
            return self.in_service()
        except Exception as e:  # a broken switch store must not stop the other checks
            errors["service"] = str(e)
            return True

    def status(self) -> dict[str, Any]:
        return {
            "state": "well" if self.reason is None else self.reason.value,
            "interval_s": self.interval,
            "last_check": self.last_check,
            "clock_offset_s": None if self.clock_offset is None else round(self.clock_offset, 3),
            "errors": dict(self.last_errors),
        }

    def _run(self) -> None:
        while not self._stop.is_set():
            try:
                self.check()
            except Exception:  # keep probing whatever one round does; it is logged
                log.exception("health check failed")
            self._wake.wait(self.interval)
            self._wake.clear()

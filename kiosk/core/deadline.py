"""A re-armable deadline on one long-lived thread: the session's inactivity timeout.

Every touch and every view re-arms that timeout. A threading.Timer per arming starts a new
thread each time, and Timer.start() waits until that thread runs: up to a millisecond on a busy
two-core machine, paid by the caller (the Kivy thread, for a touch) and six times on the way
from a scan to the unlock (bench/scan_to_unlock.py). Re-arming here only moves the deadline.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable

log = logging.getLogger(__name__)


class Deadline:
    """Calls `action(token)` on its own thread when the latest `arm(seconds, token)` comes due,
    unless it was re-armed, disarmed or closed first."""

    def __init__(self, action: Callable[[int], object], name: str = "deadline") -> None:
        self._action = action
        self._name = name
        self._cond = threading.Condition()
        self._due: tuple[float, int] | None = None  # (time.monotonic() deadline, token)
        self._closed = False
        self._thread: threading.Thread | None = None

    def arm(self, seconds: float | None, token: int) -> None:
        """Come due in `seconds` with `token`, replacing any earlier arming; None disarms."""
        with self._cond:
            if self._closed:
                return
            self._due = None if seconds is None else (time.monotonic() + seconds, token)
            if self._due is not None and self._thread is None:
                self._thread = threading.Thread(target=self._run, name=self._name, daemon=True)
                self._thread.start()
            self._cond.notify()

    def close(self) -> None:
        """Disarm for good and stop the thread (not from inside `action`)."""
        with self._cond:
            self._closed = True
            self._due = None
            self._cond.notify()
        if self._thread is not None:
            self._thread.join(timeout=5)

    def _run(self) -> None:
        with self._cond:
            while not self._closed:
                if self._due is None:
                    self._cond.wait()
                    continue
                when, token = self._due
                left = when - time.monotonic()
                if left > 0:
                    self._cond.wait(left)
                    continue
                self._due = None
                # Not under our lock: the action may take the caller's locks, and the caller
                # holds its own while it arms.
                self._cond.release()
                try:
                    self._action(token)
                except Exception:
                    log.exception("%s: the action failed", self._name)
                finally:
                    self._cond.acquire()

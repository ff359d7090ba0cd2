"""The session's one worker thread: every intent's work runs there, one at a time and in the
order it was asked, so a visit never races itself and a touch never waits on the ledger.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor

log = logging.getLogger(__name__)


class SessionWorker:
    """Runs work in order on the `session` thread; `on_failure` runs there after work that
    raised (the visit it cut short must still end properly)."""

    def __init__(self, on_failure: Callable[[], None]) -> None:
        self._on_failure = on_failure
        self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="session")
        self._lock = threading.Lock()
        self._closed = False

    def submit(self, work: Callable[[], None]) -> Future[None] | None:
        """Queue `work` (from any thread); None once closed. The future is done when it ran."""

        def guarded() -> None:
            try:
                work()
            except Exception:
                log.exception("session work failed; the visit ends")
                self._on_failure()

        with self._lock:
            if self._closed:
                return None
            return self._pool.submit(guarded)

    def close(self) -> None:
        """Take no more work, let the work under way finish, and drop what still waits."""
        with self._lock:
            self._closed = True
        self._pool.shutdown(wait=True, cancel_futures=True)

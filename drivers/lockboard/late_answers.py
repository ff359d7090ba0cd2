"""Late answers on a bus without sequence numbers: a board that missed a command's timeout may
still answer it, and after an unlock such a frame must not pass for the lock's new state.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable

log = logging.getLogger(__name__)


class LateAnswers:
    """Per board: until when an answer it left unanswered may still arrive (`late_limit` s after
    the timeout), and until when a status frame after its last unlock may still be one of those.

    A Kerong status reply says nothing of which query it answers, so a late one is told apart
    by time only: the reads after an unlock wait until no answer to a command written before
    the unlock can still come; the link drops what arrived meanwhile, right before their query
    goes out (docs/protocols.md, "Late answers")."""

    def __init__(
        self,
        late_limit: float,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.late_limit = late_limit
        self._clock = clock
        self._sleep = sleep
        self._owed_until: dict[int, float] = {}
        self._stale_until: dict[int, float] = {}
        self._lock = threading.Lock()

    def unanswered(self, board: int) -> None:
        """A command to `board` timed out: the board may be busy, not deaf."""
        with self._lock:
            self._owed_until[board] = self._clock() + self.late_limit

    def unlocking(self, board: int) -> None:
        """An unlock of `board` is about to go out: from here, a frame answering an earlier
        command would show the lock as it was before."""
        with self._lock:
            owed = self._owed_until.get(board, 0.0)
            if owed > self._clock():
                self._stale_until[board] = max(self._stale_until.get(board, 0.0), owed)

    def wait_before_read(self, board: int) -> float:
        """Before a status read of `board`: wait while a late answer from before its last
        unlock may still arrive. Returns the seconds waited."""
        with self._lock:
            wait = self._stale_until.get(board, 0.0) - self._clock()
        if wait <= 0:
            return 0.0
        log.info("board %d: a status read waits %.2f s for a late answer to pass", board, wait)
        self._sleep(wait)
        return wait

"""Expiry of stale holds: a hold neither captured nor voided in time gives its coins back.

The spendable balance already ignores lapsed holds; the sweep also records them as expired,
so a later capture is refused with 410 and `member show` tells the truth.
"""

from __future__ import annotations

import enum
import logging
import threading
from collections.abc import Callable
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session, sessionmaker

from ledger import pools
from ledger.db import Hold, HoldState, utcnow

log = logging.getLogger(__name__)

DEFAULT_HOLD_TTL_S = 24 * 3600  # long enough for a kiosk that lost power to come back
DEFAULT_SWEEP_INTERVAL_S = 60.0


def expire_holds(s: Session, now: datetime | None = None) -> list[str]:
    """Mark every lapsed open hold expired; returns their ids."""
    now = now or utcnow()
    lapsed = s.scalars(
        select(Hold)
        .where(Hold.state == HoldState.HELD, Hold.expires_at <= now)
        .with_for_update(skip_locked=True)  # a hold being captured right now is left alone
    ).all()
    for hold in lapsed:
        hold.state, hold.settled_at = HoldState.EXPIRED, hold.expires_at
    s.flush()
    return [hold.id for hold in lapsed]


class SweeperState(enum.Enum):
    STOPPED = "stopped"
    RUNNING = "running"


class HoldSweeper:
    """A thread that expires stale holds every `interval` seconds while the server runs."""

    def __init__(
        self,
        db: sessionmaker[Session],
        interval: float = DEFAULT_SWEEP_INTERVAL_S,
        clock: Callable[[], datetime] = utcnow,
    ) -> None:
        self.db = db
        self.interval = interval
        self.clock = clock
        self.swept = 0
        self.last_error: str | None = None
        self.last_sweep: datetime | None = None
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def sweep(self) -> list[str]:
        with self.db() as s, s.begin():
            expired = expire_holds(s, self.clock())
        self.swept += len(expired)
        self.last_sweep = self.clock()
        if expired:
            log.info("expired %d stale holds: %s", len(expired), ", ".join(expired))
        # Pools not filled in time: each pledge given back in its own transaction (ledger.pools).
        with self.db() as s, s.begin():
            unfilled = pools.expire_due(s, self.clock())
        if unfilled:
            log.info("expired %d unfilled pools, pledges given back: %s", len(unfilled), unfilled)
        return expired

    def _run(self) -> None:
        while not self._stop.wait(self.interval):
            try:
                self.sweep()
                self.last_error = None
            except SQLAlchemyError as exc:  # the database may be away; try again next time
                self.last_error = str(exc)
                log.warning("hold sweep failed: %s", exc)

    def start(self) -> None:
        if self._thread is None:
            self._stop.clear()
            self._thread = threading.Thread(target=self._run, name="hold-sweeper", daemon=True)
            self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=10)
            self._thread = None

    def status(self) -> dict[str, Any]:
        return {
            "state": (SweeperState.RUNNING if self._thread else SweeperState.STOPPED).value,
            "interval_s": self.interval,
            "expired_total": self.swept,
            "last_sweep": self.last_sweep.isoformat() if self.last_sweep else None,
            "last_error": self.last_error,
        }

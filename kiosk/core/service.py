"""The technician's service switch: out of service / back in service, with a reason and who did it.

Stored in the journal's SQLite file so a restart (or a power cut) keeps the kiosk out of service
until a technician puts it back; the health monitor reads `state()`.
"""

from __future__ import annotations

import enum
import sqlite3
import threading
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from kiosk.core.errors import ServiceSwitchError
from kiosk.core.journal import open_journal_db

_SCHEMA = """
CREATE TABLE IF NOT EXISTS service_log (
    id      INTEGER PRIMARY KEY,
    mode    TEXT NOT NULL CHECK (mode IN ('in_service', 'out_of_service')),
    reason  TEXT NOT NULL,
    actor   TEXT NOT NULL,
    at      TEXT NOT NULL
);
"""

MAX_REASON = 200  # a reason is a line on a screen and in the ledger, not a report


class ServiceMode(enum.Enum):
    IN_SERVICE = "in_service"
    OUT_OF_SERVICE = "out_of_service"


@dataclass(frozen=True)
class ServiceState:
    """The switch's position, why, who set it and when (None: never switched, in service)."""

    mode: ServiceMode
    reason: str = ""
    actor: str = ""
    at: str | None = None

    @property
    def in_service(self) -> bool:
        return self.mode is ServiceMode.IN_SERVICE

    def as_dict(self) -> dict[str, Any]:
        return {"mode": self.mode.value, "reason": self.reason, "by": self.actor, "at": self.at}


class ServiceSwitch:
    """The switch, backed by a table in the journal database. Safe to use from several threads."""

    def __init__(self, path: str | Path) -> None:
        self.path = str(path)
        self._lock = threading.Lock()
        self._db = open_journal_db(self.path)
        self._db.executescript(_SCHEMA)

    def state(self) -> ServiceState:
        with self._lock:
            row = self._db.execute("SELECT * FROM service_log ORDER BY id DESC LIMIT 1").fetchone()
        return ServiceState(ServiceMode.IN_SERVICE) if row is None else _state(row)

    def set(self, mode: ServiceMode, reason: str, actor: str) -> ServiceState:
        """Throw the switch. A reason and the technician's member id are required."""
        reason = " ".join(reason.split())
        if not reason:
            raise ServiceSwitchError("a reason is required to change the service state")
        if len(reason) > MAX_REASON:
            raise ServiceSwitchError(
                f"the reason is {len(reason)} characters; at most {MAX_REASON}"
            )
        if not actor.strip():
            raise ServiceSwitchError("the technician's member id is required")
        at = datetime.now(UTC).isoformat(timespec="seconds")
        with self._lock:
            self._db.execute(
                "INSERT INTO service_log (mode, reason, actor, at) VALUES (?, ?, ?, ?)",
                (mode.value, reason, actor.strip(), at),
            )
        return ServiceState(mode, reason, actor.strip(), at)

    def history(self, limit: int = 20) -> list[ServiceState]:
        """The latest changes, newest first."""
        with self._lock:
            rows = self._db.execute(
                "SELECT * FROM service_log ORDER BY id DESC LIMIT ?", (limit,)
            ).fetchall()
        return [_state(r) for r in rows]

    def status(self) -> dict[str, Any]:
        return self.state().as_dict()

    def close(self) -> None:
        with self._lock:
            self._db.close()

    def __enter__(self) -> ServiceSwitch:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def _state(row: sqlite3.Row) -> ServiceState:
    return ServiceState(ServiceMode(row["mode"]), row["reason"], row["actor"], row["at"])

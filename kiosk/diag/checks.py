"""One health check's result, and the limits the checks judge by.

A check never raises: whatever went wrong becomes a FAIL line a technician can read.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from typing import Any


class Status(enum.Enum):
    OK = "ok"
    WARN = "warn"
    FAIL = "fail"

    @property
    def rank(self) -> int:
        return {"ok": 0, "warn": 1, "fail": 2}[self.value]


@dataclass(frozen=True)
class Check:
    """One line of the health table: what was checked, how it went, what was seen, and why."""

    name: str
    status: Status
    value: str
    detail: str = ""

    def as_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "status": self.status.value,
            "value": self.value,
            "detail": self.detail,
        }


@dataclass(frozen=True)
class Limits:
    """Where a check turns from ok to warn to fail."""

    # Phone codes are 30 s TOTP steps accepted within one step either way.
    clock_warn_s: float = 10.0
    clock_fail_s: float = 30.0
    ledger_slow_ms: float = 1500.0
    disk_warn_mb: float = 500.0
    disk_fail_mb: float = 100.0
    # Holds expire on the ledger after 24 h by default; a capture still queued late risks it.
    settlement_fail_h: float = 12.0


def worst(checks: list[Check]) -> Status:
    """The overall verdict: the worst status of all checks (OK for none)."""
    return max((c.status for c in checks), key=lambda s: s.rank, default=Status.OK)

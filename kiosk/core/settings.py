"""The core's own configuration sections: screen timeouts, the health probe, best-before warnings
and the event log. Read by config.py, validated the same way (errors name the file and key).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from kiosk.core.errors import ConfigError


@dataclass(frozen=True)
class SessionTimeouts:
    """Seconds without a touch before a screen gives up and the kiosk returns to idle."""

    idle: float = 45.0  # catalog, cart, confirm and result screens
    pin: float = 30.0  # the PIN pad after a printed card
    pairing: float = 120.0  # the kiosk's own QR code (the ledger's expiry may end it sooner)
    technician: float = 300.0  # the service screens
    # The last seconds of a member's screen timeout ask "need more time?" with a countdown
    # (catalog, cart, confirm, result, PIN pad); a timeout no longer than this just ends.
    warning: float = 10.0


@dataclass(frozen=True)
class EventLogConfig:
    """The structured event log: one JSON object per line, rotated by size."""

    path: Path | None = None  # None: events.jsonl in the data folder
    max_bytes: int = 1_000_000
    backups: int = 5


@dataclass(frozen=True)
class CoreSettings:
    timeouts: SessionTimeouts = field(default_factory=SessionTimeouts)
    health_interval: float = 15.0  # seconds between ledger and lock-board checks
    best_before_warning_days: int = 7
    eventlog: EventLogConfig = field(default_factory=EventLogConfig)


SECTIONS = ("session", "health", "inventory", "eventlog")


def parse_core_settings(
    doc: dict[str, Any], source: str, base: Path, section: Any, idle_timeout: float
) -> CoreSettings:
    """Read [session], [health], [inventory] and [eventlog]; `section` is config's _Section."""
    # Each default is written once, on the dataclasses above.
    usual, usual_timeouts, usual_log = CoreSettings(), SessionTimeouts(), EventLogConfig()
    keys = "pin_timeout pairing_timeout technician_timeout"
    s = section(source, "session", doc.get("session", {}), keys)
    timeouts = SessionTimeouts(
        idle=idle_timeout,
        pin=s.positive("pin_timeout", float, usual_timeouts.pin),
        pairing=s.positive("pairing_timeout", float, usual_timeouts.pairing),
        technician=s.positive("technician_timeout", float, usual_timeouts.technician),
    )
    h = section(source, "health", doc.get("health", {}), "interval")
    inv = section(source, "inventory", doc.get("inventory", {}), "best_before_warning_days")
    days = inv.get("best_before_warning_days", int, usual.best_before_warning_days)
    if days < 0:
        raise ConfigError(
            f"{source}: inventory.best_before_warning_days must be 0 or more, not {days}"
        )
    e = section(source, "eventlog", doc.get("eventlog", {}), "path max_bytes backups")
    path = e.get("path", str, None)
    return CoreSettings(
        timeouts=timeouts,
        health_interval=h.positive("interval", float, usual.health_interval),
        best_before_warning_days=days,
        eventlog=EventLogConfig(
            path=None if path is None else base / path,
            max_bytes=e.positive("max_bytes", int, usual_log.max_bytes),
            backups=e.positive("backups", int, usual_log.backups),
        ),
    )

"""The power-on self-test: boards answer, every locker reports a state, no locker waits for an
inspection, the scanner port opens, lights and buzzer cycle (with GPIO). Logged, kept for the
diagnostic bundle, reported to the ledger.
"""

from __future__ import annotations

import json
import logging
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from kiosk.core.interfaces import Light, Sound
from kiosk.core.outbox import EventKind
from kiosk.diag.checks import Check, Status, worst
from kiosk.diag.health import board_checks, kiosk_version, scanner_check
from kiosk.wiring.parts import KioskParts

log = logging.getLogger(__name__)

CYCLE_PAUSE_S = 0.4  # long enough to see each light pattern
LAST_SELF_TEST = "selftest.json"  # in the data folder, for the bundle and the technician screen


@dataclass(frozen=True)
class SelfTestReport:
    at: str
    actor: str
    checks: list[Check] = field(default_factory=list)
    reported: bool = False  # the ledger has it (otherwise it waits in the event outbox)

    @property
    def status(self) -> Status:
        return worst(self.checks)

    @property
    def passed(self) -> bool:
        return self.status is not Status.FAIL

    def as_dict(self) -> dict[str, Any]:
        return {
            "at": self.at,
            "by": self.actor,
            "status": self.status.value,
            "version": kiosk_version(),
            "checks": [c.as_dict() for c in self.checks],
        }


def run_self_test(parts: KioskParts, actor: str = "power-on") -> SelfTestReport:
    """Run every self-test step, save the report, log it and send it (kind "self_test")."""
    at = datetime.now(UTC).isoformat(timespec="seconds")
    checks = board_checks(parts) + [_inspection_check(parts), scanner_check(parts)]
    checks += _cycle_signals(parts)
    report = SelfTestReport(at, actor, checks)
    level = logging.INFO if report.passed else logging.ERROR
    log.log(level, "self-test %s: %s", report.status.value, _summary(checks))
    Path(parts.config.data_dir, LAST_SELF_TEST).write_text(json.dumps(report.as_dict(), indent=2))
    reported = parts.events.report(EventKind.SELF_TEST, report.as_dict())
    return SelfTestReport(at, actor, checks, reported)


def last_self_test(data_dir: Path) -> dict[str, Any] | None:
    """The last saved self-test report, if there is one."""
    try:
        doc = json.loads(Path(data_dir, LAST_SELF_TEST).read_text())
    except (OSError, ValueError):
        return None
    return doc if isinstance(doc, dict) else None


def _inspection_check(parts: KioskParts) -> Check:
    """A locker out of sale until inspected fails the self-test: the technician is there to
    look at it, then taps "检修完成" (or restocks it)."""
    flagged = [s for s in parts.journal.lockers() if s.inspect]
    if not flagged:
        return Check("lockers", Status.OK, "none to inspect", "")
    detail = "; ".join(f"{s.locker}: {s.inspect}" for s in flagged)
    return Check("lockers", Status.FAIL, f"{len(flagged)} to inspect", detail)


def _cycle_signals(parts: KioskParts, pause: float = CYCLE_PAUSE_S) -> list[Check]:
    """Show every light pattern and sound the buzzer once, then show the kiosk's real state."""
    name = "lights and buzzer"
    if parts.gpio_error is not None:
        return [Check(name, Status.WARN, "not available", parts.gpio_error)]
    if parts.signals is None:
        return []
    signals = parts.signals.parts
    try:
        for light in (Light.FAULT, Light.OUT_OF_SERVICE, Light.BUSY, Light.READY):
            signals.show(light)
            time.sleep(pause)
        signals.sound(Sound.ACCEPTED)
        signals.show(Light.READY if parts.service.state().in_service else Light.OUT_OF_SERVICE)
        present = [k for k, v in signals.status().items() if v is not None]
    except Exception as e:  # gpiozero's errors do not share a base with ours
        return [Check(name, Status.FAIL, "did not cycle", f"{type(e).__name__}: {e}")]
    return [Check(name, Status.OK, "cycled", ", ".join(present))]


def _summary(checks: list[Check]) -> str:
    return "; ".join(f"{c.name} {c.status.value} {c.value}" for c in checks)

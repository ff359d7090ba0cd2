"""Lock tests: open one locker, walk every locker with the technician confirming each, and a live
view of the hook and item sensors. Every opening is logged and reported with the badge's member id.
"""

from __future__ import annotations

import enum
import logging
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from kiosk.core.errors import KioskError
from kiosk.core.interfaces import LockerAddress, LockState
from kiosk.core.outbox import EventKind
from kiosk.diag.errors import LockTestError
from kiosk.wiring.parts import KioskParts

log = logging.getLogger(__name__)

# The board may answer an unlock before the latch moved (docs/protocols.md, "What every serial
# lock-board driver does"): read again after this.
SETTLE_S = 0.3


class Verdict(enum.Enum):
    """What the technician saw when a locker was opened during a walk."""

    OPENED = "opened"
    NOT_OPENED = "not_opened"
    STOP = "stop"


@dataclass(frozen=True)
class LockTestResult:
    """One locker opened on purpose: the sensors before and after, and what went wrong."""

    locker: str
    before: LockState | None
    after: LockState | None
    accepted: bool
    error: str | None = None
    verdict: Verdict | None = None

    @property
    def opened(self) -> bool:
        """The hook reads open after the pulse."""
        return self.after is not None and self.after.hook_open

    def as_dict(self) -> dict[str, Any]:
        return {
            "locker": self.locker,
            "before": _bits(self.before),
            "after": _bits(self.after),
            "accepted": self.accepted,
            "opened": self.opened,
            "error": self.error,
            "verdict": None if self.verdict is None else self.verdict.value,
        }


@dataclass(frozen=True)
class SensorReading:
    """One live read of one locker; `error` instead of a state when the board did not answer."""

    locker: str
    state: LockState | None
    error: str | None = None


def report_action(parts: KioskParts, actor: str, action: str, data: dict[str, Any]) -> bool:
    """Log a technician action and send it to the ledger (kind "technician")."""
    log.info("technician %s: %s %s", actor, action, data)
    return parts.events.report(EventKind.TECHNICIAN, {"member": actor, "action": action, **data})


class LockTester:
    """Opens lockers for a technician identified by `actor` (the badge's member id)."""

    def __init__(self, parts: KioskParts, actor: str, settle: float = SETTLE_S) -> None:
        self.parts = parts
        self.actor = actor
        self.settle = settle

    def open_one(self, locker: LockerAddress | str, *, report: bool = True) -> LockTestResult:
        """Pulse one locker once; the hook and item bits before and after."""
        address = self._known(locker)
        before, error = self._read(address)
        try:
            self.parts.board.unlock(address)
        except KioskError as e:
            result = LockTestResult(str(address), before, None, False, str(e))
        else:
            time.sleep(self.settle)
            after, error = self._read(address)
            result = LockTestResult(str(address), before, after, True, error)
        if report:
            report_action(self.parts, self.actor, "lock_test", result.as_dict())
        return result

    def walk(
        self,
        confirm: Callable[[LockTestResult], Verdict],
        lockers: list[LockerAddress] | None = None,
    ) -> list[LockTestResult]:
        """Open each locker in turn; `confirm` says what the technician saw (or STOP).

        A locker the technician saw stay shut is taken out of sale until inspected.
        """
        results = []
        for address in lockers if lockers is not None else self.parts.lockers():
            result = self.open_one(address, report=False)
            verdict = confirm(result)
            result = LockTestResult(**{**result.__dict__, "verdict": verdict})
            if verdict is Verdict.STOP:
                results.append(result)
                break
            if verdict is Verdict.NOT_OPENED:
                self.parts.journal.flag_for_inspection(
                    result.locker, f"did not open in a lock walk by {self.actor}"
                )
            results.append(result)
        report_action(
            self.parts, self.actor, "lock_walk", {"results": [r.as_dict() for r in results]}
        )
        return results

    def live(
        self,
        lockers: list[LockerAddress] | None = None,
        interval: float = 0.5,
        reads: int | None = None,
    ) -> Iterator[list[SensorReading]]:
        """Read every locker's sensors each `interval` seconds, `reads` times (None: forever)."""
        chosen = lockers if lockers is not None else self.parts.lockers()
        n = 0
        while reads is None or n < reads:
            if n:
                time.sleep(interval)
            snapshot = []
            for board in sorted({a.board for a in chosen}):
                try:
                    states = self.parts.board_states(board)
                except KioskError as e:
                    snapshot += [
                        SensorReading(str(a), None, str(e)) for a in chosen if a.board == board
                    ]
                    continue
                snapshot += [
                    SensorReading(str(a), states.get(a.lock)) for a in chosen if a.board == board
                ]
            yield snapshot
            n += 1

    def _known(self, locker: LockerAddress | str) -> LockerAddress:
        try:
            address = locker if isinstance(locker, LockerAddress) else LockerAddress.parse(locker)
        except ValueError as e:
            raise LockTestError(f"locker: {e}") from None
        if address not in self.parts.lockers():
            known = ", ".join(str(a) for a in self.parts.lockers())
            raise LockTestError(f"locker {address} is not one of this kiosk's lockers ({known})")
        return address

    def _read(self, address: LockerAddress) -> tuple[LockState | None, str | None]:
        try:
            return self.parts.board.read(address), None
        except KioskError as e:
            return None, str(e)


def _bits(state: LockState | None) -> dict[str, bool] | None:
    if state is None:
        return None
    return {"hook_open": state.hook_open, "item_present": state.item_present}

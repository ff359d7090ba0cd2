"""The technician screens' desk (kiosk.core.technician.TechnicianDesk) on the running kiosk's own
parts: the same checks, lock tests, restock, service switch, self-test and bundle as `kiosk diag`.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from kiosk.core.errors import DeskError, KioskError
from kiosk.core.interfaces import LockState
from kiosk.core.lots import LotInfo
from kiosk.core.service import ServiceMode, ServiceState
from kiosk.core.steps import Settlement
from kiosk.core.technician import (
    CheckLine,
    LockerLine,
    OpenedLocker,
    RestockDraft,
    SelfTestLine,
    ServiceLine,
)
from kiosk.diag.bundle import write_bundle
from kiosk.diag.checks import Check
from kiosk.diag.errors import DiagError
from kiosk.diag.health import run_checks
from kiosk.diag.locktest import LockTester, LockTestResult, report_action
from kiosk.diag.restock import Restock
from kiosk.diag.selftest import run_self_test
from kiosk.diag.switch import switch_service
from kiosk.wiring.parts import KioskParts

log = logging.getLogger(__name__)


class DiagDesk:
    """Runs each technician operation on KioskParts; `on_service_change` tells the kiosk's
    health monitor at once (it decides what the attract screen shows)."""

    def __init__(
        self,
        parts: KioskParts,
        on_service_change: Callable[[], None] = lambda: None,
        settle: float | None = None,
    ) -> None:
        self.parts = parts
        self.on_service_change = on_service_change
        self._settle = settle
        self.last_action: str | None = None

    def checks(self) -> list[CheckLine]:
        return [_line(c) for c in run_checks(self.parts)]

    def lockers(self) -> list[LockerLine]:
        stock = {s.locker: s for s in self.parts.journal.lockers()}
        waiting = {v.locker: v for v in reversed(self.parts.journal.awaiting_count())}
        lines = []
        for board in self.parts.boards():
            try:
                states: dict[int, LockState] | None = dict(self.parts.board_states(board))
                error = None
            except KioskError as e:
                states, error = None, str(e)
            for address in (a for a in self.parts.lockers() if a.board == board):
                name = str(address)
                state = None if states is None else states.get(address.lock)
                s = stock.get(name)
                lines.append(
                    LockerLine(
                        locker=name,
                        hook_open=None if state is None else state.hook_open,
                        item_present=None if state is None else state.item_present,
                        sku=s.sku if s else "",
                        count=s.count if s else 0,
                        best_before=s.best_before if s else None,
                        inspect=s.inspect if s else None,
                        error=error,
                        awaiting_vend=waiting[name].id if name in waiting else None,
                        expect_count=waiting[name].expect_count if name in waiting else None,
                        lot=s.lot if s else None,
                    )
                )
        return lines

    def open_locker(self, locker: str, actor: str, *, walk: bool = False) -> OpenedLocker:
        try:
            result = self._tester(actor).open_one(locker, report=not walk)
        except DiagError as e:
            raise DeskError(str(e)) from None
        self.last_action = f"open {locker}"
        return _opened(result)

    def walk_verdict(self, result: OpenedLocker, opened: bool, actor: str) -> None:
        if not opened:
            self.parts.journal.flag_for_inspection(
                result.locker, f"did not open in a lock walk by {actor}"
            )

    def walk_done(self, verdicts: list[tuple[str, str]], actor: str) -> None:
        results = [{"locker": locker, "verdict": v} for locker, v in verdicts]
        report_action(self.parts, actor, "lock_walk", {"results": results})
        self.last_action = "lock walk"

    def clear_inspection(self, locker: str, actor: str) -> bool:
        flagged = {s.locker: s.inspect for s in self.parts.journal.lockers() if s.inspect}
        if not self.parts.journal.clear_inspection(locker):
            return False
        report_action(self.parts, actor, "inspected", {"locker": locker, "was": flagged[locker]})
        self.last_action = f"inspected {locker}"
        return True

    def catalog_items(self) -> list[tuple[str, str, str]]:
        try:
            items = self.parts.ledger.catalog()
            return sorted((item.sku, item.name_zh, item.name_en) for item in items)
        except KioskError as e:
            log.warning("technician: catalog unavailable: %s", e)
            return []

    def lot(self, code: str) -> LotInfo:
        try:
            return Restock(self.parts, "", today=self.parts.config.today).lot(code)
        except DiagError as e:
            raise DeskError(str(e)) from None

    def restock(self, draft: RestockDraft, actor: str) -> bool:
        restock = Restock(self.parts, actor, today=self.parts.config.today)
        try:
            if draft.lot:
                restock.fill_lot(draft.locker, draft.lot, draft.count)
            else:
                restock.fill(draft.locker, draft.sku, draft.count, draft.best_before)
        except DiagError as e:
            raise DeskError(str(e)) from None
        self.last_action = f"restock {draft.locker}"
        return restock.finish().reported

    def count(self, locker: str, found: int, actor: str) -> bool:
        restock = Restock(self.parts, actor, today=self.parts.config.today)
        try:
            decided = restock.count(locker, found)
        except DiagError as e:
            raise DeskError(str(e)) from None
        self.last_action = f"count {locker}"
        return any(v.settlement is Settlement.CAPTURE for v in decided)

    def self_test(self, actor: str) -> SelfTestLine:
        report = run_self_test(self.parts, actor)
        report_action(self.parts, actor, "self_test", {"status": report.status.value})
        self.last_action = "self-test"
        return SelfTestLine(
            report.status.value, tuple(_line(c) for c in report.checks), report.reported
        )

    def service_state(self) -> ServiceLine:
        return _service(self.parts.service.state())

    def set_service(self, in_service: bool, reason: str, actor: str) -> ServiceLine:
        mode = ServiceMode.IN_SERVICE if in_service else ServiceMode.OUT_OF_SERVICE
        state = switch_service(self.parts, mode, reason, actor)
        self.on_service_change()
        self.last_action = f"service {mode.value}"
        return _service(state)

    def write_bundle(self, actor: str) -> str:
        path = write_bundle(self.parts)
        report_action(self.parts, actor, "bundle", {"path": str(path)})
        self.last_action = "bundle"
        return str(path)

    def note(self, actor: str, action: str) -> None:
        report_action(self.parts, actor, action, {})

    def status(self) -> dict[str, Any]:
        return {"last_action": self.last_action, "events": self.parts.events.status()}

    def close(self) -> None:
        self.parts.close()

    def _tester(self, actor: str) -> LockTester:
        if self._settle is None:
            return LockTester(self.parts, actor)
        return LockTester(self.parts, actor, self._settle)


def _line(check: Check) -> CheckLine:
    return CheckLine(check.name, check.status.value, check.value, check.detail)


def _bits(locker: str, state: LockState | None, error: str | None) -> LockerLine:
    if state is None:
        return LockerLine(locker, error=error)
    return LockerLine(locker, state.hook_open, state.item_present, error=error)


def _opened(r: LockTestResult) -> OpenedLocker:
    return OpenedLocker(
        r.locker,
        _bits(r.locker, r.before, None),
        _bits(r.locker, r.after, r.error),
        r.accepted,
        r.error,
    )


def _service(state: ServiceState) -> ServiceLine:
    return ServiceLine(state.in_service, state.reason, state.actor, state.at)

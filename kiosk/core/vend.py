"""One item's vend transaction: hold, unlock, watch the door, then capture or void.

    intent -> held -> unlocking -> unlocked -> door_opened -> door_closed -> captured
                         \\-> unlock_failed -------------------------------> voided
Each step is journalled before the action it announces (DESIGN.md, "The vend transaction").
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass

from kiosk.core.errors import LedgerError, LockBoardError
from kiosk.core.interfaces import Ledger, LockBoard, LockerAddress, LockState
from kiosk.core.journal import VendJournal, VendRecord
from kiosk.core.settlement import Settler
from kiosk.core.view import VendStep, error_key

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class VendTimings:
    """How long the kiosk waits for the member at the locker, and how often it looks."""

    door_open_timeout: float = 60.0
    door_close_timeout: float = 120.0
    poll_interval: float = 0.2


@dataclass(frozen=True)
class VendOutcome:
    """How one vend ended, for the result screen."""

    record: VendRecord
    handed_out: bool
    message: str  # translation key
    balance: int | None


class VendTransaction:
    """Runs vends against the ledger and the lock board, journalling every step first."""

    def __init__(
        self,
        journal: VendJournal,
        ledger: Ledger,
        board: LockBoard,
        settler: Settler,
        timings: VendTimings,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.journal = journal
        self.ledger = ledger
        self.board = board
        self.settler = settler
        self.timings = timings
        self._clock = clock
        self._sleep = sleep

    def run(
        self,
        session: str,
        member: str,
        sku: str,
        price: int,
        locker: LockerAddress,
        on_step: Callable[[VendStep], None],
        items_in_locker: int = 1,
    ) -> VendOutcome:
        rec = self.journal.begin(session, member, sku, price, str(locker))
        on_step(VendStep.INTENT)
        try:
            hold = self.ledger.hold(session, sku, str(locker), price, key=rec.key)
        except LedgerError as e:
            return self._hold_refused(rec, e)
        rec = self.journal.advance(rec.id, VendStep.HELD, hold=hold.hold)
        on_step(VendStep.HELD)
        after_hold = hold.balance

        rec = self.journal.advance(rec.id, VendStep.UNLOCKING)
        on_step(VendStep.UNLOCKING)
        try:
            self.board.unlock(locker)
        except LockBoardError as e:
            # No answer: the pulse may or may not have reached the lock. Read before deciding.
            log.warning("unlock of %s not acknowledged: %s", locker, e)
            return self._unlock_unanswered(rec, locker, after_hold, on_step, items_in_locker)
        rec = self.journal.advance(rec.id, VendStep.UNLOCKED)
        on_step(VendStep.UNLOCKED)
        return self._watch_door(rec, locker, after_hold, on_step, items_in_locker)

    # --- the member at the locker -----------------------------------------------------------

    def _watch_door(
        self,
        rec: VendRecord,
        locker: LockerAddress,
        after_hold: int | None,
        on_step: Callable[[VendStep], None],
        items_in_locker: int,
    ) -> VendOutcome:
        state = self._wait_for(locker, lambda s: s.hook_open, self.timings.door_open_timeout)
        if state is None or not state.hook_open:
            if state is not None and state.item_present:
                # Accepted, yet the door never opened and the item is still there: a jammed lock.
                self.journal.flag_for_inspection(str(locker), "door did not open after unlock")
                return self._void(rec, "door_not_opened", after_hold, "result.no_coins_taken")
            # The board went quiet or the item is gone: the unlock was accepted, so it was
            # handed out (docs/architecture.md, "The vend transaction", step 4).
            return self._capture(rec, after_hold)
        rec = self.journal.advance(rec.id, VendStep.DOOR_OPENED)
        on_step(VendStep.DOOR_OPENED)

        state = self._wait_for(locker, lambda s: not s.hook_open, self.timings.door_close_timeout)
        if state is None or state.hook_open:
            log.warning("door of %s left open", locker)
            return self._capture(rec, after_hold)
        rec = self.journal.advance(rec.id, VendStep.DOOR_CLOSED)
        on_step(VendStep.DOOR_CLOSED)
        if state.item_sensed and state.item_present and items_in_locker == 1:
            # The only item is still behind the closed door: the member did not take it.
            # Without an item sensor (XOR boards, bare relay cabinets) nobody can tell, and a
            # door opened and closed after an accepted unlock counts as handed out.
            return self._void(rec, "item_not_taken", after_hold, "result.not_taken")
        return self._capture(rec, after_hold)

    def _wait_for(
        self, locker: LockerAddress, done: Callable[[LockState], bool], timeout: float
    ) -> LockState | None:
        """Poll the lock until `done`, or the timeout. None when the board never answered."""
        deadline = self._clock() + timeout
        last: LockState | None = None
        while True:
            try:
                last = self.board.read(locker)
                if done(last):
                    return last
            except LockBoardError as e:
                log.warning("reading %s failed: %s", locker, e)
            if self._clock() >= deadline:
                return last
            self._sleep(self.timings.poll_interval)

    def _unlock_unanswered(
        self,
        rec: VendRecord,
        locker: LockerAddress,
        after_hold: int | None,
        on_step: Callable[[VendStep], None],
        items_in_locker: int,
    ) -> VendOutcome:
        # Never pulse again: wait for the board to answer a read, and let the lock decide.
        state = self._wait_for(locker, lambda _s: True, self.timings.door_open_timeout)
        if state is None:
            # Still silent: nobody can tell whether it opened. The vend stays in `unlocking`
            # for start-up recovery to judge once the board answers; the locker is flagged.
            self.journal.flag_for_inspection(str(locker), "board silent during unlock")
            return VendOutcome(rec, False, "error.unlock_failed", after_hold)
        if state.hook_open or not state.item_present:
            rec = self.journal.advance(
                rec.id, VendStep.UNLOCKED, detail="seen open after no answer"
            )
            on_step(VendStep.UNLOCKED)
            return self._watch_door(rec, locker, after_hold, on_step, items_in_locker)
        rec = self.journal.advance(rec.id, VendStep.UNLOCK_FAILED)
        on_step(VendStep.UNLOCK_FAILED)
        self.journal.flag_for_inspection(str(locker), "unlock not acknowledged")
        return self._void(rec, "unlock_failed", after_hold, "result.no_coins_taken")

    # --- settling ----------------------------------------------------------------------------

    def _hold_refused(self, rec: VendRecord, e: LedgerError) -> VendOutcome:
        if not e.final:
            # Unreachable, a garbled answer, or still in flight: the hold may have committed, so
            # the queue voids it by its key.
            rec = self.journal.decide(rec.id, "void", "hold_unanswered")
            rec = self.settler.settle(rec)
            return VendOutcome(rec, False, "error.ledger_unreachable", None)
        rec = self.journal.advance(rec.id, VendStep.VOIDED, detail=f"hold refused: {e.code}")
        return VendOutcome(rec, False, error_key(e.code), None)

    def _capture(self, rec: VendRecord, after_hold: int | None) -> VendOutcome:
        rec = self.journal.decide(rec.id, "capture", "handed_out")
        rec = self.settler.settle(rec)
        return VendOutcome(rec, True, "result.taken", after_hold)

    def _void(
        self, rec: VendRecord, reason: str, after_hold: int | None, message: str
    ) -> VendOutcome:
        rec = self.journal.decide(rec.id, "void", reason)
        rec = self.settler.settle(rec)
        balance = None if after_hold is None else after_hold + rec.price
        return VendOutcome(rec, False, message, balance)

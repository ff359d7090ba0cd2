"""One item's vend transaction: hold, unlock, watch the door, then capture or void.

    intent -> held -> unlocking -> unlocked -> door_opened -> door_closed -> captured
                         \\-> unlock_failed -------------------------------> voided
Each step is journalled before the action it announces (docs/architecture.md, "The vend
transaction"). Where the sensors cannot tell whether the item came out, the vend is not guessed:
it awaits a count of its locker, its hold kept open.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from kiosk.core.errors import CommandNotSent, LedgerError, LockBoardError
from kiosk.core.interfaces import Ledger, LockBoard, LockerAddress, LockState
from kiosk.core.journal import HOOK_SUSPECT, VendJournal, VendRecord
from kiosk.core.recovery import item_tells
from kiosk.core.settlement import Settler
from kiosk.core.steps import AwaitReason, Settlement, SettleReason, VendStep
from kiosk.core.view import error_key

if TYPE_CHECKING:
    from kiosk.core.pickup import ClaimStep

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class VendTimings:
    """How long the kiosk waits for the member at the locker, and how often it looks."""

    door_open_timeout: float = 60.0
    door_close_timeout: float = 120.0
    poll_interval: float = 0.2
    # The longest the kiosk may go without reading a lock and still trust "that door never
    # opened": nobody opens a door, takes an item and shuts it again quicker than this.
    blind_limit: float = 2.0
    # A lock the board accepted an unlock for, read shut all along for this long, held: a jam.
    # Its hook bit is the latch, which moves at once. 0 turns it off (relay cabinets, whose reed
    # switch reads the door, which the member must pull).
    jam_after: float = 3.0


@dataclass(frozen=True)
class VendOutcome:
    """How one vend ended, for the result screen."""

    record: VendRecord
    handed_out: bool
    message: str  # translation key
    balance: int | None
    # The coins stay held, neither taken nor given back: the vend awaits a count, or a silent
    # board left it undecided.
    held: bool = False
    jammed: bool = False  # the lock held shut after an accepted unlock; the locker is flagged


Report = Callable[[dict[str, Any]], None]


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
        report: Report | None = None,
    ) -> None:
        """`report` sends a fault event to the ledger (the event outbox's `fault` kind):
        `locker_jammed`, `hook_sensor_suspect`."""
        self.journal = journal
        self._report = report or (lambda _data: None)
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
        pickup: ClaimStep | None = None,
        before: LockState | None = None,
    ) -> VendOutcome:
        """`pickup`: a reserved item, vended on its reservation's hold (kiosk/core/pickup.py);
        its journal record carries that hold from the intent on. `before`: the lock as read
        before the visit's vends (at checkout, `Shopping`); a hook that read open then is a
        suspect sensor (see `_suspect`)."""
        if pickup is None:
            rec = self.journal.begin(session, member, sku, price, str(locker))
        else:
            rec = pickup.begin(self.journal)
        on_step(VendStep.INTENT)
        try:
            if pickup is None:
                hold = self.ledger.hold(session, sku, str(locker), price, key=rec.key)
            else:
                hold = pickup.claim(rec.key)
        except LedgerError as e:
            return self._hold_refused(rec, e)
        rec = self.journal.advance(rec.id, VendStep.HELD, hold=hold.hold)
        on_step(VendStep.HELD)
        after_hold = hold.balance

        # A hook that read open before the vend is a broken sensor (or a cable off): the vend
        # is not refused for it (Open-Locker issue #302), but that hook cannot show the door.
        suspect = self._suspect(rec, locker, before)
        # Written with the step, so start-up recovery knows not to trust that hook either.
        detail = HOOK_SUSPECT if suspect is not None else None
        rec = self.journal.advance(rec.id, VendStep.UNLOCKING, detail=detail)
        on_step(VendStep.UNLOCKING)
        pulsed_at = self._clock()
        try:
            self.board.unlock(locker, vend=rec.key)
        except CommandNotSent as e:
            # The port was gone before the unlock went out: the lock cannot have moved. A fact,
            # not a guess; the board's health check takes the kiosk out of service if it stays.
            log.warning("unlock of %s never sent: %s", locker, e)
            rec = self.journal.advance(rec.id, VendStep.UNLOCK_FAILED, detail="not sent")
            on_step(VendStep.UNLOCK_FAILED)
            return self._void(rec, SettleReason.UNLOCK_FAILED, after_hold, "result.no_coins_taken")
        except LockBoardError as e:
            # No answer: the pulse may or may not have reached the lock. Read before deciding.
            log.warning("unlock of %s not acknowledged: %s", locker, e)
            return self._unlock_unanswered(
                rec, locker, after_hold, on_step, items_in_locker, pulsed_at, suspect
            )
        rec = self.journal.advance(rec.id, VendStep.UNLOCKED)
        on_step(VendStep.UNLOCKED)
        if suspect is not None:
            return self._watch_item(rec, locker, after_hold, suspect, items_in_locker)
        return self._watch_door(rec, locker, after_hold, on_step, items_in_locker)

    def _suspect(
        self, rec: VendRecord, locker: LockerAddress, before: LockState | None
    ) -> LockState | None:
        """`before`, when its hook read open (a shut, sold locker's should not): reported to the
        technician, and from here on that hook is not trusted to show the door."""
        if before is None or not before.hook_open:
            return None
        log.warning("hook of %s read open before its unlock: sensor suspect, vend goes on", locker)
        self._report(
            {
                "what": "hook_sensor_suspect",
                "message": f"the hook of {locker} read open before its unlock: check its sensor",
                "locker": str(locker),
                "sku": rec.sku,
                "vend": rec.id,
            }
        )
        return before

    # --- the member at the locker -----------------------------------------------------------

    def _watch_door(
        self,
        rec: VendRecord,
        locker: LockerAddress,
        after_hold: int | None,
        on_step: Callable[[VendStep], None],
        items_in_locker: int,
    ) -> VendOutcome:
        window = min(self.timings.jam_after, self.timings.door_open_timeout)
        state, blind = self._wait_for(locker, lambda s: s.hook_open, window)
        if (
            window > 0
            and state is not None
            and not state.hook_open
            and state.item_present
            and blind <= self.timings.blind_limit
        ):
            # Read shut all along since the board accepted the unlock: the latch held.
            return self._jammed(rec, locker, after_hold)
        if state is None or not state.hook_open:
            more, blind_more = self._wait_for(
                locker, lambda s: s.hook_open, self.timings.door_open_timeout - window
            )
            state, blind = more or state, max(blind, blind_more)
        if state is None or not state.hook_open:
            if state is not None and state.item_present:
                if blind > self.timings.blind_limit and not item_tells(state, items_in_locker):
                    # Unread long enough for a door to open and shut unseen, and the items left
                    # behind it cannot say whether one was taken.
                    return self._await_count(rec, AwaitReason.DOOR_UNWATCHED, after_hold)
                # Accepted, yet the door never opened and the item is still there: a jammed lock.
                self.journal.flag_for_inspection(str(locker), "door did not open after unlock")
                return self._void(
                    rec, SettleReason.DOOR_NOT_OPENED, after_hold, "result.no_coins_taken"
                )
            # The board went quiet or the item is gone: the unlock was accepted, so it was
            # handed out (docs/architecture.md, "The vend transaction", step 4).
            return self._capture(rec, after_hold)
        rec = self.journal.advance(rec.id, VendStep.DOOR_OPENED)
        on_step(VendStep.DOOR_OPENED)

        state, _blind = self._wait_for(
            locker, lambda s: not s.hook_open, self.timings.door_close_timeout
        )
        if state is None or state.hook_open:
            log.warning("door of %s left open", locker)
            if state is not None and state.item_present and item_tells(state, items_in_locker):
                # The only item is still sensed: not taken, so not charged. It stands behind
                # an open door now, so a technician must look.
                self.journal.flag_for_inspection(str(locker), "door left open, item not taken")
                return self._void(rec, SettleReason.ITEM_NOT_TAKEN, after_hold, "result.not_taken")
            return self._capture(rec, after_hold)
        rec = self.journal.advance(rec.id, VendStep.DOOR_CLOSED)
        on_step(VendStep.DOOR_CLOSED)
        if state.item_sensed and state.item_present and items_in_locker == 1:
            # The only item is still behind the closed door: the member did not take it.
            # Without an item sensor (XOR boards, bare relay cabinets) nobody can tell, and a
            # door opened and closed after an accepted unlock counts as handed out.
            return self._void(rec, SettleReason.ITEM_NOT_TAKEN, after_hold, "result.not_taken")
        return self._capture(rec, after_hold)

    def _wait_for(
        self,
        locker: LockerAddress,
        done: Callable[[LockState], bool],
        timeout: float,
        since: float | None = None,
    ) -> tuple[LockState | None, float]:
        """Poll the lock until `done`, or the timeout: the last state read (None when the board
        never answered) and the longest stretch, from `since` (default: now), with no answer."""
        start = self._clock()
        deadline = start + timeout
        last: LockState | None = None
        seen_at = start if since is None else since
        blind = 0.0
        while True:
            try:
                last = self.board.read(locker)
                now = self._clock()
                blind, seen_at = max(blind, now - seen_at), now
                if done(last):
                    return last, blind
            except LockBoardError as e:
                log.warning("reading %s failed: %s", locker, e)
            if self._clock() >= deadline:
                return last, max(blind, self._clock() - seen_at)
            self._sleep(self.timings.poll_interval)

    def _unlock_unanswered(
        self,
        rec: VendRecord,
        locker: LockerAddress,
        after_hold: int | None,
        on_step: Callable[[VendStep], None],
        items_in_locker: int,
        pulsed_at: float,
        suspect: LockState | None = None,
    ) -> VendOutcome:
        # Never pulse again: wait for the board to answer a read, and let the lock decide.
        state, blind = self._wait_for(
            locker, lambda _s: True, self.timings.door_open_timeout, since=pulsed_at
        )
        if state is None:
            # Still silent: nobody can tell whether it opened. The vend stays in `unlocking`
            # for start-up recovery to judge once the board answers; the locker is flagged.
            self.journal.flag_for_inspection(str(locker), "board silent during unlock")
            # Its coins stay held until then: the screen must not say "no coins taken".
            return VendOutcome(rec, False, "result.unlock_unknown", after_hold, held=True)
        if suspect is not None:
            rec = self.journal.advance(rec.id, VendStep.UNLOCKED, detail=HOOK_SUSPECT)
            on_step(VendStep.UNLOCKED)
            return self._watch_item(rec, locker, after_hold, suspect, items_in_locker)
        if state.hook_open or not state.item_present:
            rec = self.journal.advance(
                rec.id, VendStep.UNLOCKED, detail="seen open after no answer"
            )
            on_step(VendStep.UNLOCKED)
            return self._watch_door(rec, locker, after_hold, on_step, items_in_locker)
        if blind > self.timings.blind_limit and not item_tells(state, items_in_locker):
            # Shut, items behind the door, but read too late to know the door stayed shut.
            return self._await_count(rec, AwaitReason.UNLOCK_READ_LATE, after_hold)
        rec = self.journal.advance(rec.id, VendStep.UNLOCK_FAILED)
        on_step(VendStep.UNLOCK_FAILED)
        self.journal.flag_for_inspection(str(locker), "unlock not acknowledged")
        return self._void(rec, SettleReason.UNLOCK_FAILED, after_hold, "result.no_coins_taken")

    # --- settling ----------------------------------------------------------------------------

    def _hold_refused(self, rec: VendRecord, e: LedgerError) -> VendOutcome:
        if not e.final:
            # Unreachable, a garbled answer, or still in flight: the hold may have committed, so
            # the queue voids it by its key.
            rec = self.journal.decide(rec.id, Settlement.VOID, SettleReason.HOLD_UNANSWERED)
            rec = self.settler.settle(rec)
            return VendOutcome(rec, False, "error.ledger_unreachable", None)
        rec = self.journal.advance(rec.id, VendStep.VOIDED, detail=f"hold refused: {e.code}")
        return VendOutcome(rec, False, error_key(e.code), None)

    def _await_count(
        self, rec: VendRecord, why: AwaitReason, after_hold: int | None
    ) -> VendOutcome:
        """Neither capture nor void: the coins stay held until the locker is counted."""
        log.warning("vend %s at %s awaits a count of the locker: %s", rec.id, rec.locker, why)
        rec = self.journal.await_count(rec.id, why)
        self.settler.tell_awaiting(rec)
        return VendOutcome(rec, False, "result.awaiting_count", after_hold, held=True)

    def _jammed(
        self, rec: VendRecord, locker: LockerAddress, after_hold: int | None
    ) -> VendOutcome:
        """The board accepted the unlock, the lock never opened: void at once, take the locker
        out of sale until a technician clears it, and tell the ledger."""
        log.warning(
            "lock %s jammed: shut %.1f s after an accepted unlock", locker, self.timings.jam_after
        )
        self.journal.flag_for_inspection(str(locker), "jammed: the lock held after an unlock")
        outcome = self._void(rec, SettleReason.DOOR_NOT_OPENED, after_hold, "result.jammed")
        self._report(
            {
                "what": "locker_jammed",
                "message": f"locker {locker} stayed shut after an accepted unlock: out of sale",
                "locker": str(locker),
                "sku": rec.sku,
                "vend": rec.id,
            }
        )
        return VendOutcome(outcome.record, False, outcome.message, outcome.balance, jammed=True)

    def _watch_item(
        self,
        rec: VendRecord,
        locker: LockerAddress,
        after_hold: int | None,
        before: LockState,
        items_in_locker: int,
    ) -> VendOutcome:
        """The hook read open before the pulse, so it cannot show the door: the item sensor
        decides where it can (the locker's only item, sensed); elsewhere a count does."""
        if not item_tells(before, items_in_locker):
            self._sleep(self.timings.door_open_timeout)  # the member's time at the locker
            return self._await_count(rec, AwaitReason.HOOK_SUSPECT, after_hold)
        state, _blind = self._wait_for(
            locker, lambda s: not s.item_present, self.timings.door_open_timeout
        )
        if state is not None and not state.item_present:
            return self._capture(rec, after_hold)
        if state is None:
            return self._await_count(rec, AwaitReason.HOOK_SUSPECT, after_hold)
        return self._void(rec, SettleReason.ITEM_NOT_TAKEN, after_hold, "result.not_taken")

    def _capture(self, rec: VendRecord, after_hold: int | None) -> VendOutcome:
        rec = self.journal.decide(rec.id, Settlement.CAPTURE, SettleReason.HANDED_OUT)
        rec = self.settler.settle(rec)
        return VendOutcome(rec, True, "result.taken", after_hold)

    def _void(
        self, rec: VendRecord, reason: SettleReason, after_hold: int | None, message: str
    ) -> VendOutcome:
        rec = self.journal.decide(rec.id, Settlement.VOID, reason)
        rec = self.settler.settle(rec)
        balance = None if after_hold is None else after_hold + rec.price
        return VendOutcome(rec, False, message, balance)

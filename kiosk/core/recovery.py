"""Start-up recovery: settle every vend a crash or power cut left unfinished.

The rule that matters most: a vend caught in `unlocking` is never pulsed again — the board is
read, and what it shows decides capture or void. Where what it shows cannot decide (the pulse
may have gone out, the lock is shut again, and items are still sensed behind the door of a
locker that held several, or the lock has no item sensor, or its hook read open before the
unlock and so shows nothing), recovery never guesses: the vend awaits a count of its locker,
its hold kept open (docs/architecture.md, "Recovery").
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from kiosk.core.errors import LockBoardError
from kiosk.core.interfaces import LockBoard, LockerAddress, LockState
from kiosk.core.journal import VendJournal, VendRecord
from kiosk.core.settlement import Settler
from kiosk.core.steps import AwaitReason, Settlement, SettleReason, VendStep

log = logging.getLogger(__name__)

_HANDED_OUT = (VendStep.UNLOCKED, VendStep.DOOR_OPENED, VendStep.DOOR_CLOSED)

# A verdict: capture or void and why, or (neither) await a count of the locker and why.
Verdict = tuple[Settlement, SettleReason] | AwaitReason


@dataclass(frozen=True)
class RecoveryReport:
    decided: int
    settled: int
    undecided: tuple[int, ...]  # vends that could not be judged (board unreadable): out of service
    awaiting_count: tuple[int, ...] = ()  # vends only a count of their locker can settle


def recover(journal: VendJournal, board: LockBoard, settler: Settler) -> RecoveryReport:
    """Decide every unfinished vend, then try once to settle the queue."""
    decided, undecided = judge_unfinished(journal, board)
    before = len(journal.pending_settlements())
    remaining = settler.settle_all()
    awaiting = tuple(v.id for v in journal.awaiting_count())
    return RecoveryReport(len(decided), before - remaining, tuple(undecided), awaiting)


def judge_unfinished(journal: VendJournal, board: LockBoard) -> tuple[list[int], list[int]]:
    """Decide capture or void for every unfinished vend with no decision yet, by the rules
    above; only while no vend is running. A vend the board cannot decide is set to await a
    count instead. Returns the ids (decided, still undecided: the board did not answer)."""
    decided: list[int] = []
    undecided: list[int] = []
    for vend in journal.unfinished():
        if vend.settlement is not None or vend.awaiting_count:
            continue
        verdict = _verdict(vend, journal, board)
        if verdict is None:
            undecided.append(vend.id)
            continue
        if isinstance(verdict, AwaitReason):
            log.warning("recovery: vend %s in %s awaits a count (%s)", vend.id, vend.state, verdict)
            journal.await_count(vend.id, verdict)
            continue
        settlement, reason = verdict
        log.info(
            "recovery: vend %s in %s -> %s (%s)", vend.id, vend.state.value, settlement, reason
        )
        journal.decide(vend.id, settlement, reason)
        decided.append(vend.id)
    return decided, undecided


def _verdict(vend: VendRecord, journal: VendJournal, board: LockBoard) -> Verdict | None:
    if vend.state in (VendStep.INTENT, VendStep.HELD, VendStep.UNLOCK_FAILED):
        return (Settlement.VOID, SettleReason.recovered(vend.state))
    locker = LockerAddress.parse(vend.locker)
    if vend.state in (VendStep.UNLOCKING, VendStep.UNLOCKED) and journal.hook_suspect(vend.id):
        return _suspect_verdict(vend, journal, board, locker)
    if vend.state in _HANDED_OUT:
        if _only_item_left_behind(vend, journal, board, locker):
            return (Settlement.VOID, SettleReason.recovered(vend.state, not_taken=True))
        return (Settlement.CAPTURE, SettleReason.recovered(vend.state))
    # UNLOCKING with no answer recorded: the pulse may have gone out. Never pulse again.
    try:
        state = board.read(locker)
    except LockBoardError as e:
        log.error("recovery: cannot read %s for vend %s: %s", locker, vend.id, e)
        return None
    if state.hook_open or not state.item_present:
        return (Settlement.CAPTURE, SettleReason.RECOVERED_UNLOCKING_OPEN)
    if not item_tells(state, _count(journal, vend)):
        # Shut again, items behind the door: a member may have opened it, taken one and shut
        # it while the kiosk was down, or the pulse never went out. Only a count can tell.
        return AwaitReason.RECOVERED_UNCOUNTED
    journal.flag_for_inspection(vend.locker, "crash during unlock; lock seen closed")
    return (Settlement.VOID, SettleReason.RECOVERED_UNLOCKING_CLOSED)


def _suspect_verdict(
    vend: VendRecord, journal: VendJournal, board: LockBoard, locker: LockerAddress
) -> Verdict | None:
    """A vend that went on with its hook suspect (it read open before the unlock; a cut cable
    reads open): "open" tells nothing, so it is never a capture by itself. The item sensor
    decides where it can, as the running kiosk's rule (vend.py, `_watch_item`); elsewhere only
    a count can. An unreadable board decides nothing yet."""
    try:
        state = board.read(locker)
    except LockBoardError as e:
        log.error("recovery: cannot read %s for vend %s: %s", locker, vend.id, e)
        return None
    if not item_tells(state, _count(journal, vend)):
        return AwaitReason.HOOK_SUSPECT
    if state.item_present:
        return (Settlement.VOID, SettleReason.RECOVERED_HOOK_SUSPECT_ITEM_THERE)
    return (Settlement.CAPTURE, SettleReason.RECOVERED_HOOK_SUSPECT_ITEM_GONE)


def _only_item_left_behind(
    vend: VendRecord, journal: VendJournal, board: LockBoard, locker: LockerAddress
) -> bool:
    """The running kiosk's rule at a shut door (vend.py): the locker's only item still sensed
    behind it was not taken. A board that cannot be read, or has no item sensor, tells nothing,
    and an unlocked vend counts as handed out."""
    try:
        state = board.read(locker)
    except LockBoardError as e:
        log.warning("recovery: cannot read %s for vend %s: %s", locker, vend.id, e)
        return False
    return not state.hook_open and state.item_present and item_tells(state, _count(journal, vend))


def item_tells(state: LockState, count: int) -> bool:
    """Whether the item sensor can say a vend's item was NOT taken: only for a locker's last
    item, and only where there is a sensor. Behind a door with more items, "present" is true
    whether or not one was taken."""
    return state.item_sensed and count == 1


def _count(journal: VendJournal, vend: VendRecord) -> int:
    """The items the journal expects in the vend's locker (this vend's item still among them:
    stock leaves at the capture decision)."""
    return next((s.count for s in journal.lockers() if s.locker == vend.locker), 0)

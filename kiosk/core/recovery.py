"""Start-up recovery: settle every vend a crash or power cut left unfinished.

The rules are DESIGN.md's; the one that matters most: a vend caught in `unlocking` is never
pulsed again — the board is read, and what it shows decides capture or void.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from kiosk.core.errors import LockBoardError
from kiosk.core.interfaces import LockBoard, LockerAddress
from kiosk.core.journal import VendJournal, VendRecord
from kiosk.core.settlement import Settler
from kiosk.core.view import VendStep

log = logging.getLogger(__name__)

_HANDED_OUT = (VendStep.UNLOCKED, VendStep.DOOR_OPENED, VendStep.DOOR_CLOSED)


@dataclass(frozen=True)
class RecoveryReport:
    decided: int
    settled: int
    undecided: tuple[int, ...]  # vends that could not be judged (board unreadable): out of service


def recover(journal: VendJournal, board: LockBoard, settler: Settler) -> RecoveryReport:
    """Decide every unfinished vend, then try once to settle the queue."""
    decided, undecided = judge_unfinished(journal, board)
    before = len(journal.pending_settlements())
    remaining = settler.settle_all()
    return RecoveryReport(len(decided), before - remaining, tuple(undecided))


def judge_unfinished(journal: VendJournal, board: LockBoard) -> tuple[list[int], list[int]]:
    """Decide capture or void for every unfinished vend with no decision yet, by the rules
    above; only while no vend is running. Returns the ids (decided, still undecided)."""
    decided: list[int] = []
    undecided: list[int] = []
    for vend in journal.unfinished():
        if vend.settlement is not None:
            continue
        verdict = _verdict(vend, journal, board)
        if verdict is None:
            undecided.append(vend.id)
            continue
        settlement, reason = verdict
        log.info(
            "recovery: vend %s in %s -> %s (%s)", vend.id, vend.state.value, settlement, reason
        )
        journal.decide(vend.id, settlement, reason)
        decided.append(vend.id)
    return decided, undecided


def _verdict(vend: VendRecord, journal: VendJournal, board: LockBoard) -> tuple[str, str] | None:
    if vend.state in (VendStep.INTENT, VendStep.HELD, VendStep.UNLOCK_FAILED):
        return ("void", f"recovered_{vend.state.value}")
    locker = LockerAddress.parse(vend.locker)
    if vend.state in _HANDED_OUT:
        if _only_item_left_behind(vend, journal, board, locker):
            return ("void", f"recovered_{vend.state.value}_not_taken")
        return ("capture", f"recovered_{vend.state.value}")
    # UNLOCKING with no answer recorded: the pulse may have gone out. Never pulse again.
    try:
        state = board.read(locker)
    except LockBoardError as e:
        log.error("recovery: cannot read %s for vend %s: %s", locker, vend.id, e)
        return None
    if state.hook_open or not state.item_present:
        return ("capture", "recovered_unlocking_open")
    journal.flag_for_inspection(vend.locker, "crash during unlock; lock seen closed")
    return ("void", "recovered_unlocking_closed")


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
    count = next((s.count for s in journal.lockers() if s.locker == vend.locker), 0)
    return not state.hook_open and state.item_sensed and state.item_present and count == 1

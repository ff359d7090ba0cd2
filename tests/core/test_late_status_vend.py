"""A vend whose unlock goes out while the board still owes the answer to an earlier status read
(current Kerong firmware, on a real pty; the real ledger). That answer, the lock shut as it was,
comes after the read confirming the unlock gave up: taken for the lock's state it would say
"the door never opened" and void the hold while the member takes the item. The vend must read
the lock as it is after the unlock instead (docs/architecture.md, "The vend transaction")."""

import threading

from drivers.errors import NoAnswer
from kiosk.core.interfaces import LockerAddress
from kiosk.core.steps import VendStep

WATER = LockerAddress(0, 2)
# The rig's board reads twice for 0.2 s each. Asked at 0, the late answer goes out at 1.0: past
# the reads that confirm the unlock (0.4 to 0.8) and during the vend's first read (0.8 to 1.2).
LATE = 1.0
# A person at the locker: the door stays open longer than a blind stretch the vend may trust
# (VendTimings.blind_limit), so a read after the wait sees it open.
HAND_IN_LOCKER = 2.5


def visitor(rig) -> threading.Thread:
    """Waits for the door to spring open, takes a bottle, shuts the door."""
    cabinet = rig.site.cabinet

    def act() -> None:
        for _ in range(400):
            if cabinet.locker(WATER.board, WATER.lock).door_open:
                threading.Event().wait(HAND_IN_LOCKER)
                cabinet.take_item(WATER.board, WATER.lock)
                cabinet.close_door(WATER.board, WATER.lock)
                return
            threading.Event().wait(0.01)

    thread = threading.Thread(target=act, daemon=True)
    thread.start()
    return thread


def test_a_late_answer_from_before_the_unlock_never_voids_a_vend_whose_door_opened(rig):
    member = rig.site.member("王阿姨")
    session = rig.open_session("王阿姨")
    sim = rig.site.board
    rig.board.read(WATER)  # the kiosk knows the board: current firmware, unlocks unanswered
    steps: list[VendStep] = []
    missed: list[Exception] = []

    def on_step(step: VendStep) -> None:
        steps.append(step)
        if step is VendStep.HELD:  # right before the unlock: a read the board answers late
            sim.fault("late_once", LATE)
            try:
                rig.board.read(WATER)
            except NoAnswer as exc:
                missed.append(exc)

    hand = visitor(rig)
    outcome = rig.vends.run(
        session.session, session.member.id, "water", 20, WATER, on_step, items_in_locker=2
    )
    hand.join(10)
    assert missed, "the read before the unlock was answered in time: nothing came late"
    assert rig.site.cabinet.pulses(0, 2) == 1
    assert rig.site.cabinet.locker(0, 2).items == 1  # the member took one bottle
    assert outcome.handed_out and outcome.record.state is VendStep.CAPTURED, outcome
    assert VendStep.UNLOCK_FAILED not in steps
    assert rig.site.balance(member["member"]) == member["balance"] - 20

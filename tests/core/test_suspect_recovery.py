"""Start-up recovery after a crash mid-vend on a cut hook cable (issue 15): the hook read open
before the unlock, so its "open" tells nothing about the door. Recovery never reads it as a
capture: the locker's only item, sensed, decides (gone: capture; still there: void), and a
locker of several items waits for a count with the coins held. Real ledger over HTTP, the
simulated cabinet through the Kerong driver on a pty."""

from __future__ import annotations

import pytest

from kiosk.core.interfaces import LockerAddress
from kiosk.core.recovery import recover
from kiosk.core.steps import VendStep

RICE = LockerAddress(0, 3)  # one bag, with an item sensor
TISSUES = LockerAddress(0, 1)  # three packets behind one door


def crash_in_unlocking(rig, sku: str, price: int, locker: LockerAddress, take: bool):
    """A vend that went on with its hook suspect, its unlock unanswered (the board silent), so
    the kiosk left it in `unlocking` for recovery, as a crash or power cut there would."""
    rig.site.cabinet.break_hook(locker.board, locker.lock)
    session = rig.open_session("王阿姨")
    before = rig.board.read(locker)  # as checkout reads the cart's lockers
    assert before.hook_open  # the cut cable
    rig.site.board.silent = True  # the pulse goes out, its answer is lost
    rig.visitor(str(locker), take=take, close=True)
    items = rig.site.cabinet.locker(locker.board, locker.lock).items
    outcome = rig.vends.run(
        session.session,
        session.member.id,
        sku,
        price,
        locker,
        lambda _step: None,
        items_in_locker=items,
        before=before,
    )
    assert outcome.record.state is VendStep.UNLOCKING and outcome.held
    assert rig.journal.hook_suspect(outcome.record.id)
    rig.site.board.silent = False
    return outcome.record


@pytest.mark.parametrize("take", [False, True], ids=["item-left", "item-taken"])
def test_the_only_item_sensed_decides_not_the_cut_hook(rig, take: bool) -> None:
    member = rig.site.member("王阿姨")
    rec = crash_in_unlocking(rig, "rice", 50, RICE, take)
    # The cut hook reads open now, as it did before: the old rule would have charged for it.
    assert rig.board.read(RICE).hook_open
    report = recover(rig.journal, rig.board, rig.settler)
    assert report.decided == 1 and report.undecided == () and report.awaiting_count == ()
    vend = rig.journal.get(rec.id)
    if take:
        assert vend.state is VendStep.CAPTURED
        assert vend.reason == "recovered_hook_suspect_item_gone"
        assert rig.site.balance(member["member"]) == member["balance"] - 50
    else:
        assert vend.state is VendStep.VOIDED
        assert vend.reason == "recovered_hook_suspect_item_there"
        assert rig.site.balance(member["member"]) == member["balance"]
    assert rig.site.cabinet.pulses(0, 3) == 1  # never pulsed again


def test_a_locker_of_several_items_waits_for_a_count_with_the_coins_held(rig) -> None:
    member = rig.site.member("王阿姨")
    rec = crash_in_unlocking(rig, "tissues", 15, TISSUES, take=True)
    report = recover(rig.journal, rig.board, rig.settler)
    assert report.decided == 0 and report.awaiting_count == (rec.id,)
    vend = rig.journal.get(rec.id)
    assert vend.settlement is None and vend.reason == "awaiting_count: hook_suspect_uncounted"
    assert rig.site.balance(member["member"]) == member["balance"] - 15  # held, not taken
    assert [h["state"] for h in rig.site.holds() if h["locker"] == "0:1"] == ["held"]


def test_a_vend_unlocked_on_a_suspect_hook_is_judged_by_its_item_too(rig) -> None:
    """Crashed after the unlock was answered (`unlocked`), the bag still in the locker: the
    cut hook's "open" is no hand-out, so nothing is charged."""
    member = rig.site.member("王阿姨")
    rig.site.cabinet.break_hook(0, 3)
    session = rig.open_session("王阿姨")
    rec = rig.journal.begin(session.session, session.member.id, "rice", 50, "0:3")
    hold = rig.ledger.hold(session.session, "rice", "0:3", 50, key=rec.key)
    rig.journal.advance(rec.id, VendStep.HELD, hold=hold.hold)
    rig.journal.advance(rec.id, VendStep.UNLOCKING, detail="hook suspect")
    rig.journal.advance(rec.id, VendStep.UNLOCKED)
    recover(rig.journal, rig.board, rig.settler)
    vend = rig.journal.get(rec.id)
    assert (vend.state, vend.reason) == (VendStep.VOIDED, "recovered_hook_suspect_item_there")
    assert rig.site.balance(member["member"]) == member["balance"]

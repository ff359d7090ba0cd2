"""The vend transaction against the real ledger and a simulated board on a pty."""

import pytest

from drivers.errors import AlreadyUnlocked
from kiosk.core.interfaces import LockerAddress
from kiosk.core.recovery import recover
from kiosk.core.steps import VendStep

WATER = LockerAddress(0, 2)  # two bottles in the demo cabinet
RICE = LockerAddress(0, 3)  # one bag


def vend(rig, who, sku, price, locker, **visitor):
    session = rig.open_session(who)
    steps = []
    rig.visitor(str(locker), **visitor)
    outcome = rig.vends.run(
        session.session,
        session.member.id,
        sku,
        price,
        locker,
        steps.append,
        items_in_locker=rig.site.cabinet.locker(locker.board, locker.lock).items,
    )
    return session, outcome, steps


def test_a_taken_item_is_captured_once_and_the_balance_goes_down_by_its_price(rig):
    member = rig.site.member("王阿姨")
    session, outcome, steps = vend(rig, "王阿姨", "water", 20, WATER)
    assert outcome.handed_out and outcome.message == "result.taken"
    assert outcome.record.state is VendStep.CAPTURED
    assert rig.journal.steps(outcome.record.id) == [
        "intent",
        "held",
        "unlocking",
        "unlocked",
        "door_opened",
        "door_closed",
        "captured",
    ]
    assert steps[-1] is VendStep.DOOR_CLOSED
    assert rig.site.balance(member["member"]) == member["balance"] - 20
    assert outcome.balance == member["balance"] - 20
    assert rig.site.cabinet.pulses(0, 2) == 1
    assert [s.count for s in rig.journal.lockers() if s.locker == "0:2"] == [1]


def test_a_jammed_lock_takes_no_coins_and_flags_the_locker(rig):
    member = rig.site.member("王阿姨")
    rig.site.cabinet.jam(0, 2)
    _, outcome, _ = vend(rig, "王阿姨", "water", 20, WATER)
    assert not outcome.handed_out and outcome.message == "result.jammed" and outcome.jammed
    assert outcome.record.state is VendStep.VOIDED
    assert rig.site.balance(member["member"]) == member["balance"]
    assert rig.site.cabinet.pulses(0, 2) == 1
    assert [s.inspect for s in rig.journal.lockers() if s.locker == "0:2"] == [
        "jammed: the lock held after an unlock"
    ]
    assert "0:2" not in [s.locker for s in rig.inventory.sellable()]


def test_a_door_closed_on_the_only_item_takes_no_coins(rig):
    member = rig.site.member("王阿姨")
    _, outcome, _ = vend(rig, "王阿姨", "rice", 50, RICE, take=False)
    assert not outcome.handed_out and outcome.message == "result.not_taken"
    assert outcome.record.reason == "item_not_taken"
    assert outcome.record.state is VendStep.VOIDED
    assert rig.site.balance(member["member"]) == member["balance"]


def test_too_few_coins_never_opens_the_locker(rig):
    member = rig.site.member("李伯伯")
    _, outcome, _ = vend(rig, "李伯伯", "water", 20, WATER)
    assert outcome.message == "error.insufficient_funds"
    assert outcome.record.state is VendStep.VOIDED
    assert rig.site.cabinet.pulses(0, 2) == 0
    assert rig.site.balance(member["member"]) == member["balance"]


def test_a_board_silent_during_unlock_is_never_pulsed_again_and_recovery_captures(rig):
    member = rig.site.member("王阿姨")
    rig.site.board.silent = True  # the lock moves, the answer is lost
    _, outcome, _ = vend(rig, "王阿姨", "water", 20, WATER, take=True, close=False)
    assert not outcome.handed_out
    assert outcome.record.state is VendStep.UNLOCKING  # undecided: nobody could read the lock
    assert rig.site.balance(member["member"]) == member["balance"] - 20  # still held

    rig.site.board.silent = False
    report = recover(rig.journal, rig.board, rig.settler)
    assert report.decided == 1 and report.undecided == ()
    [v] = rig.journal.all_vends()
    assert v.state is VendStep.CAPTURED and v.reason == "recovered_unlocking_open"
    assert rig.site.cabinet.pulses(0, 2) == 1
    assert rig.site.balance(member["member"]) == member["balance"] - 20


def test_recovery_voids_a_vend_that_never_reached_the_lock(rig):
    member = rig.site.member("王阿姨")
    session = rig.open_session("王阿姨")
    rec = rig.journal.begin(session.session, session.member.id, "water", 20, "0:2")
    hold = rig.ledger.hold(session.session, "water", "0:2", 20, key=rec.key)
    rig.journal.advance(rec.id, VendStep.HELD, hold=hold.hold)
    assert rig.site.balance(member["member"]) == member["balance"] - 20

    report = recover(rig.journal, rig.board, rig.settler)
    assert report.decided == 1
    assert rig.journal.get(rec.id).state is VendStep.VOIDED
    assert rig.site.balance(member["member"]) == member["balance"]
    assert rig.site.cabinet.pulses(0, 2) == 0


def test_recovery_finds_a_hold_whose_answer_was_lost_by_its_key_and_voids_it(rig):
    member = rig.site.member("王阿姨")
    session = rig.open_session("王阿姨")
    rec = rig.journal.begin(session.session, session.member.id, "water", 20, "0:2")
    rig.ledger.hold(session.session, "water", "0:2", 20, key=rec.key)  # answer "lost"
    report = recover(rig.journal, rig.board, rig.settler)
    assert report.decided == 1
    assert rig.journal.get(rec.id).state is VendStep.VOIDED
    assert rig.site.balance(member["member"]) == member["balance"]


def test_recovery_captures_a_vend_that_was_unlocked(rig):
    member = rig.site.member("王阿姨")
    session = rig.open_session("王阿姨")
    rec = rig.journal.begin(session.session, session.member.id, "water", 20, "0:2")
    hold = rig.ledger.hold(session.session, "water", "0:2", 20, key=rec.key)
    for step in (VendStep.HELD, VendStep.UNLOCKING, VendStep.UNLOCKED):
        rig.journal.advance(rec.id, step, hold=hold.hold)
    recover(rig.journal, rig.board, rig.settler)
    assert rig.journal.get(rec.id).state is VendStep.CAPTURED
    assert rig.site.balance(member["member"]) == member["balance"] - 20
    # Settling again (a restart) charges nothing more: the capture key is the same.
    rig.settler.settle(rig.journal.get(rec.id))
    assert rig.site.balance(member["member"]) == member["balance"] - 20


def test_without_an_item_sensor_a_door_opened_and_closed_is_paid_for(rig, tmp_path):
    """XOR boards have no item sensor: the closed door must not read as 'item still there'."""
    from drivers.lockboard import open_board
    from drivers.lockboard.profile import BoardProfile
    from kiosk.core.vend import VendTransaction
    from sim.lockboard import SimXorBoard
    from sim.world import Cabinet
    from tests.core.conftest import FAST, visitor

    cabinet = Cabinet.demo(1)  # XOR boards sit at bus addresses 1..31
    xor_sim = SimXorBoard(cabinet, board_addresses=(1,)).start()
    board = open_board(xor_sim.url, BoardProfile.for_protocol("xor", command_timeout=0.3))
    try:
        member = rig.site.member("王阿姨")
        rig.vends = VendTransaction(rig.journal, rig.ledger, board, rig.settler, FAST)
        session = rig.open_session("王阿姨")
        rig.site.cabinet = cabinet  # the visitor plays this cabinet
        visitor(rig.site, "1:3")  # takes the only bag of rice and closes the door
        outcome = rig.vends.run(
            session.session,
            session.member.id,
            "rice",
            50,
            LockerAddress(1, 3),
            lambda _s: None,
            items_in_locker=1,
        )
        assert outcome.handed_out and outcome.record.state is VendStep.CAPTURED
        assert rig.site.balance(member["member"]) == member["balance"] - 50
    finally:
        board.close()
        xor_sim.stop()


def test_a_board_gone_silent_while_the_door_is_open_still_captures_once(rig):
    """The door was seen open (handed out); the bus then dies before the door is closed."""
    member = rig.site.member("王阿姨")
    session = rig.open_session("王阿姨")
    steps: list[VendStep] = []

    def on_step(step: VendStep) -> None:
        steps.append(step)
        if step is VendStep.DOOR_OPENED:
            rig.site.board.silent = True  # the cable is pulled with the door open

    rig.visitor("0:2", take=True, close=False)
    outcome = rig.vends.run(
        session.session, session.member.id, "water", 20, WATER, on_step, items_in_locker=2
    )
    assert VendStep.DOOR_OPENED in steps
    assert outcome.handed_out and outcome.record.state is VendStep.CAPTURED
    assert rig.site.balance(member["member"]) == member["balance"] - 20
    assert rig.site.cabinet.pulses(0, 2) == 1  # silence never makes the kiosk pulse again


def test_the_vend_gives_its_key_to_the_board_so_a_second_pulse_for_it_is_refused(rig):
    # The driver's "never pulse twice for one vend" guard only protects vends that name
    # themselves: the transaction passes the vend's idempotency key with its one unlock.
    _, outcome, _ = vend(rig, "王阿姨", "water", 20, WATER)
    assert outcome.handed_out and rig.site.cabinet.pulses(0, 2) == 1
    with pytest.raises(AlreadyUnlocked, match=outcome.record.key):
        rig.board.unlock(WATER, vend=outcome.record.key)
    assert rig.site.cabinet.pulses(0, 2) == 1  # the bus never carried a second unlock
    rig.board.unlock(WATER, vend="another vend")  # another vend of the same locker may
    assert rig.site.cabinet.pulses(0, 2) == 2

"""A vend the sensors cannot decide is never guessed: it awaits a count of its locker, its hold
kept open on the ledger, and the count settles it (one fewer: captured; as many: voided)."""

from __future__ import annotations

import threading
import time
from dataclasses import replace

import pytest
import requests

from kiosk.core.interfaces import LockerAddress
from kiosk.core.recovery import recover
from kiosk.core.steps import VendStep
from kiosk.core.vend import VendTransaction
from tests.core.conftest import FAST

WATER = LockerAddress(0, 2)  # two bottles in the demo cabinet
RICE = LockerAddress(0, 3)  # one bag


def held_at_unlocking(rig, sku="water", price=20, locker="0:2"):
    """A vend the kiosk journalled up to `unlocking`, as a kill at that moment leaves it."""
    session = rig.open_session("王阿姨")
    rec = rig.journal.begin(session.session, session.member.id, sku, price, locker)
    hold = rig.ledger.hold(session.session, sku, locker, price, key=rec.key)
    rig.journal.advance(rec.id, VendStep.HELD, hold=hold.hold)
    return rig.journal.advance(rec.id, VendStep.UNLOCKING)


def ledger_hold(rig, hold: str) -> dict:
    r = requests.get(
        f"{rig.site.ledger.url}/v1/holds/{hold}",
        headers={"Authorization": f"Bearer {rig.site.demo['kiosk_key']}"},
        timeout=10,
    )
    assert r.status_code == 200, r.text
    return r.json()


def test_a_kill_as_the_board_unlocked_a_locker_of_several_awaits_a_count_that_then_charges(rig):
    member = rig.site.member("王阿姨")
    rec = held_at_unlocking(rig)
    # The pulse went out as the kiosk died: the member opens, takes one bottle, shuts the door.
    assert rig.site.cabinet.release(0, 2)
    rig.site.cabinet.take_item(0, 2)
    rig.site.cabinet.close_door(0, 2)

    report = recover(rig.journal, rig.board, rig.settler)
    assert (report.decided, report.undecided, report.awaiting_count) == (0, (), (rec.id,))
    vend = rig.journal.get(rec.id)
    assert vend.awaiting_count and vend.state is VendStep.UNLOCKING and vend.expect_count == 2
    assert vend.count_told  # the ledger keeps the hold until the count
    assert (
        ledger_hold(rig, vend.hold)["state"],
        ledger_hold(rig, vend.hold)["awaiting_count"],
    ) == (
        "held",
        True,
    )
    assert rig.site.balance(member["member"]) == member["balance"] - 20  # held, not charged
    assert all(s.locker != "0:2" for s in rig.inventory.sellable())  # out of sale until counted
    [flag] = [s.inspect for s in rig.journal.lockers() if s.locker == "0:2"]
    assert flag is not None and flag.startswith(f"count needed: vend {rec.id}")

    [counted] = rig.journal.count_locker("0:2", 1)  # one bottle left of two
    assert (counted.settlement, counted.reason) == ("capture", "counted_taken: 1 of 2")
    assert rig.settler.settle_all() == 0
    assert rig.journal.get(rec.id).state is VendStep.CAPTURED
    assert rig.site.balance(member["member"]) == member["balance"] - 20
    assert ledger_hold(rig, vend.hold)["state"] == "captured"
    [stock] = [s for s in rig.journal.lockers() if s.locker == "0:2"]
    assert (stock.count, stock.inspect) == (1, None)
    assert any(s.locker == "0:2" for s in rig.inventory.sellable())


def test_a_count_that_finds_as_many_as_before_voids_and_gives_the_coins_back(rig):
    member = rig.site.member("王阿姨")
    rec = held_at_unlocking(rig)  # killed before the pulse went out: the door never moved
    report = recover(rig.journal, rig.board, rig.settler)
    assert report.awaiting_count == (rec.id,)
    assert rig.site.cabinet.pulses(0, 2) == 0  # recovery never pulses
    [counted] = rig.journal.count_locker("0:2", 2)
    assert counted.settlement == "void"
    assert rig.settler.settle_all() == 0
    assert rig.journal.get(rec.id).state is VendStep.VOIDED
    assert rig.site.balance(member["member"]) == member["balance"]


def test_a_lockers_only_item_still_sensed_settles_without_a_count(rig):
    member = rig.site.member("王阿姨")
    rec = held_at_unlocking(rig, "rice", 50, "0:3")
    report = recover(rig.journal, rig.board, rig.settler)
    assert (report.decided, report.awaiting_count) == (1, ())
    vend = rig.journal.get(rec.id)
    assert (vend.state, vend.reason) == (VendStep.VOIDED, "recovered_unlocking_closed")
    assert rig.site.balance(member["member"]) == member["balance"]


def test_recovery_leaves_a_vend_awaiting_a_count_alone_until_it_is_counted(rig):
    rec = held_at_unlocking(rig)
    recover(rig.journal, rig.board, rig.settler)
    again = recover(rig.journal, rig.board, rig.settler)  # a second restart before the count
    assert (again.decided, again.awaiting_count) == (0, (rec.id,))
    assert rig.journal.get(rec.id).awaiting_count


def test_an_unanswered_unlock_read_too_late_to_know_the_door_stayed_shut_awaits_a_count(rig):
    """The board went quiet as it unlocked; by the time it answered, the member had opened the
    door, taken a bottle and shut it. "Shut, items present" then proves nothing."""
    member = rig.site.member("王阿姨")
    timings = replace(FAST, blind_limit=0.4)
    rig.vends = VendTransaction(rig.journal, rig.ledger, rig.board, rig.settler, timings)
    rig.site.board.silent = True
    cabinet = rig.site.cabinet

    def member_then_line_back() -> None:
        while not cabinet.locker(0, 2).door_open:
            time.sleep(0.01)
        cabinet.take_item(0, 2)
        cabinet.close_door(0, 2)
        time.sleep(0.8)  # the line stays dead a little longer
        rig.site.board.silent = False

    threading.Thread(target=member_then_line_back, daemon=True).start()
    session = rig.open_session("王阿姨")
    outcome = rig.vends.run(
        session.session, session.member.id, "water", 20, WATER, lambda _s: None, items_in_locker=2
    )
    assert not outcome.handed_out and outcome.message == "result.awaiting_count"
    vend = rig.journal.get(outcome.record.id)
    assert vend.awaiting_count and vend.count_told
    assert vend.reason == "awaiting_count: unlock_unanswered_read_late"
    assert rig.site.balance(member["member"]) == member["balance"] - 20  # held
    assert rig.site.cabinet.pulses(0, 2) == 1  # never pulsed twice
    status = rig.settler.status()["awaiting_count"]
    assert [(r["vend"], r["expect_count"], r["ledger_told"]) for r in status] == [
        (vend.id, 2, True)
    ]
    rig.journal.count_locker("0:2", 1)
    rig.settler.settle_all()
    assert rig.journal.get(vend.id).state is VendStep.CAPTURED
    assert rig.site.balance(member["member"]) == member["balance"] - 20


def test_an_unanswered_unlock_read_at_once_shut_is_trusted_and_voided(rig):
    """A board whose unlock answers are lost (older, echoing firmware), and a jammed lock: the
    read comes straight after the pulse, far too soon for anyone to have opened the door, so
    shut means not opened."""
    member = rig.site.member("王阿姨")
    rig.site.board.echo = True
    rig.site.board.fault("mute_unlocks")
    rig.site.cabinet.jam(0, 2)
    session = rig.open_session("王阿姨")
    outcome = rig.vends.run(
        session.session, session.member.id, "water", 20, WATER, lambda _s: None, items_in_locker=2
    )
    assert outcome.record.state is VendStep.VOIDED and outcome.record.reason == "unlock_failed"
    assert rig.site.balance(member["member"]) == member["balance"]


@pytest.mark.parametrize("firmware", ["current", "echoing, answers lost"])
def test_a_board_that_never_answers_unlocks_still_hands_out_and_charges_once(rig, firmware):
    """Current Kerong firmware never answers an unlock; an echoing board's answers may be
    lost on the line. Either way the member is served and charged once."""
    who = rig.site.member("王阿姨")
    rig.site.board.echo = firmware != "current"
    rig.site.board.fault("mute_unlocks")
    cabinet = rig.site.cabinet

    def member() -> None:  # at human speed: a second at the open door
        while not cabinet.locker(0, 2).door_open:
            time.sleep(0.01)
        time.sleep(1.0)
        cabinet.take_item(0, 2)
        cabinet.close_door(0, 2)

    threading.Thread(target=member, daemon=True).start()
    session = rig.open_session("王阿姨")
    outcome = rig.vends.run(
        session.session, session.member.id, "water", 20, WATER, lambda _s: None, items_in_locker=2
    )
    assert outcome.handed_out and outcome.record.state is VendStep.CAPTURED
    assert rig.site.balance(who["member"]) == who["balance"] - 20
    assert rig.site.cabinet.pulses(0, 2) == 1

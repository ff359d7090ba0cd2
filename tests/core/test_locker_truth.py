"""At the locker, what the screens are told is true (issue 15, section 3), on the simulated
cabinet through the real Kerong driver on a pty and the real ledger over HTTP: a jam is said
within seconds and reported, a locker that cannot tell one item taken from none says so before
its door opens, a hook that reads open does not stop a vend, a silent board's coins are said to
be held, and an untouched screen asks for more time before it ends the visit.
"""

from __future__ import annotations

import time
from dataclasses import replace

import pytest

from kiosk.core.inventory import Inventory
from kiosk.core.journal import LockerStock
from kiosk.core.outbox import EventOutbox
from kiosk.core.session import SessionController
from kiosk.core.settings import SessionTimeouts
from kiosk.core.steps import VendStep
from kiosk.core.vend import VendTransaction
from kiosk.core.view import SessionState
from tests.core.conftest import FAST, visitor
from tests.core.test_cart import last_with
from tests.core.test_session import Views

# A door timeout far longer than the jam window, as on a real kiosk (60 s there).
PATIENT = replace(FAST, door_open_timeout=20.0, jam_after=1.5)


@pytest.fixture
def events(rig, tmp_path):
    outbox = EventOutbox(rig.ledger, tmp_path / "events.db")
    yield outbox
    outbox.close()


def reported(rig, fault):
    """The fault events the ledger's book holds (what `timebank-ledger events` lists)."""
    from ledger import events
    from ledger.db import EventKind, make_engine, session_factory

    engine = make_engine(rig.site.ledger.db_url)
    try:
        with session_factory(engine)() as s:
            found = events.list_events(s, kind=EventKind.FAULT)
    finally:
        engine.dispose()
    return [e["data"] for e in found if e["data"].get("what") == fault]


def controller_on(rig, vends, timeouts=None, inventory=None):
    controller = SessionController(
        rig.ledger,
        inventory or rig.inventory,
        vends,
        timeouts or SessionTimeouts(idle=60),
        help_phone="010-6543 2100",
    )
    views = Views()
    controller.subscribe(views)
    return controller, views


def checkout(rig, controller, views, *skus):
    controller.present_code(rig.site.phone_code("王阿姨"))
    views.wait(SessionState.BROWSING)
    for n, sku in enumerate(skus, start=1):
        controller.add(sku)
        last_with(views, lambda v, n=n: len(v.cart) == n)
    controller.checkout()
    return views.wait(SessionState.CONFIRMING)


# --- a jammed lock ---------------------------------------------------------------------------


def test_a_jam_is_said_within_seconds_with_no_coins_taken_reported_and_out_of_sale(rig, events):
    member = rig.site.member("王阿姨")
    vends = VendTransaction(
        rig.journal,
        rig.ledger,
        rig.board,
        rig.settler,
        PATIENT,
        report=lambda e: events.report("fault", e),
    )
    rig.site.cabinet.jam(0, 2)
    session = rig.open_session("王阿姨")
    started = time.monotonic()
    outcome = vends.run(
        session.session, member["member"], "water", 20, rig.inventory.locker_for("water")[0], print
    )
    took = time.monotonic() - started
    assert took < 5.0, f"the jam took {took:.1f} s to be said (door timeout 20 s)"
    assert (outcome.handed_out, outcome.jammed, outcome.message) == (False, True, "result.jammed")
    assert outcome.record.state is VendStep.VOIDED and outcome.record.reason == "door_not_opened"
    assert rig.site.balance(member["member"]) == member["balance"]
    assert [h["state"] for h in rig.site.holds() if h["locker"] == "0:2"] == ["voided"]
    assert rig.site.cabinet.pulses(0, 2) == 1
    assert "0:2" not in [s.locker for s in rig.inventory.sellable()]
    assert [(e["locker"], e["sku"]) for e in reported(rig, "locker_jammed")] == [("0:2", "water")]


def test_after_a_jam_another_locker_with_the_item_is_offered_and_a_retry_vends_from_it(rig):
    # A second locker of water: the soap locker refilled (the cabinet and the kiosk's stock).
    rig.site.cabinet.restock(0, 4, 2, sku="water")
    rig.journal.restock(LockerStock("0:4", "water", 2, None, None))
    vends = VendTransaction(rig.journal, rig.ledger, rig.board, rig.settler, PATIENT)
    controller, views = controller_on(rig, vends)
    try:
        member = rig.site.member("王阿姨")
        rig.site.cabinet.jam(0, 2)
        checkout(rig, controller, views, "water")
        controller.confirm()
        result = views.wait(SessionState.RESULT, timeout=15).result
        assert result.message == "result.jammed" and not result.ok
        assert (result.charged, result.held, result.alternative) == (0, 0, "0:4")
        assert [line.sku for line in result.retry] == ["water"]
        controller.retry()
        v = views.wait(SessionState.CONFIRMING)
        assert [line.sku for line in v.cart] == ["water"] and v.result is None
        visitor(rig.site, "0:4", patience=10)
        controller.confirm()
        result = views.wait(SessionState.RESULT, timeout=15).result
        assert result.ok and result.charged == 20 and result.items[0].locker == "0:4"
        assert rig.site.balance(member["member"]) == member["balance"] - 20
        assert rig.site.cabinet.pulses(0, 2) == 1  # the jammed locker was not tried again
    finally:
        controller.close()


def test_no_retry_is_offered_when_no_other_locker_holds_the_item(rig):
    vends = VendTransaction(rig.journal, rig.ledger, rig.board, rig.settler, PATIENT)
    controller, views = controller_on(rig, vends)
    try:
        rig.site.cabinet.jam(0, 3)  # the only rice
        checkout(rig, controller, views, "rice")
        controller.confirm()
        result = views.wait(SessionState.RESULT, timeout=15).result
        assert result.message == "result.jammed" and result.retry == () and not result.alternative
        controller.retry()  # nothing to retry: ignored
        time.sleep(0.3)
        assert views.seen[-1].state is SessionState.RESULT
    finally:
        controller.close()


# --- which lockers charge at the door ---------------------------------------------------------


def test_a_locker_of_several_items_says_before_its_door_opens_that_opening_is_the_hand_out(rig):
    controller, views = controller_on(rig, rig.vends)
    try:
        member = rig.site.member("王阿姨")
        v = checkout(rig, controller, views, "tissues", "rice")
        assert [(line.sku, line.charge_on_open) for line in v.cart] == [
            ("tissues", True),  # 3 behind one door: "present" whether or not one was taken
            ("rice", False),  # the only bag, sensed: only a bag taken is charged
        ]
        visitor(rig.site, "0:1", take=False, patience=10)  # opens, takes nothing, shuts it
        visitor(rig.site, "0:3", take=False, patience=10)
        controller.confirm()
        result = views.wait(SessionState.RESULT, timeout=20).result
        opening = [
            s.vend
            for s in views.seen
            if s.vend is not None and s.vend.step in (VendStep.INTENT, VendStep.UNLOCKING)
        ]
        assert {(x.sku, x.charge_on_open) for x in opening} == {("tissues", True), ("rice", False)}
        assert [(i.sku, i.handed_out, i.message) for i in result.items] == [
            ("tissues", True, "result.taken"),  # as the member was told before the door opened
            ("rice", False, "result.not_taken"),  # the promise holds where the sensor tells
        ]
        assert (result.message, result.charged) == ("result.partial", 15)
        assert rig.site.balance(member["member"]) == member["balance"] - 15
    finally:
        controller.close()


def test_a_locker_without_an_item_sensor_charges_at_the_door_even_for_one_item(rig):
    inventory = Inventory(rig.journal, item_sensor=lambda locker: locker != "0:3")
    assert [line.charge_on_open for line in inventory.plan(_lines(rig, "rice"))] == [True]
    assert [line.charge_on_open for line in rig.inventory.plan(_lines(rig, "rice"))] == [False]
    # Two waters from a locker of two: the first opens on two items, the second on the last one.
    assert [line.charge_on_open for line in rig.inventory.plan(_lines(rig, "water", "water"))] == [
        True,
        False,
    ]


def _lines(rig, *skus):
    from kiosk.core.view import CartLine

    return [CartLine(sku, sku, sku, 1) for sku in skus]


# --- a hook that reads open (issue 2b, Open-Locker #302) ---------------------------------------


def test_a_hook_reading_open_does_not_stop_a_vend_the_item_sensor_judges_it(rig, events):
    member = rig.site.member("王阿姨")
    vends = VendTransaction(
        rig.journal,
        rig.ledger,
        rig.board,
        rig.settler,
        PATIENT,
        report=lambda e: events.report("fault", e),
    )
    rig.site.cabinet.break_hook(0, 3)  # the rice locker's cable is cut: it reads open
    controller, views = controller_on(rig, vends)
    try:
        checkout(rig, controller, views, "rice")  # the cart's lockers are read here
        visitor(rig.site, "0:3", patience=10)
        started = time.monotonic()
        controller.confirm()
        result = views.wait(SessionState.RESULT, timeout=15).result
        # The bag's leaving decided, not the door timeout (20 s).
        assert time.monotonic() - started < 8.0
        assert result.ok and result.charged == 50
        assert rig.site.cabinet.pulses(0, 3) == 1
        assert rig.site.balance(member["member"]) == member["balance"] - 50
        assert [e["locker"] for e in reported(rig, "hook_sensor_suspect")] == ["0:3"]
    finally:
        controller.close()


def test_a_hook_reading_open_on_a_locker_of_several_items_holds_the_coins_for_a_count(rig):
    member = rig.site.member("王阿姨")
    vends = VendTransaction(
        rig.journal, rig.ledger, rig.board, rig.settler, replace(FAST, door_open_timeout=1.0)
    )
    rig.site.cabinet.break_hook(0, 1)
    session = rig.open_session("王阿姨")
    locker = rig.inventory.locker_for("tissues")[0]
    before = rig.board.read(locker)  # as checkout reads it (Shopping._read_hooks)
    assert before.hook_open
    rig.visitor("0:1")
    outcome = vends.run(
        session.session,
        member["member"],
        "tissues",
        15,
        locker,
        print,
        items_in_locker=3,
        before=before,
    )
    assert (outcome.handed_out, outcome.held, outcome.message) == (
        False,
        True,
        "result.awaiting_count",
    )
    assert outcome.record.reason == "awaiting_count: hook_suspect_uncounted"
    assert rig.site.cabinet.pulses(0, 1) == 1
    assert [h["state"] for h in rig.site.holds() if h["locker"] == "0:1"] == ["held"]


# --- a silent board ----------------------------------------------------------------------------


def test_a_silent_board_says_the_coins_are_held_not_that_none_were_taken(rig):
    member = rig.site.member("王阿姨")
    session = rig.open_session("王阿姨")
    rig.site.board.fault("silent", True)
    outcome = rig.vends.run(
        session.session, member["member"], "water", 20, rig.inventory.locker_for("water")[0], print
    )
    assert (outcome.handed_out, outcome.held, outcome.message) == (
        False,
        True,
        "result.unlock_unknown",
    )
    assert outcome.record.state is VendStep.UNLOCKING  # undecided, its hold open
    assert [h["state"] for h in rig.site.holds() if h["locker"] == "0:2"] == ["held"]
    assert outcome.balance == member["balance"] - 20  # held, so not spendable: said as such


# --- "need more time?" -------------------------------------------------------------------------


def test_an_untouched_screen_counts_down_and_a_yes_keeps_the_cart(rig):
    timeouts = SessionTimeouts(idle=2.5, warning=1.5)
    controller, views = controller_on(rig, rig.vends, timeouts)
    try:
        controller.present_code(rig.site.phone_code("王阿姨"))
        views.wait(SessionState.BROWSING)
        controller.add("water")
        last_with(views, lambda v: len(v.cart) == 1)
        started = time.monotonic()
        v = last_with(views, lambda v: v.ends_in is not None, timeout=5)
        assert 0.7 < time.monotonic() - started < 2.0  # asked at idle - warning = 1 s
        assert v.ends_in == 1.5 and v.state is SessionState.BROWSING
        assert v.help_phone == "010-6543 2100"
        controller.more_time()
        v = last_with(views, lambda v: v.ends_in is None)
        assert [line.sku for line in v.cart] == ["water"] and v.state is SessionState.BROWSING
        # Asked again after another second; unanswered, the visit ends when the count runs out.
        last_with(views, lambda v: v.ends_in is not None, timeout=5)
        asked = time.monotonic()
        views.wait(SessionState.IDLE, timeout=5)
        assert 1.0 < time.monotonic() - asked < 3.0
    finally:
        controller.close()


def test_a_short_timeout_just_ends_without_asking(rig):
    controller, views = controller_on(rig, rig.vends, SessionTimeouts(idle=1.0))
    try:
        controller.present_code(rig.site.phone_code("王阿姨"))
        views.wait(SessionState.BROWSING)
        views.wait(SessionState.IDLE, timeout=5)
        assert all(v.ends_in is None for v in views.seen)
    finally:
        controller.close()

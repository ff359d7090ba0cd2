"""A full pool's goods collected at the kiosk (kiosk/core/collecting.py, ledger.pool_pickups)
on the real rig: the ledger over loopback HTTP, the lock board on a pty. The organiser's
sign-in shows the pool's units first, one line; one tap opens their lockers one after another;
no coins move (the pool paid when it filled); a jammed locker leaves its unit to collect; a
crash after the claim is recovered as any vend, the unit still to collect."""

from __future__ import annotations

import threading
from datetime import UTC, datetime
from typing import Any

import pytest

from kiosk.core.pickup import ReservationDesk
from kiosk.core.recovery import recover
from kiosk.core.steps import VendStep
from kiosk.core.view import SessionState
from ledger import members, pool_views, pools
from ledger.cli import with_book
from tests.core.conftest import Rig

WATER = 20  # the demo's price; the demo cabinet holds two bottles, in locker 0:2


@pytest.fixture
def kiosk(reserving_kiosk: Any) -> Any:
    return reserving_kiosk


def full_pool(rig: Rig, quantity: int) -> tuple[str, list[str]]:
    """王阿姨 organises a pool of `quantity` bottles of water; 李伯伯 and 赵大姐 give too."""
    db = rig.site.staff.db_url
    wang, li = rig.site.member("王阿姨")["member"], rig.site.member("李伯伯")["member"]
    zhao = with_book(db, lambda s: members.add_member(s, "赵大姐", coins=100).id)
    now = datetime.now(UTC)
    pool = with_book(db, lambda s: pools.start(s, wang, "water", quantity, now).id)
    target = quantity * WATER
    for giver, coins in ((li, 5), (zhao, 5), (wang, target - 10)):
        with_book(db, lambda s, g=giver, c=coins: pools.pledge(s, pool, g, c, now))
    return pool, [wang, li, zhao]


def shown(rig: Rig, pool: str) -> dict[str, Any]:
    now = datetime.now(UTC)
    return with_book(
        rig.site.staff.db_url,
        lambda s: pool_views.describe(s, pools.locked(s, pool, now), now),
    )


def taker(rig: Rig, locker: str, times: int) -> threading.Thread:
    """A member at the locker: each time its door springs open, takes a bottle, shuts it."""
    board, lock = (int(x) for x in locker.split(":"))
    cabinet = rig.site.cabinet

    def act() -> None:
        for _ in range(times):
            for _ in range(1000):
                if cabinet.locker(board, lock).door_open:
                    break
                threading.Event().wait(0.01)
            else:
                return
            threading.Event().wait(0.5)  # a hand in the locker, seen by the kiosk's reads
            cabinet.take_item(board, lock)
            cabinet.close_door(board, lock)

    t = threading.Thread(target=act, daemon=True)
    t.start()
    return t


def test_the_organiser_signs_in_sees_the_pool_first_and_one_tap_opens_both_bottles(
    rig: Rig, kiosk: Any
) -> None:
    controller, views = kiosk
    pool, givers = full_pool(rig, 3)  # 3 bottles; the kiosk holds 2
    paid = {m: rig.site.balance(m) for m in givers}
    controller.present_code(rig.site.phone_code("王阿姨"))
    v = views.wait(SessionState.RESERVED)
    [line] = v.reserved  # one line for the pool's units here
    assert (line.sku, line.price, len(line.units), line.lockers) == ("water", 0, 2, ("0:2",))
    assert shown(rig, pool)["kept"] == [{"kiosk": "Demo kiosk", "count": 2}]
    assert "0:2" not in [s.locker for s in rig.inventory.sellable()]  # out of general sale
    hands = taker(rig, "0:2", 2)
    controller.collect(line.reservation)
    controller.collect(line.reservation)  # a double tap collects once
    v = views.wait(SessionState.RESULT, timeout=30)
    hands.join(5)
    assert v.result is not None and v.result.ok and v.result.charged == 0
    assert [(i.sku, i.handed_out, i.price) for i in v.result.items] == [("water", True, 0)] * 2
    assert rig.site.cabinet.pulses(0, 2) == 2 and rig.site.cabinet.locker(0, 2).items == 0
    assert {m: rig.site.balance(m) for m in givers} == paid  # the pool paid when it filled
    vends = rig.journal.all_vends()
    assert [x.state for x in vends] == [VendStep.CAPTURED] * 2
    view = shown(rig, pool)
    assert view["at_kiosks"] == [{"kiosk": "Demo kiosk", "count": 2}]
    assert (view["to_collect"], view["state"], view["kept"]) == (1, "full", [])


def test_a_jammed_locker_leaves_the_unit_to_collect(rig: Rig, kiosk: Any) -> None:
    controller, views = kiosk
    pool, _ = full_pool(rig, 2)
    rig.site.cabinet.jam(0, 2)  # the latch holds: the door never opens
    controller.present_code(rig.site.phone_code("王阿姨"))
    v = views.wait(SessionState.RESERVED)
    controller.collect(v.reserved[0].reservation)
    v = views.wait(SessionState.RESULT, timeout=30)
    assert v.result is not None and not v.result.ok
    assert [i.handed_out for i in v.result.items] == [False, False]
    assert rig.site.cabinet.locker(0, 2).items == 2
    view = shown(rig, pool)
    assert (view["at_kiosks"], view["to_collect"], view["state"]) == ([], 2, "full")


def test_a_crash_after_the_claim_voids_the_unit_and_it_stays_to_collect(
    rig: Rig, desk: ReservationDesk
) -> None:
    pool, _ = full_pool(rig, 1)
    session = rig.ledger.open_session(rig.site.phone_code("王阿姨"))  # the ledger keeps 1 aside
    assert desk.sync()
    [kept] = desk.mine(rig.site.member("王阿姨")["member"])
    assert kept.price == 0
    vend_id = rig.journal.begin_pickup(kept.reservation, session.session)
    hold = rig.ledger.claim(kept.reservation, session.session, key=rig.journal.get(vend_id).key)
    assert hold.hold == kept.hold
    # The kiosk dies here, before the locker was ever pulsed. At start-up:
    report = recover(rig.journal, rig.board, rig.settler)
    assert report.decided == 1 and report.settled == 1
    assert rig.journal.get(vend_id).state is VendStep.VOIDED
    assert rig.site.cabinet.pulses(0, 2) == 0
    view = shown(rig, pool)
    assert (view["at_kiosks"], view["kept"], view["to_collect"]) == ([], [], 1)

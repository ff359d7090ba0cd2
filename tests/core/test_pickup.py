"""Reservations at the kiosk (kiosk/core/pickup.py, kiosk/core/reserved.py) on the real rig: the
ledger over loopback HTTP, the lock board on a pty. A reservation made on the ledger (as the
phone page makes it) is learnt at the next contact and its unit set aside; signing in shows
"您预约的物品" first; one tap vends it on the reservation's hold; a kiosk that sold the last one
before it heard refuses (coins back); a cancelled reservation's unit goes back on sale; a
crash after the claim is recovered as any vend (the hold voided, nothing handed out)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import select

from kiosk.core.pickup import ReservationDesk
from kiosk.core.recovery import recover
from kiosk.core.steps import VendStep
from kiosk.core.stock import LockerStock
from kiosk.core.view import SessionState
from ledger import book, reservations
from ledger.cli import with_book
from ledger.db import Reservation
from tests.core.conftest import Rig

RICE = 50  # the demo's price; the demo cabinet holds one bag, in locker 0:3


@pytest.fixture
def kiosk(reserving_kiosk: Any) -> Any:
    return reserving_kiosk


def reserve(rig: Rig, who: str, sku: str = "rice") -> str:
    member, kiosk = rig.site.member(who)["member"], rig.site.demo["kiosk"]
    now, ttl = datetime.now(UTC), timedelta(hours=24)
    return with_book(
        rig.site.staff.db_url,
        lambda s: reservations.reserve(s, member, kiosk, sku, now, ttl).id,
    )


def status(rig: Rig, who: str) -> str:
    member = rig.site.member(who)["member"]
    rows = with_book(
        rig.site.staff.db_url, lambda s: reservations.of_member(s, member, datetime.now(UTC))
    )
    return str(rows[0]["status"])


def test_signing_in_shows_the_reserved_item_first_and_one_tap_hands_it_out(
    rig: Rig, desk: ReservationDesk, kiosk: Any
) -> None:
    controller, views = kiosk
    member = rig.site.member("王阿姨")["member"]
    reserve(rig, "王阿姨")
    assert rig.site.balance(member) == 120 - RICE  # held on the phone already
    controller.present_code(rig.site.phone_code("王阿姨"))
    v = views.wait(SessionState.RESERVED)
    assert [(x.sku, x.name_zh, x.locker, x.price) for x in v.reserved] == [
        ("rice", "大米 1kg", "0:3", RICE)
    ]
    assert v.balance == 120 - RICE
    assert status(rig, "王阿姨") == "set_aside"
    assert "0:3" not in [s.locker for s in rig.inventory.sellable()]  # out of general sale
    rig.visitor("0:3")
    controller.collect(v.reserved[0].reservation)
    controller.collect(v.reserved[0].reservation)  # a double tap opens it once
    v = views.wait(SessionState.RESULT, timeout=15)
    assert v.result is not None and v.result.ok and v.balance == 120 - RICE
    assert rig.site.cabinet.pulses(0, 3) == 1
    assert rig.site.balance(member) == 120 - RICE  # captured: the same coins, once
    assert status(rig, "王阿姨") == "collected"
    vend = rig.journal.all_vends()[-1]
    assert vend.state is VendStep.CAPTURED and vend.locker == "0:3"
    assert rig.journal.steps(vend.id)[:2] == ["intent", "held"]
    assert desk.mine(member) == []


def test_a_kiosk_that_sold_the_last_one_before_it_heard_refuses_and_the_coins_return(
    rig: Rig, desk: ReservationDesk, kiosk: Any
) -> None:
    controller, views = kiosk
    wang = rig.site.member("王阿姨")["member"]
    li = rig.site.member("李伯伯")["member"]
    with_book(rig.site.staff.db_url, lambda s: book.grant(s, li, 100))
    reserve(rig, "王阿姨")  # the kiosk does not know yet (offline, or before its next poll)
    # 李伯伯 buys the last bag meanwhile, at a kiosk that has not heard of the reservation (it
    # was cut off from the ledger's reservation list: a vend alone, no sign-in sync).
    session = rig.ledger.open_session(rig.site.phone_code("李伯伯"))
    found = rig.inventory.locker_for("rice")
    assert found is not None
    rig.visitor("0:3")
    outcome = rig.vends.run(session.session, li, "rice", RICE, found[0], print)
    assert outcome.handed_out
    assert desk.sync()  # the next contact
    assert status(rig, "王阿姨") == "failed"
    assert rig.site.balance(wang) == 120  # the coins came back
    assert desk.mine(wang) == []
    controller.present_code(rig.site.phone_code("王阿姨"))
    v = views.wait(SessionState.BROWSING)  # nothing reserved here: straight to the catalog
    assert "rice" not in [o.sku for o in v.offers]


def test_a_reserved_unit_is_not_sold_to_anyone_else_and_returns_when_cancelled(
    rig: Rig, desk: ReservationDesk, kiosk: Any
) -> None:
    controller, views = kiosk
    wang = rig.site.member("王阿姨")["member"]
    res = reserve(rig, "王阿姨")
    assert desk.sync()
    assert rig.inventory.locker_for("rice") is None  # the only bag is kept for her
    controller.present_code(rig.site.phone_code("李伯伯"))
    v = views.wait(SessionState.BROWSING)
    assert "rice" not in [o.sku for o in v.offers]
    controller.cancel()
    views.wait(SessionState.IDLE)
    with_book(
        rig.site.staff.db_url,
        lambda s: reservations.cancel(s, wang, res, datetime.now(UTC)),
    )
    assert rig.site.balance(wang) == 120
    assert desk.sync()
    assert rig.inventory.locker_for("rice") is not None  # back on sale


def test_a_crash_after_the_claim_voids_the_hold_and_hands_nothing_out(
    rig: Rig, desk: ReservationDesk
) -> None:
    wang = rig.site.member("王阿姨")["member"]
    res = reserve(rig, "王阿姨")
    assert desk.sync()
    session = rig.ledger.open_session(rig.site.phone_code("王阿姨"))
    vend_id = rig.journal.begin_pickup(res, session.session)
    rec = rig.journal.get(vend_id)
    assert rec.hold is not None  # the journal knows the hold before the ledger is asked
    hold = rig.ledger.claim(res, session.session, key=rec.key)
    assert hold.hold == rec.hold
    # The kiosk dies here, before the locker was ever pulsed. At start-up:
    report = recover(rig.journal, rig.board, rig.settler)
    assert report.decided == 1 and report.settled == 1
    assert rig.journal.get(vend_id).state is VendStep.VOIDED
    assert rig.site.cabinet.pulses(0, 3) == 0
    assert rig.site.balance(wang) == 120
    assert status(rig, "王阿姨") == "not_collected"
    assert rig.inventory.locker_for("rice") is not None  # back on sale


def test_a_reservation_cancelled_while_the_member_is_at_the_kiosk_opens_nothing(
    rig: Rig, desk: ReservationDesk, kiosk: Any
) -> None:
    controller, views = kiosk
    wang = rig.site.member("王阿姨")["member"]
    res = reserve(rig, "王阿姨")
    controller.present_code(rig.site.phone_code("王阿姨"))
    v = views.wait(SessionState.RESERVED)
    with_book(  # cancelled on the phone while the kiosk shows it
        rig.site.staff.db_url, lambda s: reservations.cancel(s, wang, res, datetime.now(UTC))
    )
    controller.collect(v.reserved[0].reservation)
    v = views.wait(SessionState.RESULT, timeout=15)
    assert v.result is not None and not v.result.ok
    assert v.result.message == "error.reservation_not_open"
    assert rig.site.cabinet.pulses(0, 3) == 0 and rig.site.balance(wang) == 120
    assert desk.sync() and desk.mine(wang) == []
    assert rig.inventory.locker_for("rice") is not None  # back on sale


@pytest.mark.parametrize("refill", [("rice", 0), ("tissues", 4)], ids=["emptied", "reassigned"])
def test_a_reserved_unit_taken_out_by_the_technician_refuses_it_and_the_coins_return(
    rig: Rig, desk: ReservationDesk, kiosk: Any, refill: tuple[str, int]
) -> None:
    """The technician empties the reserved bag's locker, or fills it with something else:
    the kiosk's next contact refuses the reservation (not_stocked), so the coins come back
    now rather than when it would have expired, and the member is offered nothing there."""
    controller, views = kiosk
    wang = rig.site.member("王阿姨")["member"]
    reserve(rig, "王阿姨")
    assert desk.sync() and [r.locker for r in desk.mine(wang)] == ["0:3"]
    assert rig.site.balance(wang) == 120 - RICE
    sku, count = refill
    rig.journal.restock(LockerStock("0:3", sku, count, None, None))  # as the restock page does
    assert desk.sync()
    assert status(rig, "王阿姨") == "failed"
    assert rig.site.balance(wang) == 120  # back at once, not in 24 h
    assert desk.mine(wang) == []
    note = with_book(
        rig.site.staff.db_url,
        lambda s: s.scalar(select(Reservation.note).where(Reservation.member_id == wang)),
    )
    assert note == "not_stocked"
    assert desk.sync() and status(rig, "王阿姨") == "failed"  # told once; nothing more
    controller.present_code(rig.site.phone_code("王阿姨"))
    v = views.wait(SessionState.BROWSING)  # nothing reserved here: straight to the catalog
    assert v.reserved == ()


def test_a_second_unit_in_the_locker_keeps_the_reservation(rig: Rig, desk: ReservationDesk) -> None:
    """A locker refilled with the same item (fewer, but enough) keeps the reservation."""
    wang = rig.site.member("王阿姨")["member"]
    reserve(rig, "王阿姨")
    assert desk.sync()
    rig.journal.restock(LockerStock("0:3", "rice", 2, None, None))
    assert desk.sync()
    assert status(rig, "王阿姨") == "set_aside" and [r.locker for r in desk.mine(wang)] == ["0:3"]
    assert rig.site.balance(wang) == 120 - RICE

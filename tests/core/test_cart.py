"""The cart: several items in one visit, each its own hold, locker and journal record."""

import time

import pytest

from kiosk.core.session import SessionController
from kiosk.core.settings import SessionTimeouts
from kiosk.core.steps import VendStep
from kiosk.core.view import MAX_CART, SessionState
from tests.core.test_session import Views


@pytest.fixture
def kiosk(rig):
    controller = SessionController(rig.ledger, rig.inventory, rig.vends, SessionTimeouts(idle=30))
    views = Views()
    controller.subscribe(views)
    yield controller, views
    controller.close()


def browse(rig, kiosk, who="王阿姨"):
    controller, views = kiosk
    controller.present_code(rig.site.phone_code(who))
    return views.wait(SessionState.BROWSING)


def last_with(views, predicate, timeout=10.0):
    with views.cond:
        assert views.cond.wait_for(lambda: predicate(views.seen[-1]), timeout), views.seen[-1]
        return views.seen[-1]


def test_adding_takes_the_item_out_of_stock_and_its_price_out_of_the_balance(rig, kiosk):
    controller, views = kiosk
    browse(rig, kiosk)
    controller.add("water")
    v = last_with(views, lambda v: len(v.cart) == 1)
    water = next(o for o in v.offers if o.sku == "water")
    assert (water.stock, water.in_cart) == (1, 1)
    assert v.balance == 120 and v.balance_after == 100
    assert next(o for o in v.offers if o.sku == "oil").affordable is True  # 80 <= 100
    controller.remove("water")
    v = last_with(views, lambda v: len(v.cart) == 0)
    assert next(o for o in v.offers if o.sku == "water").stock == 2


def test_a_sold_out_or_unaffordable_add_gives_a_notice_not_a_crash(rig, kiosk):
    controller, views = kiosk
    browse(rig, kiosk)
    controller.add("rice")  # the only bag
    last_with(views, lambda v: len(v.cart) == 1)
    controller.add("rice")
    v = last_with(views, lambda v: v.notice is not None)
    assert v.notice == "error.sold_out" and len(v.cart) == 1
    controller.add("oil")  # 80 coins; 120 - 50 = 70 left
    v = last_with(views, lambda v: v.notice == "error.insufficient_funds")
    assert v.state is SessionState.BROWSING and len(v.cart) == 1


def test_the_cart_holds_at_most_five_items(rig, kiosk):
    controller, views = kiosk
    browse(rig, kiosk)
    for sku in ("tissues", "tissues", "tissues", "soap", "soap", "water"):
        controller.add(sku)
    v = last_with(views, lambda v: v.notice == "error.cart_full")
    assert len(v.cart) == MAX_CART


def test_back_from_confirming_returns_to_the_catalog_with_the_cart_kept(rig, kiosk):
    controller, views = kiosk
    browse(rig, kiosk)
    controller.add("tissues")
    controller.checkout()
    v = views.wait(SessionState.CONFIRMING)
    assert v.cart_total == 15 and v.balance_after == 105
    controller.back()
    v = views.wait(SessionState.BROWSING)
    assert [line.sku for line in v.cart] == ["tissues"]


def test_a_cart_with_one_failing_item_voids_only_that_item(rig, kiosk):
    controller, views = kiosk
    member = rig.site.member("王阿姨")
    browse(rig, kiosk)
    rig.site.cabinet.jam(0, 2)  # the water locker will not open
    controller.add("tissues")
    controller.add("water")
    controller.checkout()
    views.wait(SessionState.CONFIRMING)
    rig.visitor("0:1")
    controller.confirm()
    v = views.wait(SessionState.RESULT, timeout=20)
    assert [(i.sku, i.handed_out) for i in v.result.items] == [("tissues", True), ("water", False)]
    assert v.result.message == "result.partial" and not v.result.ok
    assert [i.message for i in v.result.items] == ["result.taken", "result.jammed"]
    assert rig.site.balance(member["member"]) == member["balance"] - 15
    assert v.balance == member["balance"] - 15
    vends = rig.journal.all_vends()
    assert [(x.sku, x.state) for x in vends] == [
        ("tissues", VendStep.CAPTURED),
        ("water", VendStep.VOIDED),
    ]
    assert len({x.key for x in vends}) == 2  # each item its own idempotency key and hold
    assert sorted(h["state"] for h in rig.site.holds()) == ["captured", "voided"]
    shown = [(x.vend.index, x.vend.of) for x in views.seen if x.vend is not None]
    assert list(dict.fromkeys(shown)) == [(1, 2), (2, 2)]


def test_a_vend_the_board_left_undecided_is_judged_when_the_visit_ends_without_a_restart(
    rig, kiosk
):
    """The board goes silent as the lock moves: the vend stays in `unlocking`, hold open. Once
    the board answers again, the end of the visit judges it (the door is open: handed out) and
    captures it, so the hold is not left to lapse until some restart."""
    controller, views = kiosk
    member = rig.site.member("王阿姨")
    browse(rig, kiosk)
    controller.add("water")
    controller.checkout()
    views.wait(SessionState.CONFIRMING)
    rig.site.board.silent = True  # the pulse goes out, every answer is lost
    rig.visitor("0:2", close=False)
    controller.confirm()
    v = views.wait(SessionState.RESULT, timeout=20)
    assert [i.handed_out for i in v.result.items] == [False]
    [vend] = rig.journal.all_vends()
    assert vend.state is VendStep.UNLOCKING and vend.settlement is None
    assert [h["state"] for h in rig.site.holds()] == ["held"]

    rig.site.board.silent = False
    controller.finish()
    views.wait(SessionState.IDLE)
    vend = last_with_vend(rig, lambda x: x.state is VendStep.CAPTURED)
    assert vend.reason == "recovered_unlocking_open"
    assert [h["state"] for h in rig.site.holds()] == ["captured"]
    assert rig.site.balance(member["member"]) == member["balance"] - 20
    assert rig.site.cabinet.pulses(0, 2) == 1  # judged by reading the board, never pulsed again


def last_with_vend(rig, predicate, timeout=10.0):
    """The journal's only vend once `predicate` holds (judging runs on the session thread)."""
    deadline = time.monotonic() + timeout
    while True:
        [vend] = rig.journal.all_vends()
        if predicate(vend) or time.monotonic() > deadline:
            assert predicate(vend), vend
            return vend
        time.sleep(0.05)

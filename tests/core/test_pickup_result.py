"""What a pick-up's result says of its units (kiosk/core/collecting.py), on the real rig: a unit
handed out is told collected and paid before (a full pool's when it filled, a reservation's
coins held when it was reserved), never "taken" for its price, which for a pool's 0-coin unit
read "扣 0 币" on the result screen (tests/ui/test_pickup_results.py shows the words)."""

from __future__ import annotations

from typing import Any

import pytest

from kiosk.core.collecting import Pickup, _result
from kiosk.core.reserved import Reservation
from kiosk.core.view import ReservedLine, SessionState
from tests.core.conftest import Rig
from tests.core.test_pickup import RICE, reserve
from tests.core.test_pool_pickup import full_pool, taker

# The units' messages (kiosk/core/collecting.py COLLECTED, COLLECTED_POOL).
COLLECTED, COLLECTED_POOL = "result.collected", "result.collected_pool"


@pytest.fixture
def kiosk(reserving_kiosk: Any) -> Any:
    return reserving_kiosk


def test_a_pools_units_collected_here_are_told_paid_when_the_pool_filled(
    rig: Rig, kiosk: Any
) -> None:
    controller, views = kiosk
    full_pool(rig, 3)  # the kiosk holds 2 of the 3 bottles
    controller.present_code(rig.site.phone_code("王阿姨"))
    [line] = views.wait(SessionState.RESERVED).reserved
    hands = taker(rig, "0:2", 2)
    controller.collect(line.reservation)
    v = views.wait(SessionState.RESULT, timeout=30)
    hands.join(5)
    assert v.result is not None and v.result.ok
    assert [(i.handed_out, i.price, i.message) for i in v.result.items] == [
        (True, 0, COLLECTED_POOL)
    ] * 2
    # The visit's message for several units is the cart's (the screen shows the lines).
    assert v.result.message == "result.taken"


def test_a_reserved_unit_collected_alone_is_told_paid_with_the_coins_held(
    rig: Rig, kiosk: Any
) -> None:
    controller, views = kiosk
    reserve(rig, "王阿姨")
    controller.present_code(rig.site.phone_code("王阿姨"))
    v = views.wait(SessionState.RESERVED)
    rig.visitor("0:3")
    controller.collect(v.reserved[0].reservation)
    v = views.wait(SessionState.RESULT, timeout=15)
    assert v.result is not None and v.result.ok
    assert [(i.handed_out, i.price, i.message) for i in v.result.items] == [(True, RICE, COLLECTED)]
    assert v.result.message == COLLECTED  # one unit speaks for itself


def test_a_unit_not_handed_out_keeps_its_own_reason() -> None:
    line = ReservedLine("r1", "water", "矿泉水", "Bottled water", 0, "0:2", ("r1", "r2"))
    kept = [Reservation(f"r{n}", "m", "water", 0, f"h{n}", locker="0:2") for n in (1, 2)]
    items = [
        Pickup._item(line, kept[0], True, "result.taken"),
        Pickup._item(line, kept[1], False, "result.jammed"),
    ]
    assert [i.message for i in items] == [COLLECTED_POOL, "result.jammed"]
    assert _result(items, 100).message == "result.partial"

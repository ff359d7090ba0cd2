"""A phone reservation collected through the kiosk's touch UI against the real core, embedded
ledger and simulated lock board (tests/e2e/reserved_flow.py, one headless Kivy process)."""

import pytest

from tests.e2e.scripted import run_script

pytestmark = pytest.mark.ui


@pytest.fixture(scope="module")
def flow(tmp_path_factory):
    return run_script("tests.e2e.reserved_flow", tmp_path_factory.mktemp("site"), timeout=180)


def test_signing_in_shows_the_reserved_items_first(flow):
    assert flow["held"] == 50 + 20  # rice and water, held on the phone
    assert flow["screen"] == "reserved" and flow["title"] == "您预约的物品"
    assert flow["hint"] == "币在预约时已冻结，取货不再扣币"
    assert sorted(flow["rows"]) == [
        ["大米 1kg，3 号柜", "开柜取货"],
        ["矿泉水，2 号柜", "开柜取货"],
    ]


def test_one_tap_opens_the_locker_and_the_held_coins_pay_for_it_once(flow):
    assert flow["vending_locker"] == "3 号柜"
    assert flow["result"] == {
        "ok": True,
        # A pick-up takes no coins at the kiosk, and says why (no longer the shop's 欢迎再来).
        "message": "请取走物品。用的是预约时冻结的币",
        "paid_in_all": 70,  # the rice captured, the water still held: nothing taken twice
        "pulses": 1,
    }
    assert flow["statuses"] == {"Rice 1 kg": "collected", "Bottled water": "set_aside"}

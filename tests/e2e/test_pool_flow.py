"""A pool of three members, collected by its organiser through the kiosk's touch UI against
the real core, embedded ledger and simulated lock board (tests/e2e/pool_flow.py, one headless
Kivy process)."""

import pytest

from tests.e2e.scripted import run_script

pytestmark = pytest.mark.ui


@pytest.fixture(scope="module")
def flow(tmp_path_factory):
    return run_script("tests.e2e.pool_flow", tmp_path_factory.mktemp("site"), timeout=180)


def test_the_organisers_sign_in_shows_the_pools_goods_first_on_one_line(flow):
    assert flow["title"] == "您预约的物品"
    assert flow["hint"] == "合买的币在凑齐时已付，取货不扣币"
    assert flow["rows"] == [["矿泉水 ×\u00a02，2 号柜", "开柜取货"]]  # the kiosk holds 2 of the 3


def test_one_tap_opens_the_locker_for_each_bottle_and_no_coins_move(flow):
    # The item's name alone, no price: it was paid when the pool filled.
    assert flow["vending_1"] == ["2 号柜", "矿泉水", "第 1\u00a0件，共 2\u00a0件"]
    assert flow["vending_2"] == ["2 号柜", "矿泉水", "第 2\u00a0件，共 2\u00a0件"]
    assert flow["result"] == {
        "ok": True,
        "charged": 0,
        "items": [["water", True, 0], ["water", True, 0]],
        "message": "result.taken",
        "pulses": 2,
        "balances_kept": True,  # the pool paid when it filled
    }


def test_the_ledger_records_two_collected_here_and_one_still_to_collect(flow):
    assert flow["pool"] == {
        "state": "full",
        "at_kiosks": [{"kiosk": "Demo kiosk", "count": 2}],
        "kept": [],
        "to_collect": 1,
    }

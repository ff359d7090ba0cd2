"""Every flow of a visit tapped through the touch UI against the real core, embedded ledger and
simulated lock board (tests/e2e/ui_flows.py runs them in one headless Kivy process)."""

import pytest

from tests.e2e.scripted import run_script

pytestmark = pytest.mark.ui


@pytest.fixture(scope="module")
def flows(tmp_path_factory):
    return run_script("tests.e2e.ui_flows", tmp_path_factory.mktemp("site"), timeout=240)


def test_a_visit_tapped_through_takes_the_price_once_and_says_so(flows):
    assert flows["vending_screen"] == "vending" and flows["vending_locker"] == "2 号柜"
    assert flows["success"] == {"ok": True, "message": "请取走物品，欢迎再来", "paid": 20}


def test_a_member_without_enough_coins_sees_why_and_cannot_add_the_item(flows):
    assert flows["poor"] == {"disabled": True, "note": "币不够", "cart": 0, "balance": 10}


def test_a_jammed_lock_ends_with_no_coins_taken_and_the_hold_voided(flows):
    jammed = flows["jammed"]
    assert jammed["ok"] is False and jammed["paid"] == 0
    assert "没有扣您的币" in jammed["message"]
    assert jammed["holds"] == ["voided"]


def test_a_printed_card_asks_for_the_pin_and_a_wrong_one_says_the_tries_left(flows):
    assert flows["pin_screen"] == "pin_pad"
    assert flows["wrong_pin"] == "密码不对，还可以试 4 次"
    assert flows["card_member"] == "王阿姨"


def test_a_visit_nobody_touches_goes_back_to_the_attract_screen(flows):
    assert flows["idle_screen"] == "attract"


def test_a_ledger_that_is_down_puts_the_kiosk_out_of_service_and_says_why(flows):
    assert flows["oos_screen"] == "out_of_service"
    assert flows["oos_reason"] == "连不上时间银行的服务器"

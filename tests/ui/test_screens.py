"""The touch UI in a headless window: taps reach the intents once, views from threads show.
Each scenario runs in its own process (tests/ui/scenarios.py), because Kivy's Window is one
per process. Screenshots and layout checks of every screen are in test_screenshots.py."""

import pytest

from tests.ui.scenarios import run_scenario

pytestmark = pytest.mark.ui


@pytest.fixture(scope="module")
def taps():
    return run_scenario("taps")


def test_a_double_tap_on_an_item_puts_one_in_the_cart(taps):
    assert taps["after_double_tap"] == [["add", "water"]]


def test_items_the_member_cannot_afford_or_that_are_gone_cannot_be_added(taps):
    assert taps["after_unavailable"] == [["add", "water"]]


def test_the_cart_cannot_be_checked_out_while_empty(taps):
    assert taps["checkout_disabled_on_empty_cart"] is True


def test_taps_while_the_kiosk_is_busy_do_nothing(taps):
    assert taps["after_busy_tap"] == [["add", "water"]]


def test_the_catalog_shows_the_cart_and_checks_it_out(taps):
    assert taps["cart_text"] == "已选\u00a01\u00a0件 共\u00a020\u00a0币"
    assert taps["after_checkout"] == ["checkout"]


def test_a_tap_on_another_button_right_after_an_item_is_not_taken_for_a_double_tap(taps):
    assert taps["item_then_checkout"] == [["add", "tissues"], ["checkout"]]


def test_the_confirm_screen_shows_each_item_the_total_and_the_balance_after(taps):
    assert taps["cart_rows"] == ["矿泉水 ×\u00a02：40\u00a0币", "纸巾 ×\u00a01：15\u00a0币"]
    assert taps["confirm_total"] == "合计 55\u00a0币"
    assert taps["confirm_after"] == "换完后余额 0\u00a0币"


def test_remove_on_a_cart_line_takes_one_of_that_item_out(taps):
    assert taps["after_remove"] == ["remove", "water"]


def test_a_double_tap_on_confirm_confirms_once(taps):
    assert taps["confirms"] == 1


def test_back_on_the_confirm_screen_goes_back(taps):
    assert taps["after_confirm_back"] == ["back"]


def test_the_pin_pad_masks_digits_and_needs_four_before_ok(taps):
    assert taps["ok_disabled_at_3_digits"] is True
    assert taps["dots_at_3_digits"] == "● ● ● _"


def test_the_pin_typed_with_a_correction_is_sent_once_with_ok(taps):
    assert taps["after_pin"] == ["enter_pin", "12349"]


def test_each_digit_keeps_the_visit_alive(taps):
    assert taps["touched_by_digits"] >= 6


def test_a_wrong_pin_says_how_many_tries_are_left_and_clears_the_pad(taps):
    assert taps["wrong_pin_notice"] == "密码不对，还可以试 2 次"
    assert taps["pin_after_wrong"] == ""


def test_the_pairing_screen_draws_the_ledger_url_as_a_qr_code_with_a_countdown(taps):
    assert taps["qr_data"] == "http://127.0.0.1:8000/pair/pr_3kX9vQ2mLw7a"
    assert taps["qr_texture"][0] == taps["qr_texture"][1] >= 29  # version 3+ with quiet zone
    assert taps["pairing_status"] in ("二维码有效时间还剩 5:00", "二维码有效时间还剩 4:59")


def test_back_on_the_pairing_screen_goes_back(taps):
    assert taps["after_pairing_back"] == ["back"]


def test_use_my_phone_asks_for_a_pairing(taps):
    assert taps["after_phone"] == ["pair"]


def test_done_on_the_result_finishes_once(taps):
    assert taps["finishes"] == 1


def test_exit_on_the_catalog_cancels_the_visit(taps):
    assert taps["after_cancel"] == ["cancel"]


def test_every_button_press_plays_the_click_hook(taps):
    assert taps["clicks"] >= 20


def test_the_language_button_switches_to_english(taps):
    assert (taps["language_before"], taps["language_after"]) == ("zh", "en")
    assert taps["title_after"] == "Please scan your QR code"


def test_the_next_visitor_starts_in_chinese_again(taps):
    assert taps["language_during_visit"] == "en"
    assert taps["language_after_visit"] == "zh"


def test_items_beyond_the_first_page_are_reached_with_the_next_page_button(taps):
    assert taps["pages"] == 4  # ten items, three a page
    assert taps["after_next_page"] == ["add", "item10"]


def test_a_view_posted_from_a_worker_thread_is_shown_on_the_kivy_thread():
    result = run_scenario("thread")
    assert result["screen"] == "vending"
    assert result["locker_text"] == "2 号柜"
    assert result["count_text"] == "第 2\u00a0件，共 3\u00a0件"
    assert result["main_thread_shows"] and all(result["main_thread_shows"])


def test_the_screens_work_inside_a_bigger_window_beside_another_panel():
    result = run_scenario("wrapped", wrapped=True, size=[1200, 480])
    assert result["calls"] == [["add", "tissues"]]
    assert result["screens_width"] == 800
    # The 4.5 mm text floor of the screens' 800x480 at 7 inches (24 sp raised to about 27 px);
    # taken from the 1200x480 window it would be about 37 px.
    assert 26.5 < result["font_body"] < 28

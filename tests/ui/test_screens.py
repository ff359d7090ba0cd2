"""The touch UI in a headless window: taps reach the intents once, views from threads show,
and every screen renders in both languages. Each scenario runs in its own process
(tests/ui/scenarios.py), because Kivy's Window is one per process."""

import os
from pathlib import Path

import pytest
from PIL import Image

from tests.ui.scenarios import SAMPLE_VIEWS, run_scenario

pytestmark = pytest.mark.ui

SCREENS = ["attract", "catalog", "vending", "result_ok", "result_failure", "out_of_service"]


@pytest.fixture(scope="module")
def taps():
    return run_scenario("taps")


@pytest.fixture(scope="module")
def shots_dir(tmp_path_factory):
    configured = os.environ.get("KIOSK_SCREENSHOTS")
    if configured:
        Path(configured).mkdir(parents=True, exist_ok=True)
        return Path(configured)
    return tmp_path_factory.mktemp("screenshots")


@pytest.fixture(scope="module")
def shots_800(shots_dir):
    return run_scenario("screenshots", out=str(shots_dir), size=[800, 480])


@pytest.fixture(scope="module")
def shots_1280(shots_dir):
    return run_scenario("screenshots", out=str(shots_dir), size=[1280, 800])


def test_a_double_tap_on_an_affordable_item_chooses_it_once(taps):
    assert taps["after_double_tap"] == [["choose", "water"]]


def test_tapping_an_item_the_member_cannot_afford_does_nothing(taps):
    assert taps["after_unaffordable"] == [["choose", "water"]]


def test_taps_while_the_kiosk_is_busy_do_nothing(taps):
    assert taps["after_busy_tap"] == [["choose", "water"]]


def test_exit_on_the_catalog_cancels_the_visit(taps):
    assert taps["after_cancel"][-1] == ["cancel"]


def test_done_on_the_result_finishes_once(taps):
    assert taps["after_done"][-1] == ["finish"]
    assert taps["after_done"].count(["finish"]) == 1


def test_the_language_button_switches_to_english(taps):
    assert (taps["language_before"], taps["language_after"]) == ("zh", "en")
    assert taps["title_after"] == "Please scan your QR code"


def test_the_next_visitor_starts_in_chinese_again(taps):
    assert taps["language_during_visit"] == "en"
    assert taps["language_after_visit"] == "zh"


def test_items_beyond_the_first_page_are_reached_with_the_next_page_button(taps):
    assert taps["pages"] == 2
    assert taps["after_next_page"][-1] == ["choose", "item10"]


def test_a_view_posted_from_a_worker_thread_is_shown_on_the_kivy_thread():
    result = run_scenario("thread")
    assert result["screen"] == "vending"
    assert result["locker_text"] == "2 号柜"
    assert result["main_thread_shows"] and all(result["main_thread_shows"])


def test_the_screens_work_inside_a_bigger_window_beside_another_panel():
    result = run_scenario("wrapped", wrapped=True, size=[1200, 480])
    assert result["calls"] == [["choose", "tissues"]]
    assert result["screens_width"] == 800
    assert result["font_body"] == 24  # sized for the screens' 800x480, not the window


def assert_is_a_real_picture(path, size):
    image = Image.open(path).convert("RGB")
    assert image.size == size
    colours = image.getcolors(maxcolors=1_000_000)
    assert colours is not None and len(colours) >= 8, f"{path} is (nearly) one colour"
    most = max(count for count, _ in colours)
    assert most < 0.98 * size[0] * size[1], f"{path} is almost blank"
    return image


@pytest.mark.parametrize("language", ["zh", "en"])
@pytest.mark.parametrize("screen", SCREENS)
def test_every_screen_renders_at_800x480(shots_800, screen, language):
    key = f"{screen}_{language}"
    path = shots_800["files"][key]
    assert Path(path).name == f"{key}_800x480.png"  # saved exactly where asked
    assert_is_a_real_picture(path, (800, 480))


@pytest.mark.parametrize("screen", SCREENS)
def test_every_screen_also_renders_at_1280x800(shots_1280, screen):
    assert_is_a_real_picture(shots_1280["files"][f"{screen}_zh"], (1280, 800))


def test_each_view_shows_its_screen(shots_800):
    expected = {
        "attract": "attract",
        "identifying": "attract",
        "catalog": "catalog",
        "vending": "vending",
        "result_ok": "result",
        "result_failure": "result",
        "out_of_service": "out_of_service",
    }
    assert set(expected) == set(SAMPLE_VIEWS)
    for name, screen in expected.items():
        assert shots_800["screens"][f"{name}_zh"] == screen


def test_chinese_and_english_screens_differ(shots_800):
    for screen in SCREENS:
        zh = Image.open(shots_800["files"][f"{screen}_zh"]).convert("RGB")
        en = Image.open(shots_800["files"][f"{screen}_en"]).convert("RGB")
        assert zh.tobytes() != en.tobytes(), screen


def test_a_screenshot_is_upright(shots_800):
    # The exit button (dark grey) is at the top right of the catalog, the items below it.
    image = Image.open(shots_800["files"]["catalog_zh"]).convert("RGB")
    top_right = image.getpixel((760, 20))
    bottom_right = image.getpixel((760, 465))
    assert max(top_right) < 100, top_right
    assert min(bottom_right) > 200, bottom_right

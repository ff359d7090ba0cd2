"""Every screen in both languages at the two supported screens (7-inch 800x480 and 10-inch
1280x800), and in large-text mode: a real picture, the right screen, touch targets of at least
15 mm, no text cut off. The PNGs stay in the pytest tmp folder (or $KIOSK_SCREENSHOTS) to look at.
"""

import os
from pathlib import Path

import pytest
from PIL import Image

from kiosk.ui.theme import TOUCH_MIN_MM
from tests.ui.sample_views import EXPECTED_SCREENS, SAMPLE_VIEWS
from tests.ui.scenarios import run_scenario

pytestmark = pytest.mark.ui

SIZES = {"7in": ([800, 480], 7.0), "10in": ([1280, 800], 10.1)}
KEYS = [f"{view}_{lang}" for view in SAMPLE_VIEWS for lang in ("zh", "en")]


@pytest.fixture(scope="module")
def shots_dir(tmp_path_factory):
    configured = os.environ.get("KIOSK_SCREENSHOTS")
    if configured:
        Path(configured).mkdir(parents=True, exist_ok=True)
        return Path(configured)
    return tmp_path_factory.mktemp("screenshots")


@pytest.fixture(scope="module", params=list(SIZES))
def shots(request, shots_dir):
    size, diagonal = SIZES[request.param]
    return run_scenario("screenshots", out=str(shots_dir), size=size, diagonal=diagonal)


@pytest.fixture(scope="module")
def large_text(shots_dir):
    return run_scenario(
        "screenshots", out=str(shots_dir), size=[800, 480], diagonal=7.0, large=True
    )


def assert_is_a_real_picture(path, size):
    image = Image.open(path).convert("RGB")
    assert image.size == tuple(size)
    colours = image.getcolors(maxcolors=1_000_000)
    assert colours is not None and len(colours) >= 8, f"{path} is (nearly) one colour"
    most = max(count for count, _ in colours)
    assert most < 0.98 * size[0] * size[1], f"{path} is almost blank"
    return image


def test_every_view_is_saved_as_a_real_picture_at_its_screen_size(shots):
    size = shots["window_size"]
    assert sorted(shots["files"]) == sorted(KEYS)
    for key, path in shots["files"].items():
        assert Path(path).name.startswith(key)
        assert_is_a_real_picture(path, size)


def test_each_view_shows_its_screen(shots):
    for key, screen in shots["screens"].items():
        assert screen == EXPECTED_SCREENS[key.rsplit("_", 1)[0]], key


def test_every_button_is_at_least_15_mm_on_the_physical_screen(shots):
    too_small = {k: v for k, v in shots["smallest_mm"].items() if v[1] < TOUCH_MIN_MM}
    assert not too_small
    # Every screen a member acts on has buttons; the walk found them.
    assert {"attract_zh", "pin_pad_zh", "catalog_zh", "confirm_zh"} <= set(shots["smallest_mm"])


def test_no_text_is_cut_off(shots):
    assert not {k: v for k, v in shots["overflow"].items() if v}


def test_no_text_is_cut_off_in_large_text_mode(large_text):
    assert not {k: v for k, v in large_text["overflow"].items() if v}
    too_small = {k: v for k, v in large_text["smallest_mm"].items() if v[1] < TOUCH_MIN_MM}
    assert not too_small


def test_chinese_and_english_screens_differ(shots):
    for view in SAMPLE_VIEWS:
        zh = Image.open(shots["files"][f"{view}_zh"]).convert("RGB")
        en = Image.open(shots["files"][f"{view}_en"]).convert("RGB")
        assert zh.tobytes() != en.tobytes(), view


def test_a_screenshot_is_upright(shots):
    # The exit button (dark grey) is at the top right of the catalog, the cart bar at the bottom.
    width, height = shots["window_size"]
    image = Image.open(shots["files"]["catalog_zh"]).convert("RGB")
    top_right = image.getpixel((width - 40, int(height * 0.04)))
    assert max(top_right) < 100, top_right


def test_a_phone_can_read_the_pairing_qr_code_on_the_screen(shots):
    zxingcpp = pytest.importorskip("zxingcpp")
    image = Image.open(shots["files"]["pairing_zh"]).convert("L")
    found = [r.text for r in zxingcpp.read_barcodes(image)]
    assert found == [SAMPLE_VIEWS["pairing"].pairing.url]

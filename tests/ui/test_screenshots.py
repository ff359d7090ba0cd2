"""Every screen in both languages at the two supported screens (7-inch 800x480 and 10-inch
1280x800), and in both text modes (default and elder mode, 长辈模式): a real picture, the right
screen, touch targets of at least 15 mm, no text cut off, member-facing text at least 4.5 mm tall
(6 mm in elder mode). The PNGs stay in the pytest tmp folder (or $KIOSK_SCREENSHOTS) to look at.

Text height rule: the ink height of a full ideograph (国) drawn in the label's font, size and
weight, in pixels, over the screen's pixels per mm from its diagonal (7" at 800x480: 5.25 px/mm,
about 133 dpi). Latin capitals of the same size are about 0.83 of it.
"""

import os
from pathlib import Path

import pytest
from PIL import Image

from kiosk.ui.theme import ELDER_TEXT_MIN_MM, TEXT_MIN_MM, TOUCH_MIN_MM
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


@pytest.fixture(scope="module", params=list(SIZES))
def large_text(request, shots_dir):
    size, diagonal = SIZES[request.param]
    return run_scenario("screenshots", out=str(shots_dir), size=size, diagonal=diagonal, large=True)


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


def test_the_attract_screen_shows_the_help_line_in_both_modes(shots, large_text):
    said = {"zh": "需要帮忙，请打电话 010-6543 2100", "en": "Need help? Call 010-6543 2100"}
    assert shots["attract_help"] == said and large_text["attract_help"] == said


def test_no_text_is_cut_off(shots):
    assert not {k: v for k, v in shots["overflow"].items() if v}


# Screens issue 15 section 3 is reworking (their texts and buttons change): in elder mode some
# English lines of theirs do not fit yet. Any other screen cut off fails the test.
ELDER_OVERFLOW_PENDING: set[str] = set()


def test_no_text_is_cut_off_in_large_text_mode(large_text):
    cut = {k for k, v in large_text["overflow"].items() if v}
    assert cut <= ELDER_OVERFLOW_PENDING, {k: large_text["overflow"][k] for k in cut}
    too_small = {k: v for k, v in large_text["smallest_mm"].items() if v[1] < TOUCH_MIN_MM}
    assert not too_small


def member_facing(text_mm):
    """The smallest text of each screen a member sees (the technician screens are staff's)."""
    return {k: v for k, v in text_mm.items() if not k.startswith("technician") and v}


def test_member_facing_text_is_at_least_4_5_mm_tall(shots):
    sizes = member_facing(shots["text_mm"])
    assert {"attract_zh", "catalog_zh", "confirm_zh", "result_ok_en"} <= set(sizes)
    too_small = {k: v for k, v in sizes.items() if v[1] < TEXT_MIN_MM}
    assert not too_small


def test_member_facing_text_is_at_least_6_mm_tall_in_elder_mode(large_text):
    sizes = member_facing(large_text["text_mm"])
    assert len(sizes) == len([k for k in large_text["text_mm"] if not k.startswith("tech")])
    too_small = {k: v for k, v in sizes.items() if v[1] < ELDER_TEXT_MIN_MM}
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

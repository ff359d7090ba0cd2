"""A pick-up's result on the screen (tests/ui/pickup_results.py: a full pool's units, paid when
the pool filled, and a phone reservation's, its coins held when reserved), in Chinese and
English, default and elder mode's large text: each unit handed out is said collected and paid
before, never "扣 0 币" nor any charge now; the money line says nothing was taken from the
balance now; and with several units the lines sit right under the heading, no empty block
between. `KIOSK_SCREENSHOTS=DIR` keeps the PNGs (pickup_*.png).
"""

import os
import re
from pathlib import Path

import pytest

from tests.ui.pickup_results import BALANCE, PICKUPS
from tests.ui.scenarios import run_script
from tests.ui.test_result_variants import CHARGE, RAW_KEY

pytestmark = pytest.mark.ui

KEYS = [f"{name}_{lang}" for lang in ("zh", "en") for name in PICKUPS]
# A unit handed out: collected, and paid before (by the pool, or when reserved).
COLLECTED = {"zh": "已取走", "en": "collected"}
PAID_BEFORE = {
    ("pool", "zh"): "合买时已付",
    ("pool", "en"): "paid by the pool",
    ("reserved", "zh"): "预约时冻结的币",
    ("reserved", "en"): "paid when reserved",
}
# One unit alone: its message.
TAKE = {"zh": "请取走物品", "en": "Please take your item"}
MESSAGE = {
    ("pool", "zh"): "合买的币在凑齐时已付",
    ("pool", "en"): "paid when the pool filled",
    ("reserved", "zh"): "用的是预约时冻结的币",
    ("reserved", "en"): "paid with the coins set aside when you reserved it",
}
# A charge of 0 coins, in any of the screen's wordings.
ZERO = {"zh": re.compile(r"扣了? 0\u00a0币"), "en": re.compile(r"\b0\u00a0coins")}
# Nothing taken from the balance now: a pool's (nothing moved), a reservation's (no more).
NOTHING_NOW = {
    ("pool", "zh"): "这次没有扣币",
    ("pool", "en"): "No coins taken",
    ("reserved", "zh"): "取货不再扣币",
    ("reserved", "en"): "No more coins taken",
}

SEVERAL = [
    key for key in KEYS if len(getattr(PICKUPS[key.rsplit("_", 1)[0]].result, "items", ())) > 1
]


@pytest.fixture(scope="module", params=["default", "large"])
def shown(request, tmp_path_factory):
    out = os.environ.get("KIOSK_SCREENSHOTS") or str(tmp_path_factory.mktemp("pickups"))
    Path(out).mkdir(parents=True, exist_ok=True)
    args = {"out": out, "size": [800, 480], "diagonal": 7.0, "large": request.param == "large"}
    # A fresh process each (Kivy's window is one per process).
    return run_script("tests.ui.pickup_results", "pickup_results", args)


def kind_and_lang(key: str) -> tuple[str, str]:
    return key.split("_", 1)[0], key.rsplit("_", 1)[1]


@pytest.mark.parametrize("key", KEYS)
def test_a_pickup_result_shows_no_raw_key_and_nothing_cut_off(shown, key):
    screen = shown["shown"][key]
    assert screen["screen"] == "result"
    for text in (screen["heading"], screen["message"], screen["money"], *screen["items"]):
        assert not RAW_KEY.search(text), f"{key}: raw key in {text!r}"
    assert shown["overflow"][key] == [], key


@pytest.mark.parametrize("key", KEYS)
def test_a_unit_collected_is_said_collected_and_paid_before_never_charged_now(shown, key):
    screen, want = shown["shown"][key], shown["expected"][key]
    kind, lang = kind_and_lang(key)
    said = [screen["heading"], screen["message"], screen["money"], *screen["items"]]
    assert not any(ZERO[lang].search(text) for text in said), f"{key}: {said!r}"
    several = len(want["items"]) > 1  # one unit is said by the message, no item lines
    assert len(screen["items"]) == (len(want["items"]) if several else 0), key
    for line, (_price, handed_out, _held) in zip(screen["items"], want["items"], strict=False):
        assert not CHARGE[lang].findall(line), f"{key}: a charge now: {line!r}"
        if handed_out:
            assert COLLECTED[lang] in line and PAID_BEFORE[kind, lang] in line, f"{key}: {line!r}"
    if not several:
        assert TAKE[lang] in screen["message"], f"{key}: {screen['message']!r}"
        assert MESSAGE[kind, lang] in screen["message"], f"{key}: {screen['message']!r}"
    # The money line: no coins taken now, and the balance (as it was at sign-in).
    money = screen["money"]
    assert not CHARGE[lang].findall(money.split("\n")[0]), f"{key}: {money!r}"
    assert NOTHING_NOW[kind, lang] in money and str(BALANCE) in money, f"{key}: {money!r}"


@pytest.mark.parametrize("key", SEVERAL)
def test_several_units_lines_sit_right_under_the_heading_no_empty_block(shown, key):
    """With no message between (several units), the heading, the units' lines and the money
    line follow one another: a gap of less than half a line between each (window px, y up)."""
    geometry = shown["geometry"][key]
    boxes, line = geometry["boxes"], geometry["line_height"]
    assert not geometry["message_shown"], key
    heading_bottom = boxes["heading"][0]
    lines_top = boxes["item_box"][0] + boxes["item_box"][1]
    lines_bottom = boxes["item_box"][0]
    money_top = boxes["balance"][0] + boxes["balance"][1]
    assert heading_bottom - lines_top < line / 2, f"{key}: empty block above the lines {boxes}"
    assert lines_bottom - money_top < line / 2, f"{key}: empty block under the lines {boxes}"


def test_every_pickup_is_saved_as_a_picture_of_the_7_inch_screen(shown):
    from PIL import Image

    assert sorted(shown["files"]) == sorted(KEYS)
    for path in shown["files"].values():
        assert Image.open(path).size == (800, 480), path

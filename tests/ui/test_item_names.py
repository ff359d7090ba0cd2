"""Issue 15: a count inside an item's name never stands on one line and its unit on the
next ("挂面 2 | 袋", "Tissues 3 | packs"), nor a count the Chinese screens say ("第 2 | 件").
Kivy breaks a line only at a plain space, or anywhere in a run wider than a line
(kiosk/ui/item_names.py); the screens show each name with its counts held to their units.
Measured on Kivy's own layout in the screens' font, at every width, and on the real screens in
both languages and both text modes (scripts in tests/ui/item_names.py).

`KIOSK_SCREENSHOTS=DIR` keeps the PNGs.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from kiosk.ui.i18n import LANGUAGES, load_catalog
from kiosk.ui.item_names import NO_BREAK, keep_units
from tests.ui.item_names import COUNTS, NAMES, SCREENS, pairs, splits
from tests.ui.scenarios import run_script

pytestmark = pytest.mark.ui


@pytest.fixture(scope="module")
def out_dir(tmp_path_factory) -> str:
    out = os.environ.get("KIOSK_SCREENSHOTS") or str(tmp_path_factory.mktemp("names"))
    Path(out).mkdir(parents=True, exist_ok=True)
    return out


def run_names(name: str, **args) -> dict:
    return run_script("tests.ui.item_names", name, args)


@pytest.mark.parametrize(
    ("typed", "shown"),
    [
        ("挂面 2 袋", "挂面 2\u00a0袋"),
        ("纸巾3包", "纸巾 3\u00a0包"),  # the space before gives Kivy a place to break instead
        ("大米（5公斤）", "大米 （5\u00a0公斤）"),
        ("大米（东北）5公斤", "大米（东北） 5\u00a0公斤"),
        ("五常大米 5 公斤家庭装", "五常大米 5\u00a0公斤家庭装"),
        ("Tissues 3 packs", "Tissues 3\u00a0packs"),
        ("Rice 1.5 kg", "Rice 1.5\u00a0kg"),
        ("Water 500ml", "Water 500ml"),  # one word already
        ("肥皂", "肥皂"),
        ("Soap", "Soap"),
    ],
)
def test_a_count_is_held_to_its_unit(typed, shown):
    assert keep_units(typed) == shown
    assert keep_units(shown) == shown  # shown twice, the same


@pytest.fixture(scope="module", params=["default", "large"])
def widths(request):
    return run_names("count_widths", size=[800, 480], large=request.param == "large")


def test_as_typed_kivy_does_split_a_count_from_its_unit(widths):
    # What the fix is for: without it, Kivy's layout puts "2" and "袋" on two lines.
    typed = widths["splits"]["typed"]
    assert any(k.startswith("zh") for k in typed) and any(k.startswith("en") for k in typed)


def test_as_shown_no_count_is_split_from_its_unit_at_any_width(widths):
    assert widths["lines"] > 10_000
    assert widths["splits"]["shown"] == {}


def test_the_chinese_member_lines_hold_each_count_to_its_unit_too():
    catalog = load_catalog("zh")
    for key in COUNTS:
        assert "}\u00a0件" in catalog[key] and "} 件" not in catalog[key], (key, catalog[key])


def test_no_count_in_those_lines_is_split_from_its_unit_at_any_width(widths):
    assert widths["splits"]["counts"] == {}


@pytest.fixture(scope="module", params=["default", "large"])
def screens(request, out_dir):
    args = dict(out=out_dir, size=[800, 480], large=request.param == "large")
    return run_names("count_names", **args)


def test_every_screen_that_names_items_shows_counts_held_to_their_units(screens):
    assert set(screens["shown"]) == {f"{s}_{lang}" for s in SCREENS for lang in LANGUAGES}
    for key, shown in screens["shown"].items():
        screen, lang = key.rsplit("_", 1)
        assert shown["screen"] == screen, key
        texts = " / ".join(text for text, _lines in shown["labels"])
        named = [name for name in NAMES[lang] if keep_units(name) in texts]
        # The result screen may shorten a long name ("…"): its others are whole.
        assert named, (key, texts)
        assert all(NO_BREAK in keep_units(name) for name in named)
        for name in NAMES[lang]:
            typed_spaced = name != keep_units(name) and name in texts
            assert not typed_spaced, (key, name, "shown as typed")


def test_no_label_on_those_screens_splits_a_count_from_its_unit(screens):
    found = {}
    for key, shown in screens["shown"].items():
        lang = key.rsplit("_", 1)[1]
        every_pair = [p for name in NAMES[lang] for p in pairs(name)]
        for _text, lines in shown["labels"]:
            if splits(lines, every_pair):
                found.setdefault(key, []).append(lines)
    assert found == {}


def test_those_screens_have_nothing_cut_off(screens):
    assert {k: v["problems"] for k, v in screens["shown"].items() if v["problems"]} == {}
    assert len(screens["files"]) == len(SCREENS) * len(LANGUAGES)

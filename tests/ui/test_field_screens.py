"""Issue 15, screens as a member meets them (scripts in tests/ui/field_screens.py):

- the result screen measures its lines at its own width, so inside a wider window (`kiosk sim`
  puts a panel beside the kiosk's 800 px screens) no line is cut off;
- elder mode's confirm screen says "还有 N 件，向下滑动查看" under the cart while items are below
  the scrolled view (N counted from where the rows really are), and nothing when all fit.

`KIOSK_SCREENSHOTS=DIR` keeps the PNGs.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest

from tests.ui.field_screens import ELDER_CARTS
from tests.ui.result_variants import VARIANTS
from tests.ui.scenarios import run_script

pytestmark = pytest.mark.ui


def run_field_script(name: str, **args: Any) -> dict[str, Any]:
    """One script of tests/ui/field_screens.py in a fresh process (one Kivy window each)."""
    return run_script("tests.ui.field_screens", name, args)


@pytest.fixture(scope="module")
def out_dir(tmp_path_factory) -> str:
    out = os.environ.get("KIOSK_SCREENSHOTS") or str(tmp_path_factory.mktemp("field"))
    Path(out).mkdir(parents=True, exist_ok=True)
    return out


# --- the result screen in a wider window ------------------------------------------------------


@pytest.fixture(scope="module", params=["default", "large"])
def wrapped(request, out_dir):
    large = request.param == "large"
    shown = run_field_script(
        "result_wrapped", out=out_dir, size=[1200, 480], wrapped=True, large=large
    )
    return {**shown, "large": large}


def test_the_result_screen_sits_in_a_window_wider_than_itself(wrapped):
    assert wrapped["window_width"] == 1200 and wrapped["screens_width"] == 800
    shown = wrapped["checked"]
    assert {f"{name}_{lang}" for name in VARIANTS for lang in ("zh", "en")} <= set(shown)
    assert {"long_names_zh", "long_names_en"} <= set(shown)  # elder mode's too (issue 15)
    assert {v["screen"] for v in shown.values()} == {"result"}
    assert {v["screen_width"] for v in shown.values()} == {800}


def test_each_result_line_has_the_lines_its_text_takes_at_the_screens_width(wrapped):
    checked = wrapped["checked"]
    wrong = {k: v["lines"] for k, v in checked.items() if any(a != b for a, b in v["lines"])}
    assert not wrong
    if not wrapped["large"]:
        # Long names wrap at 800 px (they would not across the 1200 px window).
        assert {n for _given, n in checked["long_names_en"]["lines"]} == {1, 2}


def test_no_result_text_is_cut_off_inside_the_wider_window(wrapped):
    assert not {k: v["problems"] for k, v in wrapped["checked"].items() if v["problems"]}


# --- elder mode's confirm screen -------------------------------------------------------------


@pytest.fixture(scope="module")
def elder(out_dir):
    return run_field_script("elder_confirm", out=out_dir, size=[800, 480], large=True)


def items_below_the_view(shown: dict[str, Any]) -> int:
    """Items in rows that end below the list's view (a row's text ends " ×\u00a0N：…", or
    " ×\u00a0N: …" in English)."""
    bottom = shown["view"][0]
    below = 0
    for text, row_bottom, _top in shown["rows"]:
        if row_bottom < bottom - 1:
            below += int(text.split(" ×\u00a0")[1].split("：")[0].split(":")[0])
    return below


def cart_size(name: str) -> int:
    return len(ELDER_CARTS[name].cart)


@pytest.mark.parametrize("language", ["zh", "en"])
@pytest.mark.parametrize("name", ["long", "doubled", "three"])
def test_a_cart_longer_than_the_view_says_how_many_items_are_below(elder, name, language):
    shown = elder["shown"][f"{name}_{language}"]
    assert shown["screen"] == "confirm" and shown["large"] is True
    n = items_below_the_view(shown)
    assert 0 < n < cart_size(name)  # some rows show, some are below
    said = {"zh": f"还有 {n}\u00a0件，向下滑动查看", "en": f"{n} more items below, scroll down"}
    assert shown["more"] == said[language]


@pytest.mark.parametrize("language", ["zh", "en"])
def test_a_cart_that_fits_says_nothing_more(elder, language):
    shown = elder["shown"][f"short_{language}"]
    assert shown["rows"] and items_below_the_view(shown) == 0
    assert shown["more"] == ""


@pytest.mark.parametrize("language", ["zh", "en"])
def test_scrolled_to_its_end_the_cart_says_nothing_more(elder, language):
    shown = elder["shown"][f"long_scrolled_{language}"]
    assert items_below_the_view(shown) == 0 and shown["more"] == ""


def test_the_default_mode_never_needs_the_line(elder):
    shown = elder["shown"]["long_default_en"]
    assert shown["large"] is False and shown["more"] == ""
    assert items_below_the_view(shown) == 0


def test_the_line_is_elder_sized_and_nothing_on_the_confirm_screen_is_cut_off(elder):
    sizes = [v["more_mm"][1] for v in elder["shown"].values() if v["more_mm"]]
    assert len(sizes) == 6 and min(sizes) >= 6.0
    assert not {k: v["problems"] for k, v in elder["shown"].items() if v["problems"]}
    assert len(elder["files"]) == 4

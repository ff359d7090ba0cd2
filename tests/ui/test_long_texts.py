"""Issue 15, long texts at the locker (scripts in tests/ui/long_texts.py), measured on the real
screens:

- a long technician failure wraps to the line's width and the line grows to its lines, on every
  technician page, and the page below never overlaps it (the text is set smaller only where the
  page needs the room); the layout settles (no loop between the height and the text);
- on the result screen, in elder mode too, a long item name is shortened with an ellipsis to the
  lines the screen has, never the words after it: nothing is cut off or off the screen;
- a number and its unit ("15 币", "15 coins") never stand on two lines: the catalogs join them
  with a no-break space, which the screens' font draws as a space;
- a result of four or five items in elder mode (a 7-inch screen has room for about three of its
  lines) keeps the heading, what was charged, the balance and the buttons on the screen: the
  items' lines scroll, the items not handed out first, in a view of one height, with a line
  under them saying exactly what is out of view ("还有 N 件，向下滑动查看" while items are
  below, "上面还有 N 件，向上滑动查看" while they are above, both counts halfway), and every
  line shows whole somewhere as the member scrolls; in the default mode every line fits.

`KIOSK_SCREENSHOTS=DIR` keeps the PNGs.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest
from PIL import Image

from kiosk.ui.i18n import LANGUAGES, load_catalog
from tests.ui.long_texts import MANY, MONEY, NAMES, PAGES, RESULTS, UNITS, many_items
from tests.ui.scenarios import run_script

pytestmark = pytest.mark.ui

SIZES = {"7in": ([800, 480], 7.0), "10in": ([1280, 800], 10.1)}
SMALLEST_MESSAGE = 0.7  # of tech_small (kiosk/ui/screens/technician.py MESSAGE_SCALES)


@pytest.fixture(scope="module")
def out_dir(tmp_path_factory) -> str:
    out = os.environ.get("KIOSK_SCREENSHOTS") or str(tmp_path_factory.mktemp("long"))
    Path(out).mkdir(parents=True, exist_ok=True)
    return out


def run_long(name: str, **args) -> dict:
    return run_script("tests.ui.long_texts", name, args)


# --- technician failures ---------------------------------------------------------------------


@pytest.fixture(scope="module", params=list(SIZES))
def failures(request, out_dir):
    size, diagonal = SIZES[request.param]
    return run_long("technician_failures", out=out_dir, size=size, diagonal=diagonal)


def test_every_page_was_shown_with_each_failure_in_both_languages(failures):
    keys = {f"{p}_{k}_{lang}" for p in PAGES for k in ("known", "unknown") for lang in LANGUAGES}
    assert set(failures["shown"]) == keys
    assert "Not done: unlock of Locker 1 (0:1)" in failures["shown"]["locks_known_en"]["text"]
    assert "没有完成：1 号柜（0:1）的开锁" in failures["shown"]["locks_known_zh"]["text"]


def test_a_long_failure_wraps_to_the_width_and_every_line_of_it_shows(failures):
    for key, shown in failures["shown"].items():
        drawn, needed = shown["lines"]
        assert drawn == needed >= 2, (key, shown["lines"])
        width, height = shown["texture"]
        assert width <= shown["width"] + 1 and height <= shown["height"] - 1, (key, shown)


def test_the_line_grows_to_its_text_and_settles(failures):
    one_line = failures["one_line"]
    for key, shown in failures["shown"].items():
        assert shown["settled"], key
        assert shown["height"] > one_line, (key, shown["height"], one_line)
        assert shown["height"] >= shown["texture"][1] + shown["font"] * 0.4, key
    # Where the page below scrolls or has room, the text keeps the technician screens' size.
    full = failures["tech_small"]
    for page in ("health", "locks"):
        for lang in LANGUAGES:
            assert failures["shown"][f"{page}_known_{lang}"]["font"] == pytest.approx(full)


def test_the_page_below_never_overlaps_the_message_nor_runs_off_the_screen(failures):
    assert not {k: v["overlaps"] for k, v in failures["shown"].items() if v["overlaps"]}
    smallest = failures["tech_small"] * SMALLEST_MESSAGE - 0.01
    assert min(v["font"] for v in failures["shown"].values()) >= smallest


def test_nothing_on_the_technician_screen_is_cut_off_and_buttons_keep_15_mm(failures):
    assert not {k: v["problems"] for k, v in failures["shown"].items() if v["problems"]}
    assert min(v["smallest_mm"] for v in failures["shown"].values()) >= 15.0 - 0.01


def test_please_wait_after_a_failure_is_one_line_again(failures):
    for shown in failures["busy"].values():
        assert shown["lines"] == [1, 1] and shown["height"] == pytest.approx(failures["one_line"])


def test_the_technician_screen_with_a_long_failure_is_a_real_picture(failures):
    assert len(failures["files"]) == len(failures["shown"])
    for path in failures["files"].values():
        colours = Image.open(path).convert("RGB").getcolors(maxcolors=1_000_000)
        assert colours is not None and len(colours) >= 8, f"{path} is (nearly) one colour"
        dark = sum(n for n, rgb in colours if max(rgb) < 40)
        assert dark < 0.5 * sum(n for n, _rgb in colours), f"{path} is mostly black"


# --- long item names on the result screen ----------------------------------------------------


@pytest.fixture(scope="module", params=["default", "large"])
def names(request, out_dir):
    large = request.param == "large"
    return {**run_long("long_names", out=out_dir, size=[800, 480], large=large), "large": large}


def test_a_result_with_long_names_has_nothing_cut_off_or_off_the_screen(names):
    keys = {f"{v}_{n}_{lang}" for v in RESULTS for n in NAMES for lang in LANGUAGES}
    assert set(names["shown"]) == keys
    assert not {k: v["problems"] for k, v in names["shown"].items() if v["problems"]}


def test_only_the_name_is_shortened_and_only_with_an_ellipsis(names):
    shortened = set()
    for key, shown in names["shown"].items():
        for line, name, after in zip(shown["lines"], shown["names"], shown["after"], strict=True):
            assert line.endswith(after), (key, line, after)  # what happened, what it cost
            said = line[: len(line) - len(after)]
            if said != name:
                shortened.add(key)
                assert said.endswith("…") and name.startswith(said[:-1].rstrip()), (key, said)
                assert len(said) > 1, (key, line)
    # Names longer than a line are shortened in both modes, in both languages.
    assert {f"partial_held_very_long_{lang}" for lang in LANGUAGES} <= shortened


def test_a_name_is_shown_whole_where_the_screen_has_room_for_it(names):
    for lang in LANGUAGES:
        shown = names["shown"][f"partial_held_long_{lang}"]
        pairs = zip(shown["lines"], shown["names"], strict=True)
        whole = [line.startswith(name) for line, name in pairs]
        # Elder mode's 6 mm text leaves each of three items one line: the long names shorten.
        assert all(whole) if not names["large"] else not all(whole), (lang, shown["lines"])


# --- a number and its unit -------------------------------------------------------------------


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_amount_of_money_is_joined_to_its_unit_by_a_no_break_space(language):
    catalog = load_catalog(language)
    found = {key: MONEY.findall(text) for key, text in catalog.items() if MONEY.search(text)}
    assert len(found) >= 10
    spaced = re.compile(r"\{(?:price|total|balance|charged|held)\}(?!\u00a0(?:币|coins))")
    assert not {k: t for k, t in catalog.items() if k in found and spaced.search(t)}


def test_the_screens_font_has_the_no_break_space():
    ttlib = pytest.importorskip("fontTools.ttLib")
    from kiosk.ui.fonts import find_cjk_font

    path = find_cjk_font(None)
    font = ttlib.TTCollection(path).fonts[0] if path.endswith(".ttc") else ttlib.TTFont(path)
    assert 0x00A0 in font.getBestCmap()


def test_no_amount_is_split_from_its_unit_at_any_width_and_the_space_is_drawn_as_one():
    shown = run_long("money_lines", size=[800, 480])
    assert len(shown["texts"]) >= 20
    assert shown["splits"] == {}
    assert shown["nbsp_drawn_as_space"] == [True, True]


def test_a_name_is_shortened_by_characters_in_chinese_and_by_words_in_english():
    from kiosk.ui.item_lines import share_lines, shorter_names

    assert shorter_names("五常大米 5 公斤")[:3] == ["五常大米 5 公…", "五常大米 5…", "五常大米…"]
    english = shorter_names("Rice from Wuchang, family pack")
    assert english[:3] == ["Rice from Wuchang, family…", "Rice from Wuchang…", "Rice from…"]
    assert english[-1] == "R…" and shorter_names("A") == []
    # One line each, then one more at a time to those that need more, while lines last.
    assert share_lines([3, 1, 2], 3) == [1, 1, 1]
    assert share_lines([3, 1, 2], 5) == [2, 1, 2]
    assert share_lines([3, 1, 2], 9) == [3, 1, 2]


# --- four and five items in elder mode -------------------------------------------------------

MANY_KEYS = [f"{name}_{lang}" for name in MANY for lang in LANGUAGES]
PLACES = ("", "_middle", "_scrolled")  # at the top of the list, scrolled halfway, at its end
MORE = {"zh": "还有 {n}\u00a0件，向下滑动查看", "en": "{n} more items below, scroll down"}
MORE_ONE = {"zh": "还有 1\u00a0件，向下滑动查看", "en": "1 more item below, scroll down"}
ABOVE = {"zh": "上面还有 {n}\u00a0件，向上滑动查看", "en": "{n} more items above, scroll up"}
ABOVE_ONE = {"zh": "上面还有 1\u00a0件，向上滑动查看", "en": "1 more item above, scroll up"}
BOTH = {"zh": "上面还有 {a}\u00a0件，下面还有 {b}\u00a0件", "en": "{a} more above, {b} more below"}


@pytest.fixture(scope="module", params=["large", "default"])
def many(request, out_dir):
    large = request.param == "large"
    args = dict(out=out_dir, size=[800, 480], diagonal=7.0, large=large)
    return {**run_long("many_items", **args), "large": large}


def below_the_view(shown: dict) -> list[int]:
    """The items (their places in the list) whose line ends below the list's view."""
    bottom = shown["view"][0]
    return [n for n, (_text, low, *_rest) in enumerate(shown["items"]) if low < bottom - 1]


def above_the_view(shown: dict) -> list[int]:
    """The items whose line starts above the list's view."""
    top = shown["view"][1]
    return [n for n, (_text, _low, high, *_rest) in enumerate(shown["items"]) if high > top + 1]


def in_view(line: list, shown: dict) -> bool:
    low, high = line[1], line[2]
    return low >= shown["view"][0] - 1 and high <= shown["view"][1] + 1


def hint(above: int, below: int, language: str) -> str:
    if above and below:
        return BOTH[language].format(a=above, b=below)
    if below:
        return MORE_ONE[language] if below == 1 else MORE[language].format(n=below)
    if above:
        return ABOVE_ONE[language] if above == 1 else ABOVE[language].format(n=above)
    return ""


@pytest.mark.parametrize("key", MANY_KEYS)
def test_with_many_items_what_must_be_read_stays_on_the_screen_whole(many, key):
    window_top = many["window"][1]
    lang = key.rsplit("_", 1)[1]
    for shown in (many["shown"][key + place] for place in PLACES):
        assert len(shown["items"]) == len(MANY[key.rsplit("_", 1)[0]][0])
        assert shown["problems"] == [], key
        bottom, top = shown["view"]
        assert bottom >= -1 and top <= window_top + 1, (key, shown["view"])
        for text, low, high in shown["must_read"]:
            assert low >= -1 and high <= window_top + 1, (key, text, low, high)
            assert high <= bottom + 1 or low >= top - 1, (key, text, "in the items' view")
        # What was charged and the balance left.
        result = many_items(key.rsplit("_", 1)[0]).result
        assert result is not None
        said = " ".join(text for text, _low, _high in shown["must_read"])
        money = f"{result.charged}\u00a0{UNITS[lang]}" if result.charged else ""
        assert money in said and f"{result.balance}\u00a0{UNITS[lang]}" in said, (key, said)


@pytest.mark.parametrize("key", MANY_KEYS)
def test_with_many_items_the_hint_says_exactly_how_many_are_above_and_below(many, key):
    lang = key.rsplit("_", 1)[1]
    for place in PLACES:
        shown = many["shown"][key + place]
        above, below = len(above_the_view(shown)), len(below_the_view(shown))
        assert shown["more"] == hint(above, below, lang), (key + place, shown["more"])
    first, end = many["shown"][key], many["shown"][f"{key}_scrolled"]
    assert above_the_view(first) == [] and below_the_view(end) == [], key
    if not many["large"]:  # 6 mm text needs the scrolling; the default mode's lines all fit
        assert all(many["shown"][key + p]["more"] == "" for p in PLACES), key
    elif key.startswith("five_"):  # five lines never fit in elder mode: the list scrolls
        assert below_the_view(first) and above_the_view(end), key
        # Scrolled to its end, the member is told what is above (it used to say nothing).
        said = {"zh": ("上面还有", "向上滑动查看"), "en": ("more item", "above, scroll up")}[lang]
        assert end["more"].startswith(said[0]) or said[0] in end["more"], end["more"]
        assert end["more"].endswith(said[1]), end["more"]
        middle = many["shown"][f"{key}_middle"]
        assert above_the_view(middle) and below_the_view(middle), key


@pytest.mark.parametrize("key", MANY_KEYS)
def test_with_many_items_the_list_keeps_one_height_wherever_it_is_scrolled(many, key):
    views = [many["shown"][key + place]["view"] for place in PLACES]
    assert all(v == pytest.approx(views[0], abs=1) for v in views), (key, views)


@pytest.mark.parametrize("key", MANY_KEYS)
def test_with_many_items_every_line_shows_whole_somewhere_as_the_member_scrolls(many, key):
    places = [many["shown"][key + place] for place in PLACES]
    for n, lines in enumerate(zip(*(shown["items"] for shown in places), strict=True)):
        text, _low, _high, _handed_out, after = lines[0]
        assert all(line[0] == text for line in lines) and text.endswith(after), (key, text)
        assert any(in_view(line, shown) for line, shown in zip(lines, places, strict=True)), (
            key,
            n,
            text,
        )


@pytest.mark.parametrize("key", MANY_KEYS)
def test_with_many_items_those_not_handed_out_show_first(many, key):
    shown = many["shown"][key]
    failed = [line for line in shown["items"] if not line[3]]
    assert all(in_view(line, shown) for line in failed), (key, failed, shown["view"])


def test_with_many_items_the_screen_is_a_real_picture(many):
    assert len(many["files"]) == len(MANY_KEYS) + 2 * len(LANGUAGES)
    for path in many["files"].values():
        assert Image.open(path).size == (800, 480), path

"""Long item names on the catalog's cards and the confirm screen's rows (scripts in
tests/ui/long_names_fit.py), measured on the real screens in both languages, both text modes
(default and elder mode's large text) and at both supported screens (7-inch 800x480, 10-inch
1280x800):

- each name is shown whole, or as its first words (characters, in Chinese) ending in "…": the
  line wraps onto a second line first, and is shortened only where two lines do not hold it;
- nothing of it is cut off: the text Kivy lays out at the label's width fits the label's height
  and width (no glyph clipped by its bounds, no line left out), in at most two lines;
- a count keeps its unit ("500 毫升", "2 packs"): never one without the other, nor a line ending
  on the count; a word of Latin letters is never broken inside itself.

`KIOSK_SCREENSHOTS=DIR` keeps the PNGs.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest
from PIL import Image

from kiosk.ui.i18n import LANGUAGES
from kiosk.ui.item_lines import ELLIPSIS
from kiosk.ui.item_names import NO_BREAK, keep_units
from tests.ui.item_names import pairs, splits
from tests.ui.long_names_fit import LONG_NAMES, NAME, VIEWS
from tests.ui.scenarios import run_script

pytestmark = pytest.mark.ui

SIZES = {"7in": ([800, 480], 7.0), "10in": ([1280, 800], 10.1)}
MODES = ("default", "large")
MOST_LINES = 2
# A count and its whole unit, as the screens join them (kiosk/ui/item_lines.py): "500 毫升".
COUNT_UNIT = re.compile(r"\d[\d.,]*\u00a0(?:[A-Za-z]+|[\u3400-\u9fff\uf900-\ufaff]{1,2})")


@pytest.fixture(scope="module")
def out_dir(tmp_path_factory) -> str:
    out = os.environ.get("KIOSK_SCREENSHOTS") or str(tmp_path_factory.mktemp("fit"))
    Path(out).mkdir(parents=True, exist_ok=True)
    return out


@pytest.fixture(scope="module", params=[(s, m) for s in SIZES for m in MODES])
def shown(request, out_dir):
    size, mode = request.param
    screen, diagonal = SIZES[size]
    args = dict(out=out_dir, size=screen, diagonal=diagonal, large=mode == "large")
    result = run_script("tests.ui.long_names_fit", "long_names_fit", args)
    return {**result, "where": f"{size}_{mode}"}


def labels(shown):
    for key, view in shown["shown"].items():
        for label in view["labels"]:
            yield f"{shown['where']} {key} {label['sku']}", label


def said_name(label) -> str:
    """The name as the label says it: its text without the line's other words."""
    before, after = label["line"].split(NAME)
    text = label["text"]
    assert text.startswith(before) and text.endswith(after), (text, label["line"])
    return text[len(before) : len(text) - len(after)]


def test_every_view_was_shown_in_both_languages(shown):
    assert set(shown["shown"]) == {f"{v}_{lang}" for v in VIEWS for lang in LANGUAGES}
    for key, view in shown["shown"].items():
        assert view["screen"] == key.rsplit("_", 1)[0].removesuffix("_full"), key
        long = [label for label in view["labels"] if len(label["name"]) > 12]
        assert long, (key, "no long name on the screen")


def test_a_name_is_shown_whole_or_as_its_beginning_with_an_ellipsis(shown):
    for where, label in labels(shown):
        said, name = said_name(label), label["name"]
        if said != name:
            assert said.endswith(ELLIPSIS), (where, said)
            kept = said[: -len(ELLIPSIS)]
            assert len(kept) >= 1 and name.startswith(kept), (where, said, name)


def test_no_glyph_is_clipped_and_no_line_left_out(shown):
    for where, label in labels(shown):
        room_w, room_h = label["room"]
        assert label["need_h"] <= room_h + 1, (where, label["lines"], label["need_h"], room_h)
        assert label["need_w"] <= room_w + 1, (where, label["lines"], label["need_w"], room_w)
        assert label["texture"][0] <= label["width"] + 1, (where, label["texture"])
        # Every character of the text is in the lines Kivy drew, in order.
        drawn = "".join(label["lines"]).replace(" ", "")
        assert drawn == label["text"].replace(" ", ""), (where, label["lines"], label["text"])
        assert 1 <= len(label["lines"]) <= MOST_LINES, (where, label["lines"])
        assert label["needed"] <= MOST_LINES, (where, label["needed"])


def one_word_too_wide(label) -> bool:
    """A Latin name with a word, among those shown or the next, wider than a line with "…"
    after it (elder mode's cards: "Wholegrain" in 184 px, "Daohuaxiang" in 294): it cannot go
    on a line of its own, and Kivy would break it inside itself, so the name stops before it."""
    kept = said_name(label).removesuffix(ELLIPSIS)
    words = label["name"].split(" ")[: len(kept.split(" ")) + 1]
    return any(word in label["wide_words"] for word in words)


def test_a_long_name_wraps_onto_a_second_line_before_it_is_shortened(shown):
    for where, label in labels(shown):
        shortened = said_name(label) != label["name"]
        two_lines_room = label["room"][1] >= 2 * label["line_h"] + 1
        if shortened and two_lines_room and not one_word_too_wide(label):
            # Shortened although the label has two lines' room: the shortened line takes both.
            assert len(label["lines"]) == MOST_LINES, (where, label["lines"])
    # The 7-inch default catalog's first card: "山西老陈醋 500 毫升 玻璃瓶装" whole, on two lines.
    if shown["where"].endswith("default"):
        vinegar = next(
            lb for lb in shown["shown"]["catalog_zh"]["labels"] if lb["sku"] == "tissues"
        )
        assert vinegar["text"] == keep_units(LONG_NAMES["zh"][0]), vinegar
        assert len(vinegar["lines"]) == 2, vinegar["lines"]


def test_a_count_keeps_its_unit_and_no_latin_word_is_broken(shown):
    for where, label in labels(shown):
        said = said_name(label).removesuffix(ELLIPSIS)
        for count in COUNT_UNIT.finditer(label["name"]):
            assert len(said) <= count.start() or len(said) >= count.end(), (where, said)
        assert not splits(label["lines"], pairs(label["name"])), (where, label["lines"])
        # Where two drawn lines meet without a space between them in the text, not two letters.
        text, at = label["text"], 0
        for line, after in zip(label["lines"], label["lines"][1:], strict=False):
            at = text.index(line.lstrip(" "), at) + len(line.lstrip(" "))
            if at < len(text) and text[at] != " " and line.strip() and after.strip():
                joined = line.rstrip()[-1] + after.lstrip()[0]
                assert not re.fullmatch(r"[A-Za-z]{2}", joined), (where, label["lines"])


def test_the_screens_are_real_pictures(shown):
    assert len(shown["files"]) == len(VIEWS) * len(LANGUAGES)
    for path in shown["files"].values():
        image = Image.open(path).convert("RGB")
        colours = image.getcolors(maxcolors=1_000_000)
        assert colours is not None and len(colours) >= 8, path


@pytest.mark.parametrize(
    ("name", "never"),
    [
        ("山西老陈醋 500 毫升 玻璃瓶装", ("山西老陈醋 500…", "山西老陈醋 500\u00a0毫…")),
        ("五常大米 5 公斤家庭装", ("五常大米 5…", "五常大米 5\u00a0公…")),
        ("Wholegrain rice noodles 2 packs family size", ("Wholegrain rice noodles 2…",)),
        ("挂面 2 袋", ("挂面 2…", "挂面 2\u00a0…")),
    ],
)
def test_a_shortened_name_never_keeps_a_count_without_its_unit(name, never):
    from kiosk.ui.item_lines import name_forms

    forms = name_forms(keep_units(name))
    assert forms[0] == keep_units(name)
    assert all(form.endswith(ELLIPSIS) for form in forms[1:])
    assert not set(never) & set(forms), forms
    assert NO_BREAK in forms[0]
    # Shorter each time, the count and its unit kept together where kept.
    assert [len(f) for f in forms[1:]] == sorted((len(f) for f in forms[1:]), reverse=True)

"""Scripts for tests/ui/test_item_names.py (issue 15): item names holding a count and its unit
("挂面 2 袋", "Tissues 3 packs") on every member screen that shows item names, and laid out by
Kivy at every width. Run as `python -m tests.ui.item_names NAME '{"out": DIR, "size": [800,
480], "large": false}'` (the scenario runner of tests/ui/scenarios.py, with these scripts added).
"""

from __future__ import annotations

import re
from dataclasses import replace
from typing import Any

from kiosk.core.view import KioskView
from tests.ui.field_screens import problems, screenshot
from tests.ui.long_texts import NARROWEST, tag
from tests.ui.result_variants import VARIANTS
from tests.ui.sample_views import SAMPLE_VIEWS

# Names a clerk may well type: a count apart from its unit, glued to it, in a long name.
NAMES = {
    "zh": ("挂面 2 袋", "纸巾3包", "五常大米 5 公斤装", "矿泉水 12 瓶"),
    "en": ("Noodles 2 bags", "Tissues 3 packs", "Rice, pack of 5 kg", "Water 12 bottles"),
}
# Longer than a line wherever they stand, for Kivy's layout at every width (the screens
# shorten such a name with "…" where two lines do not hold it: tests/ui/test_long_names_fit.py).
LONG_NAMES = {
    "zh": ("东北五常稻花香大米5公斤家庭装（新米）", "东北五常稻花香大米 5 公斤家庭装（新米）"),
    "en": ("Wuchang rice from the north-east, family pack of 5 kg (new crop)",),
}
# The member lines of the Chinese catalog that count something (件), with values to fill in.
# cart.summary is two runs, "已选 1 件" and "共 20 币", each held together: on the two lines
# elder mode's catalog gives it (208 px) it breaks only between them.
COUNTS = {
    "cart.summary": {"count": 1, "total": 20},
    "catalog.stock": {"stock": 12},
    "catalog.in_cart": {"count": 2},
    "vend.count": {"index": 2, "of": 3},
    "confirm.more_below": {"count": 3},
    "result.more_above": {"count": 3},
    "result.more_both": {"above": 2, "below": 2},
}
# The amounts of money the lines below name, and their units' first letter.
MONEY = {"zh": [("20", "币"), ("40", "币")], "en": [("20", "c"), ("40", "c")]}
# A count and the first character of the unit after it, in a name.
COUNT_UNIT = re.compile(r"(\d+)[ \u00a0]*([^\W\d_])")
GAPS = " \u00a0"


def pairs(name: str) -> list[tuple[str, str]]:
    return COUNT_UNIT.findall(name)


def splits(lines: list[str], name_pairs: list[tuple[str, str]]) -> list[str]:
    """Where a line ends on a count and the next begins with its unit: "2 | 袋"."""
    found = []
    for line, after in zip(lines, lines[1:], strict=False):
        for count, unit in name_pairs:
            end, start = line.rstrip(GAPS), after.lstrip(GAPS)
            if end.endswith(count) and start.startswith(unit):
                found.append(f"{end[-12:]} | {start[:12]}")
    return found


def with_names(screen: str, names: tuple[str, ...], language: str) -> KioskView:
    """One screen's sample view, its items named `names` (in `language`; the other language's
    names left as they are)."""
    field = "name_zh" if language == "zh" else "name_en"

    def named(things: tuple, offset: int = 0) -> tuple:
        return tuple(
            replace(x, **{field: names[(n + offset) % len(names)]}) for n, x in enumerate(things)
        )

    if screen == "result":
        view = VARIANTS["partial_held"]
        assert view.result is not None
        return replace(view, result=replace(view.result, items=named(view.result.items, 1)))
    view = SAMPLE_VIEWS[{"catalog": "catalog", "confirm": "confirm_full"}.get(screen, screen)]
    if screen == "catalog":
        return replace(view, offers=named(view.offers))
    if screen == "confirm":
        return replace(view, cart=named(view.cart))
    if screen == "vending":
        assert view.vend is not None
        return replace(view, vend=named((view.vend,), 2)[0])
    return replace(view, reserved=named(view.reserved))


SCREENS = ("catalog", "confirm", "vending", "result", "reserved")


def drawn_lines(label: Any) -> list[str]:
    """The lines Kivy laid `label`'s text out in, as drawn."""
    label.texture_update()
    return ["".join(w.text for w in line.words) for line in label._label._cached_lines]


def count_names_script(app: Any, intents: Any, args: dict, out: dict) -> Any:
    """Each member screen that shows item names, with names holding counts, in both languages:
    every label's text and the lines it is drawn in; a PNG of each."""
    from kivy.uix.label import Label

    from tests.ui.scripts import frames

    out["shown"] = {}
    for language in ("zh", "en"):
        app.set_language(language)
        for screen_name in SCREENS:
            app.post(with_names(screen_name, NAMES[language], language))
            yield frames(4)
            screen = app.screens.current_screen
            labels = [w for w in screen.walk() if isinstance(w, Label) and w.text.strip()]
            out["shown"][f"{screen_name}_{language}"] = {
                "screen": screen.name,
                "labels": [[w.text, drawn_lines(w)] for w in labels if w.opacity > 0],
                "problems": problems(screen),
            }
            picture = f"item_names_{screen_name}_{language}_{tag(args, app)}"
            yield from screenshot(app, out, args, picture)


def count_widths_script(app: Any, intents: Any, args: dict, out: dict) -> Any:
    """Every member line that holds an item's name, with each name as the screens show it and
    as typed, laid out by Kivy in the screens' font (regular and bold) at every width from
    NARROWEST to 800 px: where a count (or an amount of money) and its unit fell on two lines."""
    from kivy.core.text import Label as CoreLabel

    from kiosk.ui.i18n import Translator
    from kiosk.ui.item_names import keep_units
    from tests.ui.scripts import frames

    yield frames(1)
    out.update(splits={"shown": {}, "typed": {}}, lines=0)
    for language in ("zh", "en"):
        t = Translator(language)
        why = t("why.left_inside")
        for typed in NAMES[language] + LONG_NAMES[language]:
            counted = pairs(typed) + MONEY[language]
            for kind, name in (("shown", keep_units(typed)), ("typed", typed)):
                texts = [
                    name,
                    t("vend.item", item=name, price=20),
                    t("confirm.line", item=name, count=2, price=40),
                    t("result.item_taken", item=name, price=20),
                    t("result.item_free", item=name, why=why),
                    t("reserved.line", item=name, locker="2"),
                ]
                for text in texts:
                    for bold in (False, True):
                        for width in range(NARROWEST, 800, 2):
                            label = CoreLabel(
                                text=text,
                                font_size=app.font_body,
                                bold=bold,
                                text_size=(width, None),
                            )
                            label.refresh()
                            lines = [
                                "".join(w.text for w in ln.words) for ln in label._cached_lines
                            ]
                            out["lines"] += len(lines)
                            for split in splits(lines, counted):
                                out["splits"][kind].setdefault(f"{language}: {text}", []).append(
                                    [width, bold, split]
                                )
    t = Translator("zh")
    out["splits"]["counts"] = {}
    for key, values in COUNTS.items():
        text = t(key, **values)
        for width in range(NARROWEST, 800, 2):
            label = CoreLabel(
                text=text, font_size=app.font_body, bold=True, text_size=(width, None)
            )
            label.refresh()
            lines = ["".join(w.text for w in ln.words) for ln in label._cached_lines]
            for split in splits(lines, COUNT_UNIT.findall(text)):
                out["splits"]["counts"].setdefault(text, []).append([width, split])


if __name__ == "__main__":
    import json
    import sys

    from tests.ui import scenarios  # sets up the headless window's environment only

    name, args = sys.argv[1], json.loads(sys.argv[2])
    from kivy.config import Config

    Config.set("graphics", "width", str(args["size"][0]))
    Config.set("graphics", "height", str(args["size"][1]))
    from tests.ui import scripts

    scripts.SCRIPTS["count_names"] = count_names_script
    scripts.SCRIPTS["count_widths"] = count_widths_script
    sys.exit(scenarios.main(name, args))

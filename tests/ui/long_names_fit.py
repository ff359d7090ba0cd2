"""Scripts for tests/ui/test_long_names_fit.py: long item names on the catalog's cards and the
confirm screen's rows, in both languages, as Kivy draws them. Run as
`python -m tests.ui.long_names_fit NAME '{"out": DIR, "size": [800, 480], "large": false}'`
(the scenario runner of tests/ui/scenarios.py, with these scripts added to it).
"""

from __future__ import annotations

import re
from dataclasses import replace
from typing import Any

from kiosk.core.view import KioskView
from tests.ui.field_screens import screenshot
from tests.ui.long_texts import tag
from tests.ui.sample_views import BROWSING, CONFIRMING, CONFIRMING_FULL

# Names a clerk may well type: one that needs a second line, one longer than two lines, and a
# short one beside them. Each kind of item in the views gets one of them, in turn.
LONG_NAMES = {
    "zh": (
        "山西老陈醋 500 毫升 玻璃瓶装",
        "东北五常稻花香大米 5 公斤家庭装（新米，真空包装，产地直供）",
        "挂面 2 袋",
        "五常大米 5 公斤家庭装（东北）",
    ),
    "en": (
        "Wholegrain rice noodles 2 packs family size",
        "Wuchang Daohuaxiang rice from the north-east, 5 kg family pack (new crop, vacuum packed)",
        "Noodles 2 bags",
        "Rice from Wuchang, family pack of 5 kg",
    ),
}
VIEWS = {"catalog": BROWSING, "confirm": CONFIRMING, "confirm_full": CONFIRMING_FULL}
# Where the name goes in a line's words, as the test expects them (not as the screen makes them).
NAME = "\u2063"


def named(view: KioskView, language: str) -> KioskView:
    """`view` with its items named LONG_NAMES[language], in turn (each SKU keeps one name)."""
    field = "name_zh" if language == "zh" else "name_en"
    names = LONG_NAMES[language]
    skus = list(dict.fromkeys([o.sku for o in view.offers] + [c.sku for c in view.cart]))
    name_of = {sku: names[n % len(names)] for n, sku in enumerate(skus)}
    offers = tuple(replace(o, **{field: name_of[o.sku]}) for o in view.offers)
    cart = tuple(replace(c, **{field: name_of[c.sku]}) for c in view.cart)
    return replace(view, offers=offers, cart=cart)


def drawn(label: Any) -> dict[str, Any]:
    """What Kivy drew of `label`: its text, the lines it laid the text out in, the texture's
    size, the room inside the label's padding, and the lines the whole text needs at its width
    (a line Kivy could not fit in the label's height it leaves out)."""
    from kivy.core.text import Label as CoreLabel

    label.texture_update()
    left, top, right, bottom = label.padding
    room = [label.width - left - right, label.height - top - bottom]
    whole = CoreLabel(
        text=label.text,
        font_size=label.font_size,
        font_name=label.font_name,
        bold=label.bold,
        outline_width=label.outline_width,
        text_size=(room[0], None),
        halign=label.halign,
    )
    whole.refresh()

    def width(word: str) -> float:
        font = CoreLabel(font_size=label.font_size, font_name=label.font_name, bold=label.bold)
        return float(font.get_extents(word + "\u2026")[0])

    latin = [w for w in getattr(label, "name", label.text).split(" ") if re.search("[A-Za-z]", w)]
    return {
        "text": label.text,
        "lines": ["".join(w.text for w in line.words) for line in label._label._cached_lines],
        "needed": len(whole._cached_lines),
        "need_h": whole.texture.size[1],
        "texture": list(label.texture_size),
        "room": room,
        "font": label.font_size,
        "need_w": whole.texture.size[0],
        # Words of the name too wide for a line with an ellipsis after them.
        "wide_words": [w for w in latin if width(w) > room[0]],
        "width": label.width,
        "line_h": CoreLabel(
            font_size=label.font_size, font_name=label.font_name, bold=label.bold
        ).get_extents("国Ag")[1],
    }


def name_labels(screen: Any) -> list[tuple[str, Any]]:
    """The labels holding an item's name on the catalog or confirm screen, with the SKU."""
    from kiosk.ui.screens.catalog import OfferButton
    from kiosk.ui.screens.confirm import CartRow

    found = []
    for w in screen.walk(restrict=True):
        if isinstance(w, OfferButton) and w.sku:
            label = w.ids.get("name") or next(  # a card whose name has no id: by its text
                c
                for c in w.walk(restrict=True)
                if c is not w and getattr(c, "text", None) == w.name_text
            )
            found.append((w.sku, label))
        elif isinstance(w, CartRow) and w.sku:
            found.append((w.sku, w.ids.name))
    return found


def long_names_fit_script(app: Any, intents: Any, args: dict, out: dict) -> Any:
    """The catalog and confirm screens with long names, in both languages: each name label as
    Kivy drew it, the item's whole name as the screen's language shows it, and a PNG of each."""
    from kiosk.ui.i18n import Translator
    from kiosk.ui.item_names import shown_name
    from tests.ui.scripts import frames

    out["shown"] = {}
    for language in ("zh", "en"):
        app.set_language(language)
        t = Translator(language)
        for name, view in VIEWS.items():
            shown = named(view, language)
            app.post(shown)
            yield frames(4)
            screen = app.screens.current_screen
            if "scroll" in screen.ids:
                screen.ids.scroll.scroll_y = 1
                yield frames(2)
            names = {i.sku: shown_name(i, t) for i in (*shown.offers, *shown.cart)}
            lines = {o.sku: NAME for o in shown.offers} if name == "catalog" else {}
            for c in shown.cart if name != "catalog" else ():
                count = sum(1 for d in shown.cart if d.sku == c.sku)
                at_door = any(d.charge_on_open for d in shown.cart if d.sku == c.sku)
                words = "confirm.line_open" if at_door else "confirm.line"
                lines[c.sku] = t(words, item=NAME, count=count, price=c.price * count)
            key = f"{name}_{language}"
            out["shown"][key] = {
                "screen": screen.name,
                "labels": [
                    {"sku": sku, "name": names[sku], "line": lines[sku], **drawn(label)}
                    for sku, label in name_labels(screen)
                ],
            }
            yield from screenshot(app, out, args, f"long_names_fit_{key}_{tag(args, app)}")


if __name__ == "__main__":
    import json
    import sys

    from tests.ui import scenarios  # sets up the headless window's environment only

    name, args = sys.argv[1], json.loads(sys.argv[2])
    from kivy.config import Config

    # Before the scripts' imports make the window (scenarios.main sets these too late for that).
    Config.set("graphics", "width", str(args["size"][0]))
    Config.set("graphics", "height", str(args["size"][1]))
    from tests.ui import scripts

    scripts.SCRIPTS["long_names_fit"] = long_names_fit_script
    sys.exit(scenarios.main(name, args))

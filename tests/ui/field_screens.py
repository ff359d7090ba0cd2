"""Scripts for tests/ui/test_field_screens.py (issue 15): the result screen inside a window wider
than the kiosk's screens (as `kiosk sim` shows them beside its panel), and elder mode's confirm
screen with more cart rows than fit. Run as
`python -m tests.ui.field_screens NAME '{"out": DIR, "size": [800, 480], ...}'` (the scenario
runner of tests/ui/scenarios.py, with these scripts added to it).
"""

from __future__ import annotations

import os
from dataclasses import replace
from typing import Any

from kiosk.core.view import CartLine
from tests.ui.sample_views import CONFIRMING, CONFIRMING_FULL, FULL_CART

SOAP = CartLine("soap", "肥皂", "Soap", 10)
# Carts of at most five items (kiosk/core/shopping.py MAX_CART): five kinds (more rows than
# elder mode's confirm screen shows), four kinds with one twice, two kinds, three kinds.
ELDER_CARTS = {
    "long": CONFIRMING_FULL,
    "doubled": replace(CONFIRMING_FULL, cart=(*FULL_CART[:3], *FULL_CART[2:4])),
    "short": CONFIRMING,  # two kinds: they fit
    "three": replace(CONFIRMING, cart=(*CONFIRMING.cart, SOAP)),
}


def screenshot(app: Any, out: dict, args: dict, name: str) -> Any:
    """Save the window as DIR/NAME.png (a step for the script to yield)."""
    from kiosk.ui.screenshot import take_screenshot

    if not args.get("out"):
        return
    saved: list[str] = []
    take_screenshot(os.path.join(args["out"], f"{name}.png"), saved.append)
    yield lambda: bool(saved)
    out.setdefault("files", {})[name] = saved[0]


def problems(root: Any) -> list[str]:
    """Text cut off, lines dropped, or labels off the window, under `root` (a row scrolled
    out of a scrolled list's view is hidden by the list, not cut off)."""
    from kivy.core.window import Window
    from kivy.uix.label import Label
    from kivy.uix.scrollview import ScrollView

    from kiosk.ui.testing import overflowing_labels
    from tests.ui.result_variants import dropped_lines

    found = overflowing_labels(root) + dropped_lines(root)
    scrolled = {id(w) for s in root.walk() if isinstance(s, ScrollView) for w in s.walk()}
    for w in root.walk(restrict=True):
        if not isinstance(w, Label) or not w.text or w.opacity == 0 or w.height <= 1:
            continue
        if id(w) in scrolled:
            continue
        y = w.to_window(w.x, w.y)[1]
        if y < -1 or y + w.height > Window.height + 1:
            found.append(f"{w.text!r} is off the screen (y {y:.0f}..{y + w.height:.0f})")
    return found


def long_names() -> Any:
    """A result whose items' lines wrap on an 800 px screen, not across a 1200 px window."""
    from tests.ui.result_variants import VARIANTS

    view = VARIANTS["partial_held"]
    assert view.result is not None
    names = ("五常大米 5 公斤家庭装（东北）", "Rice from Wuchang, family pack of 5 kg")
    items = tuple(replace(i, name_zh=names[0], name_en=names[1]) for i in view.result.items)
    return replace(view, result=replace(view.result, items=items))


def given_lines(label: Any, ids: Any, app: Any) -> int:
    """The lines of text the result screen made room for in `label`."""
    if label is ids.balance:
        return round(label.height / (app.font_large * 1.5))
    if label is ids.next_step:
        return round(label.height / (app.font_small * 1.6))
    return int(label.size_hint_y)  # an item's line: its share of the list, in lines


def result_wrapped_script(app: Any, intents: Any, args: dict, out: dict) -> Any:
    """Every result variant on screens of 800 px in a window of `size` (a panel beside them):
    each item line as tall as its lines at the screens' width, nothing cut off."""
    from kivy.core.window import Window

    from kiosk.ui.screens.result import wrapped_lines
    from tests.ui.result_variants import VARIANTS
    from tests.ui.scripts import frames

    out.update(window_width=Window.width, screens_width=app.screens.width, checked={})
    for language in ("zh", "en"):
        app.set_language(language)
        # Long names wrap; in elder mode they are shortened to the lines a 480 px screen holds.
        for name, view in {**VARIANTS, "long_names": long_names()}.items():
            app.post(view)
            yield frames(3)
            screen = app.screens.current_screen
            ids = screen.ids
            width = screen.width - 2 * app.pad
            labels = [*ids.item_list.children, ids.balance, ids.next_step]
            key = f"{name}_{language}"
            out["checked"][key] = {
                "screen": app.screens.current,
                "screen_width": screen.width,
                # Lines each label was given, and the lines its text takes at the screen's width.
                "lines": [[given_lines(w, ids, app), wrapped_lines(w, width)] for w in labels],
                "problems": problems(screen),
            }
            if name == "long_names":
                mode = "_large" if app.large_text else ""
                yield from screenshot(app, out, args, f"result_wrapped_{key}{mode}")


def rows_and_view(screen: Any) -> dict[str, Any]:
    """Where the cart rows and the scrolled view are, in window pixels, for the test to count."""
    from kiosk.ui.screens.confirm import CartRow

    scroll = screen.ids.scroll
    bottom = scroll.to_window(scroll.x, scroll.y)[1]
    rows = [
        [w.text, w.to_window(w.x, w.y)[1], w.to_window(w.x, w.top)[1]]
        for w in scroll.walk(restrict=True)
        if isinstance(w, CartRow)
    ]
    return {"view": [bottom, bottom + scroll.height], "rows": rows}


def elder_confirm_script(app: Any, intents: Any, args: dict, out: dict) -> Any:
    """The confirm screen in elder mode with each cart, in both languages; the long cart also
    scrolled to its end; then the long cart in the default mode."""
    from kiosk.ui import theme
    from kiosk.ui.testing import smallest_text
    from tests.ui.scripts import frames

    per_mm = theme.px_per_mm(*args["size"], args.get("diagonal", 7.0))
    out["shown"] = {}

    def record(key: str) -> None:
        screen = app.screens.current_screen
        more = screen.ids.more
        out["shown"][key] = {
            "screen": app.screens.current,
            "large": app.large_text,
            "more": more.text if more.opacity and more.height > 1 else "",
            "more_mm": smallest_text(more, per_mm) if more.text else None,
            "problems": problems(screen),
            **rows_and_view(screen),
        }

    for language in ("zh", "en"):
        app.set_language(language)
        for name, view in ELDER_CARTS.items():
            app.post(replace(view))
            yield frames(4)
            app.screens.current_screen.ids.scroll.scroll_y = 1  # a new cart shows its top
            yield frames(4)
            record(f"{name}_{language}")
            if name == "long":
                yield from screenshot(app, out, args, f"elder_confirm_long_{language}")
                app.screens.current_screen.ids.scroll.scroll_y = 0  # the member scrolls down
                yield frames(4)
                record(f"long_scrolled_{language}")
                yield from screenshot(app, out, args, f"elder_confirm_scrolled_{language}")
    app.toggle_large_text()  # back to the default mode
    app.post(replace(ELDER_CARTS["long"]))
    yield frames(4)
    record("long_default_en")


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

    scripts.SCRIPTS["result_wrapped"] = result_wrapped_script
    scripts.SCRIPTS["elder_confirm"] = elder_confirm_script
    sys.exit(scenarios.main(name, args))

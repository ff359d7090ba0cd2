"""Scripts for tests/ui/test_long_texts.py (issue 15, "at the locker, the screens tell the truth"):
long technician failures on each technician page, long item names on the result screen, and
prices wrapped at every width, and results of four and five items in elder mode. Run as
`python -m tests.ui.long_texts NAME '{"out": DIR, "size": [800, 480], ...}'` (the scenario
runner of tests/ui/scenarios.py, with these scripts added to it).
"""

from __future__ import annotations

import re
from dataclasses import replace
from typing import Any

from kiosk.core.shopping import _result
from kiosk.core.technician import LockerLine, OpenedLocker
from kiosk.core.view import CartLine, KioskView, SessionState
from tests.ui.field_screens import problems, screenshot
from tests.ui.result_variants import OFFERS, OIL, PHONE, TISSUES, WATER, item
from tests.ui.tech_samples import LONG_FAILURE, LONG_UNKNOWN, TECH_SAMPLES

FLAGGED = OpenedLocker(  # the lock test page showing a flagged locker: "Inspected" shows too
    "0:3", LockerLine("0:3", False, False), LockerLine("0:3", False, False), accepted=True
)
PAGES = {
    "health": TECH_SAMPLES["technician"],
    "locks": TECH_SAMPLES["technician_locks"],
    "flagged": replace(
        TECH_SAMPLES["technician_locks"],
        technician=replace(TECH_SAMPLES["technician_locks"].technician, last_open=FLAGGED),
    ),
    "walk": TECH_SAMPLES["technician_walk"],
    "restock": TECH_SAMPLES["technician_restock"],
    "count": TECH_SAMPLES["technician_count"],
    "service": TECH_SAMPLES["technician_service"],
}
FAILURES = {"known": LONG_FAILURE, "unknown": LONG_UNKNOWN}
# Names a catalog may well hold: long, longer than a line, and one word longer than a line.
NAMES = {
    "long": ("五常大米 5 公斤家庭装（东北）", "Rice from Wuchang, family pack of 5 kg"),
    "very_long": (
        "东北五常稻花香大米 5 公斤家庭装（新米，真空包装，产地直供）",
        "Wuchang Daohuaxiang rice from the north-east, 5 kg family pack (new crop, vacuum packed)",
    ),
    "one_word": ("超长名字" * 10, "Extraordinarilylongsinglewordnamethatnolinecanhold-5kg"),
}
RESULTS = ("partial_held", "all_taken", "none_mixed", "partial_jammed_retry")
# The amounts of money a template may name, and values for every field a template may have.
MONEY = re.compile(r"\{(price|total|balance|charged|held)\}\W*(币|coins)")
VALUES = dict(price=15, total=55, balance=405, charged=20, held=15, count=2, item="矿泉水")
VALUES.update(why="等工作人员清点", name="王秀英")
UNITS = {"zh": "币", "en": "coins"}
# px: narrower than any label a price is on (a catalog card: about 240). Kivy breaks a run of
# text without spaces that is wider than a line anywhere, so a glued word must fit a line.
NARROWEST = 200
# Results of four and five items (a cart holds five): more lines than elder mode's 6 mm text
# leaves room for on a 7-inch screen, even with short names. Each: (line, its outcome), in the
# cart's order, and whether the jammed item may be tried at another locker.
SOAP = CartLine("soap", "肥皂", "Soap", 10)
RICE = CartLine("rice", "大米", "Rice", 30)
MANY_BALANCE = 400
MANY: dict[str, tuple[tuple[tuple[CartLine, str], ...], bool]] = {
    "four_taken": (((WATER, "taken"), (TISSUES, "taken"), (OIL, "taken"), (SOAP, "taken")), False),
    "four_partial": (
        ((WATER, "taken"), (TISSUES, "taken"), (OIL, "taken"), (SOAP, "jammed")),
        False,
    ),
    "five_taken": (
        tuple((line, "taken") for line in (WATER, TISSUES, OIL, SOAP, RICE)),
        False,
    ),
    "five_held": (
        (
            (WATER, "taken"),
            (TISSUES, "taken"),
            (OIL, "taken"),
            (SOAP, "not_taken"),
            (RICE, "awaiting_count"),
        ),
        False,
    ),
    "five_retry": (
        (
            (WATER, "jammed"),
            (TISSUES, "taken"),
            (OIL, "taken"),
            (SOAP, "taken"),
            (RICE, "not_tried"),
        ),
        True,
    ),
}


def many_items(name: str) -> KioskView:
    """The result view of a cart of four or five items (MANY), as the core builds it."""
    outcomes, retry = MANY[name]
    items = [item(line, outcome) for line, outcome in outcomes]
    charged = sum(i.price for i in items if i.handed_out)
    held = sum(i.price for i in items if i.held)
    balance = MANY_BALANCE - charged - held
    elsewhere = ((WATER,), "0:4") if retry else ((), "")
    return KioskView(
        state=SessionState.RESULT,
        member_name="王秀英",
        balance=balance,
        offers=OFFERS,
        result=_result(items, balance, elsewhere),
        help_phone=PHONE,
    )


def tag(args: dict, app: Any) -> str:
    """The screen size and text mode, for a PNG's name: "800x480", "800x480_large"."""
    width, height = args["size"]
    return f"{width}x{height}" + ("_large" if app.large_text else "")


def failed(view: Any, detail: str) -> Any:
    tv = replace(view.technician, message="tech.failed", detail=detail, ok=False)
    return replace(view, technician=tv)


def message_lines(line: Any) -> dict[str, Any]:
    """The message line as drawn, and the lines its text takes at its width and font."""
    from kivy.core.text import Label as CoreLabel

    left, _top, right, _bottom = line.padding
    whole = CoreLabel(
        text=line.text,
        font_size=line.font_size,
        font_name=line.font_name,
        bold=line.bold,
        outline_width=line.outline_width,
        text_size=(line.width - left - right, None),
        halign=line.halign,
    )
    whole.refresh()
    line.texture_update()
    return {
        "lines": [len(line._label._cached_lines), len(whole._cached_lines)],
        "height": line.height,
        "width": line.width,
        "texture": list(line.texture_size),
        "font": line.font_size,
    }


def overlaps(screen: Any) -> list[str]:
    """What on the page below reaches into the message line, or below the window's edge (a
    check scrolled out of the health page's view is the scroll view's to hide)."""
    from kivy.uix.behaviors import ButtonBehavior
    from kivy.uix.label import Label
    from kivy.uix.scrollview import ScrollView

    line = screen.ids.message
    bottom = line.to_window(line.x, line.y)[1]
    page = screen.pages[screen._shown]
    scrolled = {
        id(w) for s in page.walk() if isinstance(s, ScrollView) for w in s.walk() if w is not s
    }
    found = []
    for w in page.walk(restrict=True):
        shown = w.opacity > 0 and w.height > 1 and w.width > 1 and id(w) not in scrolled
        if not shown or not isinstance(w, Label | ButtonBehavior | ScrollView):
            continue
        low, high = w.to_window(w.x, w.y)[1], w.to_window(w.x, w.top)[1]
        if high > bottom + 1 or low < -1:
            name = getattr(w, "text", "") or type(w).__name__
            found.append(f"{name!r} at y {low:.0f}..{high:.0f}, the message ends at {bottom:.0f}")
    return found


def technician_failures_script(app: Any, intents: Any, args: dict, out: dict) -> Any:
    """Each long failure on each technician page, in both languages: the message line, what
    of the page overlaps it, what is cut off, the smallest button; then "please wait"."""
    from kiosk.ui import theme
    from kiosk.ui.testing import touch_targets
    from tests.ui.scripts import frames

    per_mm = theme.px_per_mm(*args["size"], args.get("diagonal", 7.0))
    out.update(shown={}, one_line=app.tech_body * 1.7, tech_small=app.tech_small)
    for language in ("zh", "en"):
        app.set_language(language)
        for page, view in PAGES.items():
            for kind, detail in FAILURES.items():
                app.post(failed(view, detail))
                yield frames(4)
                screen = app.screens.current_screen
                first = message_lines(screen.ids.message)
                yield frames(4)  # the layout has settled: nothing changes any more
                key = f"{page}_{kind}_{language}"
                targets = touch_targets(screen)
                out["shown"][key] = {
                    **message_lines(screen.ids.message),
                    "settled": first == message_lines(screen.ids.message),
                    "text": screen.ids.message.text,
                    "overlaps": overlaps(screen),
                    "problems": problems(screen),
                    "smallest_mm": min(min(w, h) for _n, w, h in targets) / per_mm,
                }
                yield from screenshot(app, out, args, f"tech_failed_{key}_{tag(args, app)}")
        app.post(replace(failed(PAGES["health"], LONG_FAILURE), busy=True))
        yield frames(4)
        out.setdefault("busy", {})[language] = message_lines(app.screens.current_screen.ids.message)


def long_names_script(app: Any, intents: Any, args: dict, out: dict) -> Any:
    """Results of several items with long names, in both languages: each item's line as shown,
    the item's name and the words after it, and what is cut off or off the screen."""
    from kiosk.ui.i18n import Translator
    from kiosk.ui.screens.result import item_name, item_text
    from tests.ui.result_variants import VARIANTS
    from tests.ui.scripts import frames

    out["shown"] = {}
    for language in ("zh", "en"):
        app.set_language(language)
        t = Translator(language)
        for variant in RESULTS:
            for kind, (zh, en) in NAMES.items():
                view = VARIANTS[variant]
                assert view.result is not None
                items = tuple(replace(i, name_zh=zh, name_en=en) for i in view.result.items)
                app.post(replace(view, result=replace(view.result, items=items)))
                yield frames(3)
                screen = app.screens.current_screen
                key = f"{variant}_{kind}_{language}"
                names = [item_name(i, t) for i in items]
                out["shown"][key] = {
                    "lines": [w.text for w in reversed(screen.ids.item_list.children)],
                    "names": names,
                    "after": [item_text(i, t)[len(n) :] for i, n in zip(items, names, strict=True)],
                    "problems": problems(screen),
                }
                if variant == "partial_held":
                    yield from screenshot(app, out, args, f"long_names_{key}_{tag(args, app)}")


def span(w: Any) -> list[float]:
    """Where `w` is on the window, bottom to top (px)."""
    return [w.to_window(w.x, w.y)[1], w.to_window(w.x, w.top)[1]]


def result_parts(screen: Any, t: Any) -> dict[str, Any]:
    """The result screen's parts as shown: what must be read wherever the list is scrolled (each
    [text, bottom, top]), each item's line ([text, bottom, top, handed out, what happened]), the
    list's view and the line saying how many items are below it."""
    from kiosk.ui.screens.result import item_name, item_text

    ids = screen.ids
    view = ids.item_scroll if "item_scroll" in ids else ids.item_list  # no list to scroll
    more = ids.more if "more" in ids else None
    buttons = [b for b in (ids.done, ids.retry) if b.opacity > 0 and not b.disabled]
    fixed = [ids.heading, ids.balance, ids.next_step, *buttons]
    fixed += [more] if more is not None and more.opacity > 0 and more.text else []
    results = {id(w): i for w, i in getattr(screen, "_items", [])}
    lines = []
    for w in reversed(ids.item_list.children):
        i = results[id(w)]
        after = item_text(i, t)[len(item_name(i, t)) :]
        lines.append([w.text, *span(w), i.handed_out, after])
    return {
        "must_read": [[w.text, *span(w)] for w in fixed if w.text],
        "items": lines,
        "view": span(view),
        "more": more.text if more is not None and more.opacity > 0 and more.height > 1 else "",
        "problems": problems(screen),
    }


# Where the member has scrolled the list to (its scroll_y: 1 is the top): halfway, the end.
SCROLLED = {"middle": 0.5, "scrolled": 0.0}


def many_items_script(app: Any, intents: Any, args: dict, out: dict) -> Any:
    """Results of four and five items in both languages (elder mode, if `large`): the parts as
    shown at the top of the list, scrolled halfway and scrolled to its end."""
    from kiosk.ui.i18n import Translator
    from tests.ui.scripts import frames

    out.update(shown={}, window=[0, args["size"][1]])
    for language in ("zh", "en"):
        app.set_language(language)
        t = Translator(language)
        for name in MANY:
            app.post(many_items(name))
            yield frames(4)
            screen = app.screens.current_screen
            key = f"{name}_{language}"
            out["shown"][key] = result_parts(screen, t)
            yield from screenshot(app, out, args, f"many_items_{key}_{tag(args, app)}")
            for where, scroll_y in SCROLLED.items():
                if "item_scroll" in screen.ids:
                    screen.ids.item_scroll.scroll_y = scroll_y  # the member scrolls
                    yield frames(4)
                out["shown"][f"{key}_{where}"] = result_parts(screen, t)
                if name == "five_held":
                    picture = f"many_items_{key}_{where}_{tag(args, app)}"
                    yield from screenshot(app, out, args, picture)


def money_lines_script(app: Any, intents: Any, args: dict, out: dict) -> Any:
    """Every text that names an amount of money, laid out by Kivy in the screens' font at every
    width from 200 to 800 px: where a line ends on a number and the next begins with its unit;
    and the no-break space drawn as a space is (no box for a missing glyph)."""
    from kivy.core.text import Label as CoreLabel

    from kiosk.ui.i18n import Translator
    from tests.ui.scripts import frames

    yield frames(1)
    out.update(texts={}, splits={})
    for language in ("zh", "en"):
        t = Translator(language)
        unit = UNITS[language]
        for key, template in t.catalog.items():
            if not MONEY.search(template):
                continue
            text = t(key, **VALUES)
            out["texts"][f"{key}_{language}"] = text
            for width in range(NARROWEST, 800, 2):
                label = CoreLabel(text=text, font_size=app.font_body, text_size=(width, None))
                label.refresh()
                lines = ["".join(w.text for w in line.words) for line in label._cached_lines]
                for line, after in zip(lines, lines[1:], strict=False):
                    if re.search(r"\d\s*$", line) and after.lstrip().startswith(unit):
                        out["splits"].setdefault(f"{key}_{language}", []).append(width)
    drawn = []
    for text in ("15 币", "15\u00a0币", "15 coins", "15\u00a0coins"):
        label = CoreLabel(text=text, font_size=app.font_body)
        label.refresh()
        drawn.append([list(label.texture.size), label.texture.pixels])
    out["nbsp_drawn_as_space"] = [drawn[0] == drawn[1], drawn[2] == drawn[3]]


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

    scripts.SCRIPTS["technician_failures"] = technician_failures_script
    scripts.SCRIPTS["long_names"] = long_names_script
    scripts.SCRIPTS["money_lines"] = money_lines_script
    scripts.SCRIPTS["many_items"] = many_items_script
    sys.exit(scenarios.main(name, args))

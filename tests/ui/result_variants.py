"""Every way a visit can end, as the core builds its result (kiosk/core/shopping.py `_result`),
rendered on the result screen in both languages: what each shows, for
tests/ui/test_result_variants.py to read for raw keys and contradictions, and a PNG of each to
look at. Run as `python -m tests.ui.result_variants '{"out": DIR, "size": [800, 480]}'` (the
scenario runner of tests/ui/scenarios.py, with this script added to it).
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import replace
from typing import Any

from kiosk.core.shopping import _result
from kiosk.core.steps import VendStep
from kiosk.core.view import CartLine, ItemResult, KioskView, Offer, SessionState, VendView

PHONE = "010-6543 2100"
WATER = CartLine("water", "矿泉水", "Bottled water", 20)
TISSUES = CartLine("tissues", "纸巾", "Tissues", 15)
OIL = CartLine("oil", "食用油", "Cooking oil", 60)
OFFERS = tuple(
    Offer(line.sku, line.name_zh, line.name_en, line.price, 2, locker, True)
    for line, locker in ((WATER, "0:2"), (TISSUES, "0:1"), (OIL, "0:6"))
)
BALANCE = 120

# What one item's vend can end with: (translation key, handed out, coins still held).
OUTCOMES = {
    "taken": ("result.taken", True, False),
    "jammed": ("result.jammed", False, False),
    "not_opened": ("result.no_coins_taken", False, False),
    "not_taken": ("result.not_taken", False, False),
    "awaiting_count": ("result.awaiting_count", False, True),
    "unlock_unknown": ("result.unlock_unknown", False, True),
    "not_tried": ("result.not_tried", False, False),
    "insufficient_funds": ("error.insufficient_funds", False, False),
    "price_changed": ("error.price_changed", False, False),
    "ledger_unreachable": ("error.ledger_unreachable", False, False),
    "sold_out": ("error.sold_out", False, False),
    "unknown": ("error.unknown", False, False),
    "unlock_failed": ("error.unlock_failed", False, False),
}
LINES = (WATER, TISSUES, OIL)


def item(line: CartLine, outcome: str) -> ItemResult:
    key, handed_out, held = OUTCOMES[outcome]
    return ItemResult(
        line.sku, line.name_zh, line.name_en, line.price, "0:2", handed_out, key, held
    )


def variant(*outcomes: str, retry: bool = False) -> KioskView:
    """The result view of a cart whose items ended as `outcomes`, balance as the ledger has it."""
    items = [item(line, o) for line, o in zip(LINES, outcomes, strict=False)]
    charged = sum(i.price for i in items if i.handed_out)
    held = sum(i.price for i in items if i.held)
    elsewhere = ((WATER,), "0:4") if retry else ((), "")
    result = _result(items, BALANCE - charged - held, elsewhere)
    return KioskView(
        state=SessionState.RESULT,
        member_name="王秀英",
        balance=BALANCE - charged - held,
        offers=OFFERS,
        result=result,
        help_phone=PHONE,
    )


VARIANTS: dict[str, KioskView] = {
    **{f"one_{name}": variant(name) for name in OUTCOMES if name != "not_tried"},
    "one_jammed_retry": variant("jammed", retry=True),
    "all_taken": variant("taken", "taken", "taken"),
    "partial_jammed": variant("taken", "jammed"),
    "partial_jammed_retry": variant("jammed", "taken", retry=True),
    "partial_not_taken": variant("taken", "not_taken", "taken"),
    "partial_held": variant("taken", "awaiting_count", "not_tried"),
    "partial_unknown": variant("taken", "unlock_unknown", "not_tried"),
    "none_mixed": variant("jammed", "not_taken", "sold_out"),
    "none_held": variant("not_taken", "awaiting_count", "not_tried"),
    "none_ledger": variant("ledger_unreachable", "not_tried", "not_tried"),
    "no_phone": replace(variant("jammed"), help_phone=""),
}


BROWSING = KioskView(
    state=SessionState.BROWSING,
    member_name="王秀英",
    balance=BALANCE,
    offers=OFFERS,
    cart=(WATER,),
    help_phone=PHONE,
)
AT_DOOR = replace(TISSUES, charge_on_open=True)
# The other screens issue 15 changed: the promise before a door opens, "need more time?", and
# the help line out of service. Each: (view, the screen that shows it).
OTHER_VIEWS: dict[str, tuple[KioskView, str]] = {
    "confirm_mixed": (
        replace(BROWSING, state=SessionState.CONFIRMING, cart=(AT_DOOR, WATER)),
        "confirm",
    ),
    "confirm_at_door": (
        replace(BROWSING, state=SessionState.CONFIRMING, cart=(AT_DOOR,)),
        "confirm",
    ),
    "vending_before_open": (
        replace(
            BROWSING,
            state=SessionState.VENDING,
            busy=True,
            cart=(),
            vend=VendView(
                "tissues", "纸巾", "Tissues", 15, "0:1", VendStep.UNLOCKING, charge_on_open=True
            ),
        ),
        "vending",
    ),
    "countdown_catalog": (replace(BROWSING, ends_in=10.0), "catalog"),
    "countdown_result": (replace(VARIANTS["one_taken"], ends_in=10.0), "result"),
    "out_of_service": (
        KioskView(
            state=SessionState.OUT_OF_SERVICE, out_of_service="oos.lockboard", help_phone=PHONE
        ),
        "out_of_service",
    ),
}


def label_texts(root: Any) -> list[str]:
    from kivy.uix.label import Label

    return [
        w.text
        for w in root.walk(restrict=True)
        if isinstance(w, Label) and w.text and w.opacity > 0
    ]


def texts(screen: Any) -> dict[str, Any]:
    """What the result screen shows, part by part."""
    ids = screen.ids
    return {
        "heading": ids.heading.text,
        "message": ids.message.text,
        "items": [w.text for w in reversed(ids.item_list.children)],
        "money": ids.balance.text,
        "next": ids.next_step.text,
        "buttons": [b.text for b in (ids.done, ids.retry) if b.opacity > 0 and not b.disabled],
    }


def dropped_lines(root: Any) -> list[str]:
    """Labels under `root` that show fewer lines than their text has: Kivy leaves out a line
    that does not fit a label's height whole (a line gone, not a part of one cut off)."""
    from kivy.core.text import Label as CoreLabel
    from kivy.uix.label import Label

    problems = []
    for w in root.walk(restrict=True):
        if not isinstance(w, Label) or not w.text or w.opacity == 0 or w.width <= 1:
            continue
        w.texture_update()
        shown = len(w._label._cached_lines)
        whole = CoreLabel(
            text=w.text,
            font_size=w.font_size,
            font_name=w.font_name,
            bold=w.bold,
            text_size=(w.text_size[0], None),
            halign=w.halign,
            padding=w.padding,
        )
        whole.refresh()
        if shown < len(whole._cached_lines):
            problems.append(f"{w.text!r}: {shown} of {len(whole._cached_lines)} lines shown")
    return problems


def off_screen(root: Any) -> list[str]:
    """Shown labels that are not wholly inside the window: a layout taller than the screen."""
    from kivy.core.window import Window
    from kivy.uix.label import Label

    problems = []
    for w in root.walk(restrict=True):
        if not isinstance(w, Label) or not w.text or w.opacity == 0 or w.height <= 1:
            continue
        x, y = w.to_window(w.x, w.y)
        if y < -1 or y + w.height > Window.height + 1:
            problems.append(f"{w.text!r} is off the screen (y {y:.0f}..{y + w.height:.0f})")
    return problems


def show_results(
    app: Any,
    views: dict[str, Any],
    language: str,
    args: dict,
    out: dict,
    prefix: str,
    expected: Callable[[Any], dict[str, Any]],
    extra: Callable[[Any], Any] | None = None,
) -> Any:
    """Each of `views` on the result screen in `language`: into `out` its texts ("shown"), the
    labels cut off, dropped or off the screen ("overflow"), what its ResultView says
    (`expected`), what `extra` measures of the screen ("geometry") and, given args["out"], a PNG
    named `prefix`_NAME_LANGUAGE_SIZE.png ("files")."""
    from kiosk.ui.screenshot import take_screenshot
    from kiosk.ui.testing import overflowing_labels
    from tests.ui.scripts import frames

    width, height = args["size"]
    tag = f"{width}x{height}" + ("_large" if args.get("large") else "")
    for name, view in views.items():
        app.post(view)
        yield frames(3)
        key = f"{name}_{language}"
        screen = app.screens.current_screen
        out["shown"][key] = {"screen": app.screens.current, **texts(screen)}
        out["overflow"][key] = (
            overflowing_labels(screen) + dropped_lines(screen) + off_screen(screen)
        )
        if extra is not None:
            out["geometry"][key] = extra(screen)
        assert view.result is not None
        out["expected"][key] = expected(view)
        if args.get("out"):
            path = os.path.join(args["out"], f"{prefix}_{key}_{tag}.png")
            saved: list[str] = []
            take_screenshot(path, saved.append)
            yield lambda saved=saved: bool(saved)
            out["files"][key] = saved[0]


def expected_result(view: Any) -> dict[str, Any]:
    r = view.result
    return {
        "ok": r.ok,
        "charged": r.charged,
        "held": r.held,
        "balance": r.balance,
        "items": [[i.price, i.handed_out, i.held] for i in r.items],
        "retry": bool(r.retry),
        "phone": view.help_phone,
    }


def result_variants_script(app: Any, intents: Any, args: dict, out: dict) -> Any:
    """Each variant in each language: its texts, the labels cut off, and a PNG."""
    from kiosk.ui.screenshot import take_screenshot
    from kiosk.ui.testing import overflowing_labels
    from tests.ui.scripts import frames

    width, height = args["size"]
    tag = f"{width}x{height}" + ("_large" if args.get("large") else "")
    out.update(shown={}, overflow={}, files={}, expected={})
    for language in ("zh", "en"):
        app.set_language(language)
        yield from show_results(app, VARIANTS, language, args, out, "result", expected_result)
        for name, (view, _screen) in OTHER_VIEWS.items():
            # A copy: each time the core asks for more time it publishes a new view.
            view = replace(view)
            app.post(view)
            yield frames(3)
            key = f"{name}_{language}"
            screen = app.screens.current_screen
            if view.ends_in is not None:
                first = screen._timeout_prompt.left_text
                yield 1.6  # the countdown ticks every 0.25 s
                out.setdefault("countdown", {})[key] = [first, screen._timeout_prompt.left_text]
            # Under "need more time?" only the question is this test's (the screen beneath it
            # has tests of its own).
            mine = screen._timeout_prompt if view.ends_in is not None else screen
            out.setdefault("other", {})[key] = {
                "screen": app.screens.current,
                "texts": label_texts(mine),
                "overflow": overflowing_labels(mine) + dropped_lines(mine) + off_screen(mine),
            }
            if args.get("out"):
                path = os.path.join(args["out"], f"{key}_{tag}.png")
                saved = []
                take_screenshot(path, saved.append)
                yield lambda saved=saved: bool(saved)


if __name__ == "__main__":
    import json
    import sys

    from tests.ui import scenarios  # sets up the headless window's environment only

    args = json.loads(sys.argv[1])
    from kivy.config import Config

    # Before the scripts' imports make the window (scenarios.main sets these too late for that).
    Config.set("graphics", "width", str(args["size"][0]))
    Config.set("graphics", "height", str(args["size"][1]))
    from tests.ui import scripts

    scripts.SCRIPTS["result_variants"] = result_variants_script
    sys.exit(scenarios.main("result_variants", args))

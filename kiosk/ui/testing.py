"""Helpers to drive the UI from tests and the scripted demo: find widgets, tap, run a script.

A script is a generator run on the Kivy clock (see `drive`); it yields seconds to wait, or a
callable that returns True when the script may go on (checked every frame). Example:

    def visit(app):
        app.post(view)
        yield lambda: settled(app)
        tap(find_offer_button(app, "water"))
        yield 0.5
        done = []
        take_screenshot("/tmp/catalog.png", done.append)
        yield lambda: bool(done)
        app.stop()

    drive(visit(app))
    app.run()
"""

from __future__ import annotations

import re
from collections.abc import Callable, Generator, Iterator
from typing import Any

from kivy.app import App
from kivy.base import EventLoop
from kivy.clock import Clock
from kivy.core.text import Label as CoreLabel
from kivy.input.motionevent import MotionEvent
from kivy.uix.behaviors import ButtonBehavior
from kivy.uix.label import Label
from kivy.uix.screenmanager import Screen
from kivy.uix.widget import Widget

from kiosk.ui.screens.catalog import OfferButton

Step = float | Callable[[], bool]


class Finger(MotionEvent):
    """One touch on the screen, dispatched through Kivy's event loop as a touch driver's is
    (kivy.tests.common.UnitTestTouch does the same, but importing it loads pytest, which a
    kiosk installed for `kiosk demo` does not have)."""

    def __init__(self, x: float, y: float) -> None:
        win = EventLoop.window
        args = {"x": x / (win.width - 1.0), "y": y / (win.height - 1.0)}
        super().__init__("finger", 1, args, is_touch=True, type_id="touch")
        self.profile = ["pos"]

    def depack(self, args: dict[str, float]) -> None:
        self.sx, self.sy = args["x"], args["y"]
        super().depack(args)


def find_widget(root: Widget, predicate: Callable[[Widget], bool]) -> Widget | None:
    """The first widget under `root` (itself included) for which `predicate` is true."""
    for widget in root.walk(restrict=True):
        if predicate(widget):
            return widget
    return None


def screen(app: App, name: str) -> Screen:
    """One of the app's screens by its registry name ("attract", "catalog", ...)."""
    return app.screens.get_screen(name)


def find_offer_button(app: App, sku: str) -> OfferButton:
    """The catalog's button for `sku`. Raises LookupError when the catalog does not show it."""
    catalog = screen(app, "catalog")
    button = find_widget(catalog, lambda w: isinstance(w, OfferButton) and w.sku == sku)
    if button is None:
        raise LookupError(f"the catalog shows no item {sku!r} (on this page)")
    return button


def show_offer(app: App, sku: str) -> OfferButton:
    """The catalog's button for `sku`, turning the catalog's pages (as its next-page button
    does) until it shows. Raises LookupError when no page has it."""
    catalog = screen(app, "catalog")
    for _page in range(max(1, catalog.pages)):
        try:
            return find_offer_button(app, sku)
        except LookupError:
            last = catalog.page >= catalog.pages - 1
            catalog.turn_page(-catalog.pages if last else 1)
    return find_offer_button(app, sku)


def find_done_button(app: App) -> Widget:
    """The result screen's big Finish button."""
    return screen(app, "result").ids.done


def find_cancel_button(app: App) -> Widget:
    """The catalog's Exit button."""
    return screen(app, "catalog").ids.cancel


def button(app: App, screen_name: str, widget_id: str) -> Widget:
    """A screen's widget by its kv id, e.g. button(app, "confirm", "confirm")."""
    return screen(app, screen_name).ids[widget_id]


def pin_key(app: App, digit: str) -> Widget:
    """The PIN pad's key for one digit."""
    pad = screen(app, "pin_pad").ids.keypad
    key = find_widget(pad, lambda w: isinstance(w, ButtonBehavior) and w.text == digit)
    if key is None:
        raise LookupError(f"the PIN pad has no key {digit!r}")
    return key


def touch_targets(root: Widget) -> list[tuple[str, float, float]]:
    """(description, width, height) of every button a member can tap now under `root`."""
    found = []
    for w in root.walk(restrict=True):
        if isinstance(w, ButtonBehavior) and not w.disabled and w.opacity > 0 and w.width > 0:
            name = getattr(w, "text", "") or getattr(w, "sku", "") or type(w).__name__
            found.append((f"{type(w).__name__} {name!r}", float(w.width), float(w.height)))
    return found


def overflowing_labels(root: Widget) -> list[str]:
    """Labels under `root` whose text needs more room than the label has: it would be cut off."""
    problems = []
    for w in root.walk(restrict=True):
        if not isinstance(w, Label) or not w.text or w.opacity == 0 or w.width <= 1:
            continue
        left, top, right, bottom = w.padding
        room_w, room_h = w.width - left - right, w.height - top - bottom
        core = CoreLabel(
            text=w.text,
            font_size=w.font_size,
            font_name=w.font_name,
            bold=w.bold,
            outline_width=w.outline_width,
            text_size=(room_w, None),
            halign=w.halign,
        )
        core.refresh()
        need_w, need_h = core.texture.size
        # A line box is taller than its glyphs: a part of a line past the edge shows nothing.
        line_h = need_h / max(1, len(core._cached_lines))
        if need_h > room_h + 0.4 * line_h or need_w > room_w + 1:
            problems.append(
                f"{w.text!r} needs {need_w:.0f}x{need_h:.0f} px, has {room_w:.0f}x{room_h:.0f}"
            )
        elif broken := _broken_word(w.text, core._cached_lines):
            problems.append(f"{w.text!r}: the word {broken!r} is broken across lines")
        elif _lines_shown(w) < len(core._cached_lines):
            # Kivy drops a last line that would fit but for its own margin: cut off as well.
            problems.append(f"{w.text!r}: its last line is dropped in {room_w:.0f}x{room_h:.0f}")
    return problems


def _broken_word(text: str, lines: list[Any]) -> str | None:
    """A Latin word the wrapping broke across two lines, shown as "Remov/e"; or None. Only
    between two ASCII letters: Chinese text may break between any two characters."""
    pos = 0
    for line in lines[:-1]:
        shown = "".join(word.text for word in line.words)
        start = text.find(shown, pos)
        if start < 0:
            return None  # not the text as given: where the line ends cannot be told
        pos = start + len(shown)
        if 0 < pos < len(text) and _LATIN.fullmatch(text[pos - 1 : pos + 1]):
            head = re.search(r"[A-Za-z]+$", text[:pos])
            tail = re.match(r"[A-Za-z]+", text[pos:])
            return f"{head.group() if head else ''}/{tail.group() if tail else ''}"
    return None


_LATIN = re.compile(r"[A-Za-z]{2}")


def smallest_text(root: Widget, px_per_mm: float) -> tuple[str, float] | None:
    """The shown label under `root` whose characters are the shortest on the physical screen:
    (its text, the ink height in mm of a full ideograph at its font size and weight)."""
    from kiosk.ui.fonts import ink_height

    found: tuple[str, float] | None = None
    for w in root.walk(restrict=True):
        if not isinstance(w, Label) or not w.text.strip() or w.opacity == 0 or w.width <= 1:
            continue
        if any(p.opacity == 0 for p in _parents(w)):
            continue
        mm = ink_height(w.font_size, w.bold) / px_per_mm
        if found is None or mm < found[1]:
            found = (w.text, round(mm, 2))
    return found


def _parents(w: Widget) -> Iterator[Widget]:
    while w.parent is not None and w.parent is not w:
        w = w.parent
        yield w


def _lines_shown(w: Label) -> int:
    """How many lines the label really drew (its own core label's layout)."""
    w.texture_update()
    return len(getattr(w._label, "_cached_lines", ()))


def find_language_button(app: App) -> Widget:
    """The attract screen's language switch."""
    return screen(app, "attract").ids.language


def settled(app: App) -> bool:
    """True when the app shows its latest posted view and no screen change is under way.

    The ScreenManager ignores touches during a screen change (even NoTransition's frame or
    two), so a script waits for this before tapping: `yield lambda: settled(app)`.
    """
    manager = getattr(app, "screens", None)
    if manager is None or getattr(app, "_pending", None) is not None:
        return False
    return not manager.transition.is_active


def tap(widget: Widget) -> None:
    """Touch the centre of `widget` and lift the finger, as a member would."""
    x, y = widget.to_window(*widget.center)
    finger = Finger(x, y)
    EventLoop.post_dispatch_input("begin", finger)
    EventLoop.post_dispatch_input("end", finger)


def drive(script: Iterator[Step] | Generator[Step, Any, Any]) -> None:
    """Run `script` on the Kivy clock, one step at a time, while the app runs."""

    def advance(_dt: float = 0) -> None:
        try:
            step = next(script)
        except StopIteration:
            return
        if callable(step):
            wait_until(step)
        else:
            Clock.schedule_once(advance, float(step))

    def wait_until(condition: Callable[[], bool]) -> None:
        def poll(_dt: float) -> bool:
            if condition():
                advance()
                return False
            return True

        Clock.schedule_interval(poll, 0)

    Clock.schedule_once(advance, 0)

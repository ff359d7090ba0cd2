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

from collections.abc import Callable, Generator, Iterator
from typing import Any

from kivy.app import App
from kivy.clock import Clock
from kivy.tests.common import UnitTestTouch
from kivy.uix.screenmanager import Screen
from kivy.uix.widget import Widget

from kiosk.ui.screens.catalog import OfferButton

Step = float | Callable[[], bool]


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


def find_done_button(app: App) -> Widget:
    """The result screen's big Finish button."""
    return screen(app, "result").ids.done


def find_cancel_button(app: App) -> Widget:
    """The catalog's Exit button."""
    return screen(app, "catalog").ids.cancel


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
    touch = UnitTestTouch(x, y)
    touch.touch_down()
    touch.touch_up()


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

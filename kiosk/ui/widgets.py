"""Widgets shared by the screens: wrapped labels, big buttons, the notice line, the cabinet."""

from __future__ import annotations

import logging
from pathlib import Path

from kivy.app import App
from kivy.clock import Clock
from kivy.core.text import Label as CoreLabel
from kivy.graphics import Color, Line, Rectangle
from kivy.lang import Builder
from kivy.metrics import dp
from kivy.properties import (
    BooleanProperty,
    ListProperty,
    NumericProperty,
    OptionProperty,
    StringProperty,
)
from kivy.uix.behaviors import ButtonBehavior
from kivy.uix.label import Label
from kivy.uix.widget import Widget

from kiosk.ui import theme
from kiosk.ui.lockers import grid_shape

log = logging.getLogger(__name__)

SPIN_DEGREES_PER_S = 300


def word_width(text: str, font_size: float, bold: bool) -> float:
    """The width in pixels of `text` on one line in the default font."""
    if not text:
        return 0.0
    return float(CoreLabel(font_size=font_size, bold=bold).get_extents(text)[0])


def text_height(text: str, font_size: float, width: float) -> float:
    """The height in pixels of `text` wrapped at `width` px in the default font."""
    if not text or width <= 1:
        return 0.0
    label = CoreLabel(text=text, font_size=font_size, text_size=(width, None))
    label.refresh()
    return float(label.texture.size[1])


def click() -> None:
    """Play the app's click sound hook, if it has one; a failing hook never breaks a tap."""
    app = App.get_running_app()
    hook = getattr(app, "on_click", None)
    if hook is None:
        return
    try:
        hook()
    except Exception:
        log.exception("the click sound hook failed")


class ClickSound:
    """Mixin for ButtonBehavior widgets: each press plays the click hook."""

    def on_press(self) -> None:
        click()


class KioskLabel(Label):
    """Text that wraps inside its box, centred, in the theme's text colour. One that `wraps`
    breaks its text at its width only and is drawn whole, centred: its kv may then bind a
    minimum height to its texture_size without a loop (widgets.kv)."""

    wraps = BooleanProperty(False)


class KioskButton(ClickSound, ButtonBehavior, Label):
    """A big rounded button: at least one touch target in each direction."""

    bg_color = ListProperty(theme.PRIMARY)
    pressed_color = ListProperty(theme.PRIMARY_PRESSED)


class Badge(Label):
    """A short amber mark on an item: "in your cart", "best before soon"."""


class NoticeLine(Label):
    """One line of status: an error notice, a 'please wait', an instruction, or nothing. One
    that `wraps` (the technician's) breaks its text at its width, and its screen's kv makes it
    as tall as its lines: `height: max(..., self.texture_size[1])`."""

    kind = OptionProperty("none", options=["none", "plain", "error", "busy", "action", "ok"])
    angle = NumericProperty(0)  # of the busy spinner, turning while kind is "busy"
    wraps = BooleanProperty(False)
    spin_room = NumericProperty(0)  # the busy spinner's square at the left (widgets.kv)

    def __init__(self, **kwargs: object) -> None:
        self._spin = Clock.create_trigger(self._turn, 1 / 30, interval=True)
        super().__init__(**kwargs)

    def show(self, text: str | None, kind: str = "plain") -> None:
        self.text = text or ""
        self.kind = kind if text else "none"

    def on_kind(self, _w: object, kind: str) -> None:
        # A turning spinner says "still working", so a slow ledger never looks like a frozen screen.
        if kind == "busy":
            self._spin()
        else:
            self._spin.cancel()

    def _turn(self, dt: float) -> None:
        self.angle = (self.angle + SPIN_DEGREES_PER_S * dt) % 360


class CabinetView(Widget):
    """The cabinet drawn as a grid of locker doors; the open one is highlighted in amber."""

    doors = ListProperty([])  # the number printed on each door, in cabinet order
    open_door = StringProperty("")
    font_size = NumericProperty(24)

    def __init__(self, **kwargs: object) -> None:
        super().__init__(**kwargs)
        self.bind(pos=self._redraw, size=self._redraw, doors=self._redraw, open_door=self._redraw)
        self.bind(font_size=self._redraw)

    def _redraw(self, *_args: object) -> None:
        self.canvas.clear()
        if not self.doors or self.width <= 1 or self.height <= 1:
            return
        frame = dp(10)
        gap = dp(6)
        cols, rows = grid_shape(len(self.doors), self.width / self.height)
        cell_w = (self.width - 2 * frame - (cols - 1) * gap) / cols
        cell_h = (self.height - 2 * frame - (rows - 1) * gap) / rows
        with self.canvas:
            Color(*theme.CABINET_BODY)
            Rectangle(pos=self.pos, size=self.size)
            for i, door in enumerate(self.doors):
                col, row = i % cols, i // cols
                x = self.x + frame + col * (cell_w + gap)
                y = self.top - frame - (row + 1) * cell_h - row * gap
                is_open = door == self.open_door
                Color(*(theme.LOCKER_OPEN if is_open else theme.LOCKER_CLOSED))
                Rectangle(pos=(x, y), size=(cell_w, cell_h))
                Color(*theme.TEXT)
                Line(rectangle=(x, y, cell_w, cell_h), width=dp(4) if is_open else dp(1))
                self._draw_number(door, x, y, cell_w, cell_h, bold=is_open)

    def _draw_number(self, text: str, x: float, y: float, w: float, h: float, bold: bool) -> None:
        size = min(self.font_size * (1.4 if bold else 1.0), h * 0.6, w * 0.5)
        label = CoreLabel(text=text, font_size=size, bold=bold, color=theme.LOCKER_TEXT)
        label.refresh()
        tex = label.texture
        Color(1, 1, 1, 1)
        pos = (x + (w - tex.width) / 2, y + (h - tex.height) / 2)
        Rectangle(texture=tex, size=tex.size, pos=pos)


Builder.load_file(str(Path(__file__).with_suffix(".kv")))

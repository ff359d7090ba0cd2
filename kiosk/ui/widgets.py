"""Widgets shared by the screens: wrapped labels, big buttons, the notice line, the cabinet."""

from __future__ import annotations

import logging
import re
from functools import lru_cache, partial
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
from kiosk.ui.item_lines import longest_fitting, name_forms
from kiosk.ui.lockers import grid_shape

log = logging.getLogger(__name__)

SPIN_DEGREES_PER_S = 300
# Where a NameLabel's `template` puts the item's name (U+FFFC, the object replacement character).
ITEM = "\ufffc"
# A word with Latin letters in it: Kivy breaks a run without a plain space that is wider than a
# line inside itself ("Wholegrai/n"), which reads as two words.
LATIN = re.compile(r"[A-Za-z]")


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


@lru_cache(maxsize=64)
def line_height(font_size: float, bold: bool = False) -> float:
    """The height in pixels of one line of text in the default font: what Kivy gives each line
    of a label (its texture is this times its lines)."""
    return float(CoreLabel(font_size=font_size, bold=bold).get_extents("国Ag")[1])


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


class NameLabel(KioskLabel):
    """An item's name, and the words its line says around it (`template`, the name at ITEM:
    "ITEM × 2：40 币"), wrapped in at most `most_lines` lines, as many as the label's height
    holds (`grows`: as many as `most_lines`, the label's height following its text). A name still
    too long is shortened with "…" (kiosk/ui/item_lines.py `name_forms`: a count keeps its
    unit), so no line is left out or drawn past the label's edges, no glyph cut in half, and
    no word of Latin letters is broken inside itself. `text` is what is shown; set `name`."""

    name = StringProperty("")
    template = StringProperty(ITEM)
    most_lines = NumericProperty(2)
    grows = BooleanProperty(False)

    def __init__(self, **kwargs: object) -> None:
        self._refit = Clock.create_trigger(self.refit, -1)
        super().__init__(**kwargs)
        for name in ("name", "template", "most_lines", "grows", "size", "font_size", "bold"):
            self.fbind(name, self._refit)
        self.fbind("font_name", self._refit)
        self.fbind("padding", self._refit)

    def lines_allowed(self) -> int:
        """The lines the name may take: `most_lines`, fewer where the label is not that tall."""
        if self.grows:
            return max(1, int(self.most_lines))
        room = self.height - self.padding[1] - self.padding[3]
        fit = int((room + 1) // line_height(self.font_size, self.bold))
        return max(1, min(int(self.most_lines), fit))

    def laid_out(self, text: str) -> tuple[int, float]:
        """The lines `text` takes at the label's width, and their height."""
        core = CoreLabel(
            text=text,
            font_size=self.font_size,
            font_name=self.font_name,
            bold=self.bold,
            outline_width=self.outline_width,
            text_size=(self.width - self.padding[0] - self.padding[2], None),
            halign=self.halign,
        )
        core.refresh()
        return len(core._cached_lines), float(core.texture.size[1])

    def fits(self, text: str, lines: int) -> bool:
        """Whether `text` shows whole in the label: in `lines` lines, within its height (unless
        it grows), no word of Latin letters wider than a line (Kivy would break it)."""
        room_w = self.width - self.padding[0] - self.padding[2]
        room_h = self.height - self.padding[1] - self.padding[3]
        words = [w for w in text.split(" ") if LATIN.search(w)]
        if any(word_width(w, self.font_size, self.bold) > room_w for w in words):
            return False
        taken, height = self.laid_out(text)
        return taken <= lines and (self.grows or height <= room_h + 1)

    def refit(self, *_args: object) -> None:
        """Set `text`: the line with the whole name if it fits, else with the longest shortened
        name that does. A label that grows gives the line at least the lines its other words
        take with the shortest name ("T… × 1：15 币（开门就扣）")."""
        template = self.template

        def line_of(name: str) -> str:
            return template.replace(ITEM, name)

        if not self.name or self.width - self.padding[0] - self.padding[2] <= 1:
            self.text = line_of(self.name)
            return
        lines = self.lines_allowed()
        if self.grows:
            lines = max(lines, self.laid_out(line_of(name_forms(self.name)[-1]))[0])
        self.text = longest_fitting(self.name, line_of, partial(self.fits, lines=lines))


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

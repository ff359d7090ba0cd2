"""The cart and confirm screen (CONFIRMING): what is in the cart, the total, the balance after;
take one out, go back, or confirm. No coin moves before Confirm.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from kivy.app import App
from kivy.clock import Clock
from kivy.lang import Builder
from kivy.properties import NumericProperty, StringProperty
from kivy.uix.boxlayout import BoxLayout
from kivy.uix.widget import Widget

from kiosk.core.view import CartLine, KioskView, MemberIntents
from kiosk.ui import widgets  # noqa: F401  (registers the shared widgets' kv rules)
from kiosk.ui.i18n import Translator
from kiosk.ui.item_names import shown_name
from kiosk.ui.screens.base import GridCells, KioskScreen
from kiosk.ui.widgets import ITEM, line_height, text_height

# Rows of cart lines the screen has room for; five kinds of item go in two columns.
CART_ROWS = 3
ROW_LINES = 2  # an item's line wraps onto a second line, then its name is shortened with "…"


class CartRow(BoxLayout):
    """One kind of item in the cart: name, how many, their price, and a button to take one out.
    `text` is the whole line; the row shows `template` with `name` in it, fitted (NameLabel)."""

    sku = StringProperty("")
    text = StringProperty("")
    name = StringProperty("")
    template = StringProperty(ITEM)
    name_lines = NumericProperty(ROW_LINES)  # the lines its words may take (fit_rows)
    remove_text = StringProperty("")

    __events__ = ("on_remove",)

    def on_remove(self) -> None:
        pass


def group_cart(cart: tuple[CartLine, ...]) -> list[tuple[CartLine, int]]:
    """The cart's lines grouped by item, in the order each was first added: (line, count)."""
    groups: dict[str, list[CartLine]] = {}
    for line in cart:
        groups.setdefault(line.sku, []).append(line)
    return [(lines[0], len(lines)) for lines in groups.values()]


def hint_key(cart: tuple[CartLine, ...]) -> str:
    """What the member is promised before any door opens: only items taken are charged, or
    (where the locker cannot tell one taken from none) the door's opening is the hand-out."""
    at_door = [line.charge_on_open for line in cart]
    if at_door and all(at_door):
        return "confirm.hint_open"
    return "confirm.hint_mixed" if any(at_door) else "confirm.hint"


def items_below(scroll: Widget, counts: dict[str, int]) -> int:
    """Items in the cart rows that end below the bottom of `scroll`'s view (not wholly shown)."""
    bottom = scroll.to_window(scroll.x, scroll.y)[1]
    below = 0
    for row in scroll.walk(restrict=True):
        shown = isinstance(row, CartRow) and row.sku in counts
        if shown and row.to_window(row.x, row.y)[1] < bottom - 1:
            below += counts[row.sku]
    return below


class ConfirmScreen(KioskScreen):
    intents: MemberIntents

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self._rows = GridCells(self._new_row, BoxLayout)
        self._counts: dict[str, int] = {}  # items in the cart by SKU, as the rows show them
        self._t: Translator | None = None
        self.ids.column.bind(width=self._size_status)
        self.ids.status.bind(text=self._size_status, font_size=self._size_status)
        # Counted once the layout has placed the rows, and again as the member scrolls.
        self._count_more = Clock.create_trigger(self._show_more)
        self.ids.scroll.bind(scroll_y=self._count_more, height=self._count_more)
        self.ids.lines.bind(height=self._count_more)
        self._fit_rows = Clock.create_trigger(self.fit_rows, -1)
        self.ids.scroll.bind(height=self._fit_rows)
        self.ids.more.bind(height=self._fit_rows, opacity=self._fit_rows)

    def render(self, view: KioskView, t: Translator) -> None:
        super().render(view, t)
        ids = self.ids
        ids.back.text = t("common.back")
        ids.confirm.text = t("confirm.confirm")
        ids.confirm.disabled = view.busy or not view.cart
        ids.total.text = t("confirm.total", total=view.cart_total)
        after = view.balance_after
        ids.after.text = "" if after is None else t("confirm.after", balance=after)
        if view.notice:
            ids.status.show(t(view.notice), "error")
        elif view.busy:
            ids.status.show(t("common.wait"), "busy")
        elif after is not None and after < 0:
            ids.status.show(t("error.insufficient_funds"), "error")
        else:
            ids.status.show(t(hint_key(view.cart)), "plain")
        grid = ids.lines
        groups = group_cart(view.cart)
        self._counts = {line.sku: count for line, count in groups}
        self._t = t
        large = bool(getattr(App.get_running_app(), "large_text", False))
        self._place_status(large)
        if large:
            # Elder mode's 6 mm text: one full-width row per item, scrolled when more than fit.
            rows = self._rows.lay_out(grid, len(groups), 0, 1)
        else:
            cols = 1 if len(groups) <= CART_ROWS else 2
            # Rows keep one height; empty places fill the grid so a short cart is not stretched.
            rows = self._rows.lay_out(grid, len(groups), CART_ROWS * cols - len(groups), cols)
        for row, (line, count) in zip(rows, groups, strict=True):
            name = shown_name(line, t)
            row.sku = line.sku
            at_door = any(c.charge_on_open for c in view.cart if c.sku == line.sku)
            key = "confirm.line_open" if at_door else "confirm.line"
            row.text = t(key, item=name, count=count, price=line.price * count)
            row.template = t(key, item=ITEM, count=count, price=line.price * count)
            row.name = name
            row.remove_text = t("confirm.remove")
        self.fit_rows()
        self._count_more()

    def fit_rows(self, *_args: object) -> None:
        """The lines each row's words may take: two; in elder mode, where the scrolled view is
        lower than a row of two lines, as many as it shows whole (a row taller than the view
        would never be seen whole). Measured as if the line under the view showed, so the
        lines do not change as it comes and goes."""
        app = App.get_running_app()
        lines = ROW_LINES
        if app is not None and getattr(app, "large_text", False):
            more = self.ids.more
            view = self.ids.scroll.height + (more.height if more.opacity else 0)
            view -= app.font_body * 1.4 + 2 * app.pad
            lines = max(1, min(ROW_LINES, int(view // line_height(app.font_body))))
        for row in self.ids.lines.children:
            if isinstance(row, CartRow):
                row.name_lines = lines

    def _place_status(self, large: bool) -> None:
        """The promise/status line: between Back and Confirm in default mode; in elder mode on
        its own full-width row above them, with room for two lines of its larger text."""
        status, column, buttons = self.ids.status, self.ids.column, self.ids.buttons
        target = column if large else buttons
        if status.parent is not target:
            status.parent.remove_widget(status)
            # Kivy lists children last-added first: index 1 is just before the last (buttons:
            # between Back and Confirm; the column: between the cart lines and the buttons).
            target.add_widget(status, index=1)
        status.size_hint = (1, None) if large else (0.4, 1)
        self._size_status()

    def _size_status(self, *_args: object) -> None:
        """In elder mode, the status row as tall as its words need (two lines where they wrap),
        to leave the cart lines the rest; re-measured when the screen's width is known."""
        status, column = self.ids.status, self.ids.column
        if status.parent is not column:
            return
        pad = status.padding
        room = column.width - column.padding[0] - column.padding[2] - pad[0] - pad[2]
        wide = room > status.font_size * 4
        need = text_height(status.text, status.font_size, room) if wide else 0
        status.height = max(status.font_size * 1.6, need) if need else status.font_size * 2.8

    def _show_more(self, *_args: object) -> None:
        """Elder mode: how many items are in rows below the scrolled view, said under it so a
        member knows to scroll; nothing while every row shows (or in the default mode, whose
        rows always fit)."""
        more_line, scroll, t = self.ids.more, self.ids.scroll, self._t
        large = bool(getattr(App.get_running_app(), "large_text", False))
        # Whether the rows fit in the room the list has without this line: the line itself
        # must not be what pushes a row out of view.
        room = scroll.height + (more_line.height if more_line.opacity else 0)
        overflows = large and self.ids.lines.height > room + 1
        more = items_below(scroll, self._counts) if overflows else 0
        if t is None or not more:
            more_line.text, more_line.height, more_line.opacity = "", 0, 0
            return
        key = "confirm.more_below_one" if more == 1 else "confirm.more_below"
        more_line.text = t(key, count=more)
        width = more_line.width - more_line.padding[0] - more_line.padding[2]
        need = text_height(more_line.text, more_line.font_size, width) if width > 1 else 0
        more_line.height = max(more_line.font_size * 1.4, need)
        more_line.opacity = 1

    def _new_row(self) -> CartRow:
        row = CartRow()
        row.bind(on_remove=self._on_remove)
        return row

    def _on_remove(self, row: CartRow) -> None:
        if self.debounced(f"remove:{row.sku}"):
            self.intents.remove(row.sku)

    def on_back(self) -> None:
        if self.debounced("back"):
            self.intents.back()

    def on_confirm(self) -> None:
        if self.view.cart and self.debounced("confirm"):
            self.intents.confirm()


Builder.load_file(str(Path(__file__).with_suffix(".kv")))

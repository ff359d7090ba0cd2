"""The cart and confirm screen (CONFIRMING): what is in the cart, the total, the balance after;
take one out, go back, or confirm. No coin moves before Confirm.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from kivy.lang import Builder
from kivy.properties import StringProperty
from kivy.uix.boxlayout import BoxLayout

from kiosk.core.view import CartLine, KioskView, MemberIntents
from kiosk.ui import widgets  # noqa: F401  (registers the shared widgets' kv rules)
from kiosk.ui.i18n import Translator
from kiosk.ui.screens.base import GridCells, KioskScreen

# Rows of cart lines the screen has room for; five kinds of item go in two columns.
CART_ROWS = 3


class CartRow(BoxLayout):
    """One kind of item in the cart: name, how many, their price, and a button to take one out."""

    sku = StringProperty("")
    text = StringProperty("")
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


class ConfirmScreen(KioskScreen):
    intents: MemberIntents

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self._rows = GridCells(self._new_row, BoxLayout)

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
            ids.status.show(t("confirm.hint"), "plain")
        grid = ids.lines
        groups = group_cart(view.cart)
        cols = 1 if len(groups) <= CART_ROWS else 2
        # Rows keep one height; empty places fill the grid so a short cart is not stretched.
        rows = self._rows.lay_out(grid, len(groups), CART_ROWS * cols - len(groups), cols)
        for row, (line, count) in zip(rows, groups, strict=True):
            name = line.name_zh if t.language == "zh" else line.name_en
            row.sku = line.sku
            row.text = t("confirm.line", item=name, count=count, price=line.price * count)
            row.remove_text = t("confirm.remove")

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

"""The catalog screen (BROWSING): balance, the items, tap one to put it in the cart, go on to
confirm, or exit.
"""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

from kivy.app import App
from kivy.lang import Builder
from kivy.properties import BooleanProperty, NumericProperty, StringProperty
from kivy.uix.behaviors import ButtonBehavior
from kivy.uix.boxlayout import BoxLayout
from kivy.uix.widget import Widget

from kiosk.core.view import KioskView, MemberIntents, Offer, SessionState
from kiosk.ui import widgets
from kiosk.ui.i18n import Translator
from kiosk.ui.item_names import shown_name
from kiosk.ui.lockers import locker_number
from kiosk.ui.screens.base import GridCells, KioskScreen
from kiosk.ui.widgets import line_height

MAX_COLUMNS = 4
# Items per page, in one row: text at least 4.5 mm tall (6 mm in elder mode, theme.py) on a
# 7-inch 800x480 screen leaves room for one row of cards, of 3 (elder mode: 2): a card's name,
# price, mark and two lines of stock and locker.
PAGE_SIZE = 3
PAGE_SIZE_LARGE_TEXT = 2
NAME_LINES = 2  # an item's name wraps onto a second line, then is shortened with "…"


class OfferButton(widgets.ClickSound, ButtonBehavior, BoxLayout):
    """One item: name, price, stock, locker; marked when in the cart or near its best-before
    date; disabled (greyed, with the reason) when the member cannot have one more."""

    sku = StringProperty("")
    name_text = StringProperty("")
    price_text = StringProperty("")
    detail_text = StringProperty("")
    note_text = StringProperty("")
    mark_text = StringProperty("")
    in_cart = NumericProperty(0)
    affordable = BooleanProperty(True)
    name_lines = NumericProperty(1)  # the lines the name may take (card_name_lines)

    def lines_for_name(self, *args: Any) -> int:
        """card_name_lines, for the card's kv rule."""
        return card_name_lines(*args)


def card_name_lines(
    height: float,
    padding: list[float],
    font_body: float,
    font_small: float,
    spacing: float,
    marked: bool,
    large: bool,
) -> int:
    """The lines of its name a card of `height` px has room for, at most NAME_LINES, at least
    one: what is left once the price (one line), the mark (one line, when shown) and the stock
    and locker (two lines) have theirs. Elder mode's card has the name and price in a column of
    their own."""
    body = line_height(font_body, True)
    small = line_height(font_small, True)
    room = height - padding[1] - padding[3] - body - 2
    if not large:
        room -= 2 * small + (small + spacing * 0.5 if marked else 0)
    return max(1, min(NAME_LINES, int(room // body)))


def offer_note(offer: Offer, cart_full: bool, t: Translator) -> str:
    """Why the member cannot add one more of `offer`, or "" when they can."""
    if offer.stock <= 0:
        return t("catalog.sold_out")
    if not offer.affordable:
        return t("catalog.not_enough")
    if cart_full:
        return t("catalog.cart_full")
    return ""


class CatalogScreen(KioskScreen):
    intents: MemberIntents

    page = NumericProperty(0)
    pages = NumericProperty(1)

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self._t = Translator()
        self._cells = GridCells(self._new_button, Widget)

    def render(self, view: KioskView, t: Translator) -> None:
        if self.view.state not in (SessionState.BROWSING, SessionState.CONFIRMING):
            self.page = 0  # a new visit starts on the first page
        super().render(view, t)
        self._t = t
        ids = self.ids
        ids.hello.text = t("member.hello", name=view.member_name or "")
        balance = view.balance if view.balance is not None else "-"
        ids.balance.text = t("member.balance", balance=balance)
        ids.cancel.text = t("catalog.cancel")
        ids.previous.text = t("catalog.previous")
        ids.next.text = t("catalog.next")
        ids.checkout.text = t("catalog.checkout")
        ids.checkout.disabled = view.busy or not view.cart
        if view.cart:
            ids.cart.text = t("cart.summary", count=len(view.cart), total=view.cart_total)
        else:
            ids.cart.text = t("cart.empty")
        if view.notice:
            ids.status.show(t(view.notice), "error")
        elif view.busy:
            ids.status.show(t("common.wait"), "busy")
        elif not view.offers:
            ids.status.show(t("catalog.empty"), "plain")
        elif view.cart_full:
            ids.status.show(t("catalog.cart_full"), "plain")
        else:
            ids.status.show(t("catalog.prompt"), "plain")
        self._fill_grid(view, t)

    def _fill_grid(self, view: KioskView, t: Translator) -> None:
        offers = view.offers
        grid = self.ids.grid
        large = bool(getattr(App.get_running_app(), "large_text", False))
        page_size = PAGE_SIZE_LARGE_TEXT if large else PAGE_SIZE
        self.pages = max(1, math.ceil(len(offers) / page_size))
        self.page = min(self.page, self.pages - 1)
        per_page = min(len(offers), page_size)
        cols = page_size
        rows = max(1, math.ceil(per_page / cols))
        lockers = [o.locker for o in offers]
        shown = offers[self.page * page_size : (self.page + 1) * page_size]
        # Empty cells keep the buttons of a short last page the same size.
        buttons = self._cells.lay_out(grid, len(shown), cols * rows - len(shown), cols, rows)
        for button, offer in zip(buttons, shown, strict=True):
            name = shown_name(offer, t)
            # Two lines: a narrow card wraps "还剩 4 件 · 1 号柜" in the middle of the number.
            detail = "{}\n{}".format(
                t("catalog.stock", stock=offer.stock),
                t("locker.name", locker=locker_number(offer.locker, lockers)),
            )
            marks = []
            if offer.in_cart:
                marks.append(t("catalog.in_cart", count=offer.in_cart))
            if offer.best_before_soon:
                marks.append(t("catalog.best_before_soon"))
            note = offer_note(offer, view.cart_full, t)
            button.sku = offer.sku
            button.name_text = name
            button.price_text = t("catalog.price", price=offer.price)
            button.detail_text = detail
            button.note_text = note
            button.mark_text = " · ".join(marks)
            button.in_cart = offer.in_cart
            button.affordable = not note
            button.disabled = bool(note)

    def _new_button(self) -> OfferButton:
        button = OfferButton()
        button.bind(on_release=self._on_offer)
        return button

    def turn_page(self, step: int) -> None:
        self.page = max(0, min(self.pages - 1, self.page + step))
        self.touched()
        self._fill_grid(self.view, self._t)

    def _on_offer(self, button: OfferButton) -> None:
        if button.affordable and self.debounced(f"add:{button.sku}"):
            self.intents.add(button.sku)

    def on_checkout(self) -> None:
        if self.view.cart and self.debounced("checkout"):
            self.intents.checkout()

    def on_cancel(self) -> None:
        if self.debounced("cancel", while_busy=True):
            self.intents.cancel()


Builder.load_file(str(Path(__file__).with_suffix(".kv")))

"""The catalog screen (BROWSING, CONFIRMING): balance, the items, tap one to take it, or exit."""

from __future__ import annotations

import math
from pathlib import Path

from kivy.lang import Builder
from kivy.properties import BooleanProperty, NumericProperty, StringProperty
from kivy.uix.behaviors import ButtonBehavior
from kivy.uix.boxlayout import BoxLayout
from kivy.uix.widget import Widget

from kiosk.core.view import KioskView, Offer, SessionState
from kiosk.ui import widgets  # noqa: F401  (registers the shared widgets' kv rules)
from kiosk.ui.i18n import Translator
from kiosk.ui.lockers import locker_number
from kiosk.ui.screens.base import KioskScreen

MAX_COLUMNS = 4
# Items per page: 2 rows of 4 keep each button a big touch target at 800x480.
PAGE_SIZE = 8


class OfferButton(ButtonBehavior, BoxLayout):
    """One item: name, price, stock, locker. Disabled (greyed) when the member cannot afford it."""

    sku = StringProperty("")
    name_text = StringProperty("")
    price_text = StringProperty("")
    detail_text = StringProperty("")
    note_text = StringProperty("")
    affordable = BooleanProperty(True)


class CatalogScreen(KioskScreen):
    page = NumericProperty(0)
    pages = NumericProperty(1)

    def __init__(self, **kwargs: object) -> None:
        super().__init__(**kwargs)
        self._t = Translator()

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
        if view.notice:
            ids.status.show(t(view.notice), "error")
        elif view.busy:
            ids.status.show(t("common.wait"), "busy")
        elif not view.offers:
            ids.status.show(t("catalog.empty"), "plain")
        else:
            ids.status.show(t("catalog.prompt"), "plain")
        self._fill_grid(view.offers, t)

    def _fill_grid(self, offers: tuple[Offer, ...], t: Translator) -> None:
        grid = self.ids.grid
        grid.clear_widgets()
        self.pages = max(1, math.ceil(len(offers) / PAGE_SIZE))
        self.page = min(self.page, self.pages - 1)
        per_page = min(len(offers), PAGE_SIZE)
        grid.cols = min(MAX_COLUMNS, max(2, math.ceil(per_page / 2)))
        grid.rows = max(1, math.ceil(per_page / grid.cols))
        lockers = [o.locker for o in offers]
        shown = offers[self.page * PAGE_SIZE : (self.page + 1) * PAGE_SIZE]
        for offer in shown:
            name = offer.name_zh if t.language == "zh" else offer.name_en
            detail = "{} · {}".format(
                t("catalog.stock", stock=offer.stock),
                t("locker.name", locker=locker_number(offer.locker, lockers)),
            )
            button = OfferButton(
                sku=offer.sku,
                name_text=name,
                price_text=t("catalog.price", price=offer.price),
                detail_text=detail,
                note_text="" if offer.affordable else t("catalog.not_enough"),
                affordable=offer.affordable,
                disabled=not offer.affordable,
            )
            button.bind(on_release=self._on_offer)
            grid.add_widget(button)
        for _ in range(grid.cols * grid.rows - len(shown)):
            grid.add_widget(Widget())  # keeps the buttons of a short last page the same size

    def turn_page(self, step: int) -> None:
        self.page = max(0, min(self.pages - 1, self.page + step))
        self._fill_grid(self.view.offers, self._t)

    def _on_offer(self, button: OfferButton) -> None:
        if button.affordable and self.debounced():
            self.intents.choose(button.sku)

    def on_cancel(self) -> None:
        if self.debounced():
            self.intents.cancel()


Builder.load_file(str(Path(__file__).with_suffix(".kv")))

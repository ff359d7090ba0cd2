"""您预约的物品 (RESERVED): the items the member reserved on their phone, and a full pool's goods
for its organiser, kept aside in this kiosk, shown first after sign-in. One big button per line
opens its locker (several units of a line: their lockers one after another); the coins were
held when it was reserved, or paid when the pool filled, so collecting takes none more. Below:
go on to the catalog, or leave.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from kivy.lang import Builder
from kivy.properties import StringProperty
from kivy.uix.boxlayout import BoxLayout

from kiosk.core.view import KioskView, MemberIntents
from kiosk.ui import widgets  # noqa: F401  (registers the shared widgets' kv rules)
from kiosk.ui.i18n import Translator
from kiosk.ui.item_names import shown_name
from kiosk.ui.lockers import locker_number
from kiosk.ui.screens.base import GridCells, KioskScreen

# Rows a screen has room for at 15 mm each (800x480, elder mode too); a member may hold 3
# reservations (the ledger's limit), so a third is on the next page ("more").
ROWS = 2


class ReservedRow(BoxLayout):
    """One reserved item: its name and locker, and the button that opens it."""

    reservation = StringProperty("")
    text = StringProperty("")
    collect_text = StringProperty("")

    __events__ = ("on_collect",)

    def on_collect(self) -> None:
        pass


class ReservedScreen(KioskScreen):
    intents: MemberIntents

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self._rows = GridCells(self._new_row, BoxLayout)
        self._page = 0
        self._shown: tuple[str, ...] = ()

    def render(self, view: KioskView, t: Translator) -> None:
        super().render(view, t)
        self._t = t
        ids = self.ids
        ids.title.text = t("reserved.title")
        ids.hello.text = t("member.hello", name=view.member_name or "")
        ids.shop.text = t("reserved.shop")
        ids.leave.text = t("reserved.leave")
        if view.notice:
            ids.status.show(t(view.notice), "error")
        elif view.busy:
            ids.status.show(t("common.wait"), "busy")
        elif view.reserved and all(line.price == 0 for line in view.reserved):
            ids.status.show(t("reserved.hint_paid"), "plain")  # a pool's: paid when it filled
        else:
            ids.status.show(t("reserved.hint"), "plain")
        labels = [x for line in view.reserved for x in (*line.lockers, line.locker)]
        shown = tuple(line.reservation for line in view.reserved)
        if shown != self._shown:
            self._page, self._shown = 0, shown
        pages = max(1, -(-len(view.reserved) // ROWS))
        self._page %= pages
        page = view.reserved[self._page * ROWS : (self._page + 1) * ROWS]
        ids.more.text = t("reserved.more")
        ids.more.disabled = pages == 1
        ids.more.opacity = 0 if pages == 1 else 1
        rows = self._rows.lay_out(ids.lines, len(page), ROWS - len(page), 1)
        for row, line in zip(rows, page, strict=True):
            name = shown_name(line, t)
            row.reservation = line.reservation
            # The number printed on the door, as the vending screen says it.
            if len(line.units) > 1:  # one tap opens them one after another
                comma = "、" if t.language == "zh" else ", "
                doors = comma.join(locker_number(x, labels) for x in line.lockers)
                row.text = t("reserved.units", item=name, count=len(line.units), lockers=doors)
            else:
                row.text = t("reserved.line", item=name, locker=locker_number(line.locker, labels))
            row.collect_text = t("reserved.collect")

    def _new_row(self) -> ReservedRow:
        row = ReservedRow()
        row.bind(on_collect=self._on_collect)
        return row

    def _on_collect(self, row: ReservedRow) -> None:
        if self.debounced(f"collect:{row.reservation}"):
            self.intents.collect(row.reservation)

    def on_more(self) -> None:
        """The next page of reserved items (a member may hold more than fit)."""
        self._page += 1
        self.touched()
        self.render(self.view, self._t)

    def on_shop(self) -> None:
        if self.debounced("shop"):
            self.intents.shop()

    def on_quit(self) -> None:  # not on_leave: that is the Screen's own event
        if self.debounced("leave", while_busy=True):
            self.intents.cancel()


Builder.load_file(str(Path(__file__).with_suffix(".kv")))

"""The vending screen (VENDING): which locker opens, the cabinet with it highlighted, what to do,
and which item of the cart this is."""

from __future__ import annotations

from pathlib import Path

from kivy.app import App
from kivy.lang import Builder

from kiosk.core.steps import VendStep
from kiosk.core.view import KioskView
from kiosk.ui import widgets  # noqa: F401  (registers the shared widgets' kv rules)
from kiosk.ui.i18n import Translator
from kiosk.ui.item_names import shown_name
from kiosk.ui.lockers import cabinet_lockers, locker_number
from kiosk.ui.screens.base import KioskScreen
from kiosk.ui.widgets import text_height

# The column of words beside the cabinet: its share of the screen's width (vending.kv), and the
# item line's and the locker number's shares of its height, as one line or two of the item.
COLUMN = 0.56
ONE_LINE = {"item": 0.6, "locker": 1.0}
TWO_LINES = {"item": 1.1, "locker": 0.8}

# What the member is asked to do at each step of the vend (translation key, NoticeLine kind).
STEP_TEXT = {
    VendStep.INTENT: ("vend.opening", "busy"),
    VendStep.HELD: ("vend.opening", "busy"),
    VendStep.UNLOCKING: ("vend.opening", "busy"),
    VendStep.UNLOCKED: ("vend.take", "action"),
    VendStep.DOOR_OPENED: ("vend.take", "action"),
    VendStep.DOOR_CLOSED: ("vend.checking", "busy"),
    VendStep.UNLOCK_FAILED: ("common.wait", "busy"),
    VendStep.CAPTURED: ("common.wait", "busy"),
    VendStep.VOIDED: ("common.wait", "busy"),
}


class VendingScreen(KioskScreen):
    def render(self, view: KioskView, t: Translator) -> None:
        super().render(view, t)
        ids = self.ids
        vend = view.vend
        labels = cabinet_lockers([o.locker for o in view.offers] + ([vend.locker] if vend else []))
        ids.cabinet.doors = [locker_number(label, labels) for label in labels]
        if vend is None:
            ids.locker.text = ""
            ids.item.text = ""
            ids.count.text = ""
            ids.cabinet.open_door = ""
            ids.step.show(t("common.wait"), "busy")
            return
        door = locker_number(vend.locker, labels)
        ids.cabinet.open_door = door
        ids.locker.text = t("locker.name", locker=door)
        name = shown_name(vend, t)
        # A unit of a full pool costs nothing now (paid when the pool filled): its name alone.
        ids.item.text = t("vend.item", item=name, price=vend.price) if vend.price else name
        self.fit_item()
        ids.count.text = t("vend.count", index=vend.index, of=vend.of) if vend.of > 1 else ""
        key, kind = STEP_TEXT.get(vend.step, ("common.wait", "busy"))
        if key == "vend.opening" and vend.charge_on_open:
            # Before the door opens: this locker cannot tell one item taken from none.
            ids.step.show(t("vend.opening_open", price=vend.price), "action")
            return
        ids.step.show(t(key), kind)

    def on_size(self, *_args: object) -> None:
        self.fit_item()

    def fit_item(self) -> None:
        """The item's name and price on one line, or, where they wrap (a long name, elder
        mode's larger text), on two: their room then comes from the locker number's."""
        app = App.get_running_app()
        if app is None or "item" not in self.ids:
            return  # still being built
        item = self.ids.item
        left, _top, right, _bottom = item.padding
        # From the screen's width: the column may not be laid out at its new size yet.
        width = (self.width - 2 * app.pad - 2 * app.spacing) * COLUMN - left - right
        two = text_height(item.text, item.font_size, width) > item.font_size * 1.8
        shares = TWO_LINES if two else ONE_LINE
        item.size_hint_y, self.ids.locker.size_hint_y = shares["item"], shares["locker"]


Builder.load_file(str(Path(__file__).with_suffix(".kv")))

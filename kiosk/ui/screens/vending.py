"""The vending screen (VENDING): which locker opens, the cabinet with it highlighted, what to do,
and which item of the cart this is."""

from __future__ import annotations

from pathlib import Path

from kivy.lang import Builder

from kiosk.core.steps import VendStep
from kiosk.core.view import KioskView
from kiosk.ui import widgets  # noqa: F401  (registers the shared widgets' kv rules)
from kiosk.ui.i18n import Translator
from kiosk.ui.lockers import cabinet_lockers, locker_number
from kiosk.ui.screens.base import KioskScreen

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
        name = vend.name_zh if t.language == "zh" else vend.name_en
        ids.item.text = t("vend.item", item=name, price=vend.price)
        ids.count.text = t("vend.count", index=vend.index, of=vend.of) if vend.of > 1 else ""
        key, kind = STEP_TEXT.get(vend.step, ("common.wait", "busy"))
        if key == "vend.opening" and vend.charge_on_open:
            # Before the door opens: this locker cannot tell one item taken from none.
            ids.step.show(t("vend.opening_open", price=vend.price), "action")
            return
        ids.step.show(t(key), kind)


Builder.load_file(str(Path(__file__).with_suffix(".kv")))

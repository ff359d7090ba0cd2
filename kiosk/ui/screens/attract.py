"""The attract screen (IDLE, IDENTIFYING): scan your QR code, switch language, see notices."""

from __future__ import annotations

from pathlib import Path

from kivy.lang import Builder

from kiosk.core.view import KioskView
from kiosk.ui import widgets  # noqa: F401  (registers the shared widgets' kv rules)
from kiosk.ui.i18n import Translator
from kiosk.ui.screens.base import KioskScreen


class AttractScreen(KioskScreen):
    def render(self, view: KioskView, t: Translator) -> None:
        super().render(view, t)
        self.ids.language.text = t("lang.switch")
        self.ids.title.text = t("attract.title")
        self.ids.hint.text = t("attract.hint")
        if view.notice:
            self.ids.status.show(t(view.notice), "error")
        elif view.busy:
            self.ids.status.show(t("common.wait"), "busy")
        else:
            self.ids.status.show(None)


Builder.load_file(str(Path(__file__).with_suffix(".kv")))

"""The out-of-service screen (OUT_OF_SERVICE): the kiosk takes no visits, and says why."""

from __future__ import annotations

from pathlib import Path

from kivy.lang import Builder

from kiosk.core.view import KioskView
from kiosk.ui import widgets  # noqa: F401  (registers the shared widgets' kv rules)
from kiosk.ui.i18n import Translator
from kiosk.ui.screens.base import KioskScreen


class OutOfServiceScreen(KioskScreen):
    def render(self, view: KioskView, t: Translator) -> None:
        super().render(view, t)
        ids = self.ids
        ids.title.text = t("oos.title")
        # Nobody can switch language here, so the title is also shown in the other language.
        ids.title_other.text = Translator(t.other_language(), strict=t.strict)("oos.title")
        ids.reason.text = t(view.out_of_service) if view.out_of_service else ""
        help_line = t("help.call", phone=view.help_phone) if view.help_phone else ""
        ids.hint.text = t("oos.hint") + (f"\n{help_line}" if help_line else "")
        ids.hint.size_hint_y = 1.4 if help_line else 0.8


Builder.load_file(str(Path(__file__).with_suffix(".kv")))

"""The technician screen (TECHNICIAN): a staff badge opened service mode. Diagnostics, lock tests
and restocking come here later (issue 7); for now it names the technician and has an exit.
"""

from __future__ import annotations

from pathlib import Path

from kivy.lang import Builder

from kiosk.core.view import KioskView
from kiosk.ui import widgets  # noqa: F401  (registers the shared widgets' kv rules)
from kiosk.ui.i18n import Translator
from kiosk.ui.screens.base import KioskScreen

ROLE_KEYS = {"technician": "role.technician", "staff": "role.staff", "member": "role.member"}


class TechnicianScreen(KioskScreen):
    def render(self, view: KioskView, t: Translator) -> None:
        super().render(view, t)
        ids = self.ids
        ids.title.text = t("tech.title")
        role = t(ROLE_KEYS.get(view.member_role or "", "role.member"))
        ids.member.text = t("tech.member", name=view.member_name or "", role=role)
        ids.hint.text = t(view.notice) if view.notice else t("tech.hint")
        ids.exit.text = t("tech.exit")

    def on_exit(self) -> None:
        if self.debounced("exit", while_busy=True):
            self.intents.cancel()


Builder.load_file(str(Path(__file__).with_suffix(".kv")))

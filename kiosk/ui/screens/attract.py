"""The attract screen (IDLE, IDENTIFYING): scan your QR code, or use your phone; switch language
or elder mode (长辈模式); notices, an out-of-service banner, and the office's help line.
"""

from __future__ import annotations

from pathlib import Path

from kivy.app import App
from kivy.lang import Builder

from kiosk.core.view import KioskView, MemberIntents
from kiosk.ui import widgets  # noqa: F401  (registers the shared widgets' kv rules)
from kiosk.ui.i18n import Translator
from kiosk.ui.screens.base import KioskScreen


class AttractScreen(KioskScreen):
    intents: MemberIntents

    def render(self, view: KioskView, t: Translator) -> None:
        super().render(view, t)
        ids = self.ids
        ids.language.text = t("lang.switch")
        app = App.get_running_app()
        ids.elder.text = t("attract.elder_off" if app.large_text else "attract.elder_on")
        ids.title.text = t("attract.title")
        ids.hint.text = t("attract.hint")
        # The help line where a member stuck at the kiosk looks first (empty: the office has none).
        ids.help.text = t("help.call", phone=view.help_phone) if view.help_phone else ""
        ids.phone.text = t("attract.phone")
        ids.phone.disabled = view.busy or view.out_of_service is not None
        if view.notice:
            ids.status.show(t(view.notice), "error")
        elif view.busy:
            ids.status.show(t("common.wait"), "busy")
        elif view.out_of_service:
            ids.status.show(t(view.out_of_service), "error")
        else:
            ids.status.show(None)

    def on_phone(self) -> None:
        """The member has no code with them: the kiosk shows one for their phone."""
        if self.debounced("pair"):
            self.intents.pair()

    def on_elder(self) -> None:
        """长辈模式: larger text and spoken prompts for this visit (a second tap: back)."""
        App.get_running_app().toggle_large_text()

    def on_language(self) -> None:
        App.get_running_app().toggle_language()


Builder.load_file(str(Path(__file__).with_suffix(".kv")))

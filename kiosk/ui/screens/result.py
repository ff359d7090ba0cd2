"""The result screen (RESULT): did it work, in plain words; the balance; a big Finish button."""

from __future__ import annotations

from pathlib import Path

from kivy.lang import Builder

from kiosk.core.view import KioskView
from kiosk.ui import widgets  # noqa: F401  (registers the shared widgets' kv rules)
from kiosk.ui.i18n import Translator
from kiosk.ui.screens.base import KioskScreen


class ResultScreen(KioskScreen):
    def render(self, view: KioskView, t: Translator) -> None:
        super().render(view, t)
        ids = self.ids
        result = view.result
        ok = bool(result and result.ok)
        if ok:
            ids.heading.show(t("result.heading_ok"), "ok")
        else:
            ids.heading.show(t("result.heading_failed"), "error")
        ids.message.text = t(result.message) if result else ""
        balance = result.balance if result and result.balance is not None else view.balance
        ids.balance.text = "" if balance is None else t("member.balance", balance=balance)
        ids.done.text = t("result.done")

    def on_done(self) -> None:
        if self.debounced():
            self.intents.finish()


Builder.load_file(str(Path(__file__).with_suffix(".kv")))

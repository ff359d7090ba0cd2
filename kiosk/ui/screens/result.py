"""The result screen (RESULT): did it work, in plain words, item by item; the balance; a big
Finish button. A failure always says that no coins were taken for what was not handed out.
"""

from __future__ import annotations

from pathlib import Path

from kivy.app import App
from kivy.lang import Builder

from kiosk.core.view import ItemResult, KioskView, MemberIntents
from kiosk.ui.i18n import Translator
from kiosk.ui.screens.base import KioskScreen
from kiosk.ui.widgets import KioskLabel


def item_text(item: ItemResult, t: Translator) -> str:
    """One line per item: taken and paid, or why not and that it cost nothing."""
    name = item.name_zh if t.language == "zh" else item.name_en
    if item.handed_out:
        return t("result.item_taken", item=name, price=item.price)
    return t("result.item_not_taken", item=name, reason=t(item.message))


class ResultScreen(KioskScreen):
    intents: MemberIntents

    def render(self, view: KioskView, t: Translator) -> None:
        super().render(view, t)
        ids = self.ids
        result = view.result
        ok = bool(result and result.ok)
        if ok:
            ids.heading.show(t("result.heading_ok"), "ok")
        else:
            ids.heading.show(t("result.heading_failed"), "error")
        app = App.get_running_app()
        items = result.items if result else ()
        several = len(items) > 1  # one item is said by the message itself
        ids.message.text = t(result.message) if result else ""
        ids.message.font_size = app.font_body if several else app.font_title
        ids.item_list.clear_widgets()
        for item in items if several else ():
            ids.item_list.add_widget(
                KioskLabel(
                    text=item_text(item, t),
                    halign="left",
                    padding=(app.pad, 0),
                    bold=not item.handed_out,
                    font_size=app.font_body,
                )
            )
        balance = result.balance if result and result.balance is not None else view.balance
        ids.balance.text = "" if balance is None else t("member.balance", balance=balance)
        ids.done.text = t("result.done")

    def on_done(self) -> None:
        if self.debounced("finish"):
            self.intents.finish()


Builder.load_file(str(Path(__file__).with_suffix(".kv")))

"""The technician screens (TECHNICIAN): a staff badge opened service mode. A tab bar switches
between health, lock test, restock and service pages; every action is an intent to the core.
"""

from __future__ import annotations

from pathlib import Path

from kivy.lang import Builder

from kiosk.core.technician import TechnicianIntents, TechnicianView, TechPage
from kiosk.core.view import KioskView
from kiosk.ui import widgets  # noqa: F401  (registers the shared widgets' kv rules)
from kiosk.ui.i18n import Translator
from kiosk.ui.screens.base import KioskScreen
from kiosk.ui.screens.technician_pages import (
    HealthPage,
    LocksPage,
    RestockPage,
    ServicePage,
    TechPageWidget,
)
from kiosk.ui.tech_failure import failure_text
from kiosk.ui.tech_text import name_lockers

# Messages whose detail names lockers: shown by door number beside the bus address.
NAMES_LOCKERS = {
    "tech.opened",
    "tech.not_opened",
    "tech.walk_failed",
    "tech.awaiting_count",
    "tech.counted_taken",
    "tech.counted_not_taken",
    "tech.restocked",
    "tech.restocked_offline",
    "tech.inspected",
    "tech.not_flagged",
}
ROLE_KEYS = {"technician": "role.technician", "staff": "role.staff", "member": "role.member"}
TABS = {"tab_health": TechPage.HEALTH, "tab_locks": TechPage.LOCKS}
TABS.update({"tab_restock": TechPage.RESTOCK, "tab_service": TechPage.SERVICE})


class TechnicianScreen(KioskScreen):
    intents: TechnicianIntents

    def __init__(self, **kwargs: object) -> None:
        super().__init__(**kwargs)
        self.pages: dict[TechPage, TechPageWidget] = {
            TechPage.HEALTH: HealthPage(screen=self),
            TechPage.LOCKS: LocksPage(screen=self),
            TechPage.RESTOCK: RestockPage(screen=self),
            TechPage.SERVICE: ServicePage(screen=self),
        }
        self._shown: TechPage | None = None

    def render(self, view: KioskView, t: Translator) -> None:
        super().render(view, t)
        tv = view.technician or TechnicianView()
        ids = self.ids
        role = t(ROLE_KEYS.get(view.member_role or "", "role.member"))
        ids.member.text = t("tech.member", name=view.member_name or "", role=role)
        ids.title.text = t("tech.title")
        ids.exit.text = t("tech.exit")
        for tab_id, page in TABS.items():
            tab = ids[tab_id]
            tab.text = t(f"tech.page.{page.value}")
            tab.current = page is tv.page
            tab.disabled = view.busy or tv.walk is not None
        if view.busy:
            ids.message.show(t("common.wait"), "busy")
        elif tv.message:
            detail = tv.detail
            labels = [line.locker for line in tv.lockers]
            if tv.message in NAMES_LOCKERS:
                detail = name_lockers(detail, labels, t)
            elif tv.message == "tech.failed":
                detail = failure_text(detail, labels, t)
            names = {sku: zh if t.language == "zh" else en for sku, zh, en in tv.sku_names}
            if tv.message == "tech.sku_scanned" and detail in names:
                detail = f"{names[detail]} ({detail})"
            ids.message.show(t(tv.message, detail=detail), "ok" if tv.ok else "error")
        else:
            ids.message.show(t(view.notice) if view.notice else None)
        page_widget = self.pages[tv.page]
        if self._shown is not tv.page:
            ids.content.clear_widgets()
            ids.content.add_widget(page_widget)
            self._shown = tv.page
        page_widget.render(tv, t, view.busy)

    def on_tab(self, tab_id: str) -> None:
        if self.debounced(tab_id):
            self.intents.tech_page(TABS[tab_id])

    def on_exit(self) -> None:
        if self.debounced("exit", while_busy=True):
            self.intents.cancel()


Builder.load_file(str(Path(__file__).with_suffix(".kv")))

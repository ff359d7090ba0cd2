"""The technician screens (TECHNICIAN): a staff badge opened service mode. A tab bar switches
between health, lock test, restock and service pages; every action is an intent to the core.
"""

from __future__ import annotations

from pathlib import Path

from kivy.app import App
from kivy.core.text import Label as CoreLabel
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
from kiosk.ui.widgets import NoticeLine

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
# The message line's text size, of app.tech_small: the largest that leaves the page below
# the room it needs (its minimum_height); a long failure on the restock page gets the smaller.
MESSAGE_SCALES = (1.0, 0.9, 0.8, 0.7)
MESSAGE_MARGIN = 0.5  # of the font size, above and below the lines together (technician.kv)


def message_height(line: NoticeLine, font_size: float, width: float) -> float:
    """How tall the wrapping message line is with its text at `font_size` and `width` px."""
    if not line.text:
        return 0.0
    left, top, right, bottom = line.padding
    measure = CoreLabel(
        text=line.text,
        font_size=font_size,
        font_name=line.font_name,
        bold=line.bold,
        outline_width=line.outline_width,
        text_size=(max(1.0, width - left - right), None),
        halign=line.halign,
    )
    measure.refresh()
    return float(measure.texture.size[1]) + top + bottom + font_size * MESSAGE_MARGIN


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
        for page in self.pages.values():
            page.bind(minimum_height=self.fit_message)
        app = App.get_running_app()
        if app is not None:  # after technician.kv's binding: the fitted size is the last word
            app.bind(tech_small=self.fit_message)

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
        self.fit_message()

    def on_size(self, *_args: object) -> None:
        self.fit_message()

    def fit_message(self, *_args: object) -> None:
        """The message line wraps and grows to its text (technician.kv) as far as the page below
        can give up room; a longer text is set smaller there, so the page never overlaps it."""
        app = App.get_running_app()
        if app is None or self._shown is None or "message" not in self.ids:
            return  # still being built
        line = self.ids.message.__self__  # the widget, not the ids' weak proxy of it
        box = line.parent
        others = [c for c in box.children if c is not line and c.size_hint_y is None]
        _left, top, _right, bottom = box.padding
        spacing = box.spacing * (len(box.children) - 1)
        fixed = top + bottom + spacing + sum(c.height for c in others)
        room = self.height - fixed - self.pages[self._shown].minimum_height
        width = self.width - box.padding[0] - box.padding[2]
        sizes = [app.tech_small * scale for scale in MESSAGE_SCALES]
        line.font_size = next(
            (size for size in sizes if message_height(line, size, width) <= room), sizes[-1]
        )

    def on_tab(self, tab_id: str) -> None:
        if self.debounced(tab_id):
            self.intents.tech_page(TABS[tab_id])

    def on_exit(self) -> None:
        if self.debounced("exit", while_busy=True):
            self.intents.cancel()


Builder.load_file(str(Path(__file__).with_suffix(".kv")))

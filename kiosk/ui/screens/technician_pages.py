"""The technician screen's four pages: health at a glance, lock test with live bits, restock
(no keyboard: pickers and +/- buttons) and the service switch with self-test and bundle.
"""

from __future__ import annotations

import calendar
from datetime import date, timedelta
from pathlib import Path
from typing import cast

from kivy.lang import Builder
from kivy.properties import ListProperty, ObjectProperty, StringProperty
from kivy.uix.boxlayout import BoxLayout

from kiosk.core.technician import SERVICE_REASONS, LockerLine, TechnicianIntents, TechnicianView
from kiosk.ui import theme
from kiosk.ui.i18n import Translator
from kiosk.ui.lockers import locker_number
from kiosk.ui.tech_text import check_text, inspect_reason, locker_name
from kiosk.ui.widgets import KioskButton, KioskLabel

STATUS_COLOURS = {"ok": theme.SUCCESS_BG, "warn": theme.BADGE, "fail": theme.ERROR_BG}
WALK_BUTTONS = {
    "walk_opened": "tech.walk_opened",
    "walk_not_opened": "tech.walk_not_opened",
    "walk_stop": "tech.walk_stop",
}


def shift_date(iso: str | None, days: int = 0, months: int = 0) -> str:
    """A best-before date moved by whole days or months (the day clamped to the month's end);
    no date yet starts from today."""
    d = date.fromisoformat(iso) if iso else date.today()
    if months:
        month0 = d.month - 1 + months
        year, month = d.year + month0 // 12, month0 % 12 + 1
        d = d.replace(year=year, month=month, day=min(d.day, calendar.monthrange(year, month)[1]))
    return (d + timedelta(days=days)).isoformat()


def bits_text(line: LockerLine, t: Translator) -> str:
    if line.hook_open is None:
        return t("tech.unread")
    hook = t("tech.hook_open" if line.hook_open else "tech.hook_shut")
    item = t("tech.item_yes" if line.item_present else "tech.item_no")
    return f"{hook} · {item}"


class CheckCell(KioskLabel):
    """One health check, coloured by its status."""

    bg = ListProperty(theme.SUCCESS_BG)


class LockerTestButton(KioskButton):
    locker = StringProperty("")


class TechPageWidget(BoxLayout):
    """A page: renders the TechnicianView, sends intents through its screen."""

    screen = ObjectProperty(None)

    @property
    def intents(self) -> TechnicianIntents:
        return cast(TechnicianIntents, self.screen.intents)

    def tap(self, target: str) -> bool:
        return bool(self.screen.debounced(target))

    def render(self, tv: TechnicianView, t: Translator, busy: bool) -> None:
        raise NotImplementedError


class HealthPage(TechPageWidget):
    def render(self, tv: TechnicianView, t: Translator, busy: bool) -> None:
        grid = self.ids.checks
        grid.clear_widgets()
        for c in tv.checks:
            cell = CheckCell(text=check_text(c, t))
            cell.bg = STATUS_COLOURS.get(c.status, theme.ERROR_BG)
            cell.color = theme.TEXT if c.status == "warn" else theme.ON_PRIMARY
            grid.add_widget(cell)
        self.ids.empty.text = "" if tv.checks else t("tech.no_checks")


class LocksPage(TechPageWidget):
    inspect_target = StringProperty("")  # the flagged locker "检修完成" clears

    def render(self, tv: TechnicianView, t: Translator, busy: bool) -> None:
        ids = self.ids
        grid = ids.lockers
        buttons = {b.locker: b for b in grid.children}
        if sorted(buttons) != sorted(line.locker for line in tv.lockers):
            grid.clear_widgets()
            buttons = {}
            for line in tv.lockers:
                b = LockerTestButton(locker=line.locker)
                b.bind(on_release=lambda b: self.on_locker(b.locker))
                grid.add_widget(b)
                buttons[line.locker] = b
        grid.cols = max(1, min(4, len(tv.lockers)))
        labels = [line.locker for line in tv.lockers]
        for line in tv.lockers:
            b = buttons[line.locker]
            mark = f"\n{t('tech.inspect')}" if line.inspect else ""
            number = t("tech.locker_short", number=locker_number(line.locker, labels))
            b.text = f"{number} · {line.locker}\n{bits_text(line, t)}{mark}"
            b.font_size = self.screen_font("tech_small") * 0.8  # four lines in a small cell
            b.bg_color = (
                theme.ERROR_BG
                if line.inspect or line.hook_open is None
                else theme.CONFIRM
                if line.hook_open
                else theme.PRIMARY
            )
            b.disabled = busy or tv.walk is not None
        walking = tv.walk is not None and tv.walk.current is not None
        ids.walk_all.text = t("tech.walk_all")
        ids.walk_all.opacity = 0 if walking else 1
        ids.walk_all.disabled = busy or walking
        for wid, key in WALK_BUTTONS.items():
            w = ids[wid]
            w.text = t(key)
            w.opacity = 1 if walking else 0
            w.disabled = busy or not walking
        flagged = {line.locker: line.inspect for line in tv.lockers if line.inspect}
        shown = tv.last_open.locker if tv.last_open is not None else None
        self.inspect_target = shown if shown in flagged and not walking else ""
        ids.inspected.text = t("tech.inspected_button")
        ids.inspected.opacity = 1 if self.inspect_target else 0
        ids.inspected.disabled = busy or not self.inspect_target
        current = tv.walk.current if tv.walk is not None else None
        if walking and tv.walk is not None and current is not None:
            w = tv.walk
            at, total = len(w.done) + 1, len(w.done) + 1 + len(w.remaining)
            ids.info.text = t("tech.walk_progress", at=at, total=total) + t(
                "tech.walk_now", locker=locker_name(current.locker, labels, t)
            )
        elif tv.last_open is not None:
            o = tv.last_open
            ids.info.text = t(
                "tech.last_open",
                locker=locker_name(o.locker, labels, t),
                before=bits_text(o.before, t),
                after=bits_text(o.after, t),
            )
            if self.inspect_target:
                why = inspect_reason(flagged[o.locker] or "", t)
                ids.info.text += "\n" + t("tech.inspect_why", why=why)
        else:
            ids.info.text = t("tech.tap_to_open")

    def screen_font(self, name: str) -> float:
        from kivy.app import App

        return float(getattr(App.get_running_app(), name))

    def on_locker(self, locker: str) -> None:
        if self.tap(f"open {locker}"):
            self.intents.tech_open(locker)

    def on_inspected(self) -> None:
        if self.inspect_target and self.tap(f"inspected {self.inspect_target}"):
            self.intents.tech_inspected(self.inspect_target)

    def on_walk(self) -> None:
        if self.tap("walk"):
            self.intents.tech_walk()

    def on_verdict(self, verdict: str) -> None:
        if self.tap(f"verdict {verdict}"):
            self.intents.tech_walk_verdict(verdict)


class RestockPage(TechPageWidget):
    tv = ObjectProperty(TechnicianView())

    def render(self, tv: TechnicianView, t: Translator, busy: bool) -> None:
        self.tv = tv
        d, ids = tv.draft, self.ids
        labels = [x.locker for x in tv.lockers]
        ids.locker.text = locker_name(d.locker, labels, t) if d.locker else "-"
        names = {sku: (zh if t.language == "zh" else en) for sku, zh, en in tv.sku_names}
        shown = "{}（{}）" if t.language == "zh" else "{} ({})"
        ids.sku.text = shown.format(names[d.sku], d.sku) if d.sku in names else d.sku
        ids.sku.text = ids.sku.text or t("tech.no_sku")
        if d.lot:  # a scanned lot: its item, date and code; only the count is entered
            name = d.lot_name or names.get(d.sku, d.sku)
            ids.sku.text = t("tech.lot_line", name=name, lot=d.lot)
        line = next((x for x in tv.lockers if x.locker == d.locker), None)
        counting = line is not None and line.awaiting_vend is not None
        ids.count.text = t("tech.found" if counting else "tech.count", count=d.count)
        ids.best_before.text = d.best_before or t("tech.no_date")
        for key in ("day_minus", "day_plus", "month_minus", "month_plus"):
            ids[key].text = t(f"tech.{key}")
        ids.open.text = t("tech.open_locker")
        ids.save.text = t("tech.record_count" if counting else "tech.save")
        for w in (ids.open, ids.save, ids.locker_prev, ids.locker_next, ids.sku_prev):
            w.disabled = busy or not d.locker
        ids.sku_next.disabled = ids.sku_prev.disabled = busy or not tv.skus or bool(d.lot)
        for key in ("sku_prev", "sku_next", "day_minus", "day_plus", "month_minus", "month_plus"):
            ids[key].opacity = 0 if d.lot else 1  # the lot gives SKU and date: no pickers
            if key.startswith(("day", "month")):
                ids[key].disabled = bool(d.lot)

    def step_locker(self, step: int) -> None:
        names = [line.locker for line in self.tv.lockers]
        if names and self.tap(f"locker {step}"):
            at = names.index(self.tv.draft.locker) if self.tv.draft.locker in names else -step
            self.intents.tech_draft(locker=names[(at + step) % len(names)])

    def step_sku(self, step: int) -> None:
        skus = list(self.tv.skus)
        if skus:
            self.screen.touched()
            at = skus.index(self.tv.draft.sku) if self.tv.draft.sku in skus else -step
            self.intents.tech_draft(sku=skus[(at + step) % len(skus)])

    def step_count(self, step: int) -> None:
        self.intents.tech_draft(count=self.tv.draft.count + step)

    def step_date(self, days: int = 0, months: int = 0) -> None:
        self.intents.tech_draft(best_before=shift_date(self.tv.draft.best_before, days, months))

    def on_open(self) -> None:
        if self.tap("restock open"):
            self.intents.tech_open(self.tv.draft.locker)

    def on_save(self) -> None:
        if self.tap("restock save"):
            self.intents.tech_restock()


class ServicePage(TechPageWidget):
    def render(self, tv: TechnicianView, t: Translator, busy: bool) -> None:
        ids, s = self.ids, tv.service
        if s.in_service:
            ids.state.text = t("tech.in_service_now")
        else:
            reason = t(f"tech.reason.{s.reason}") if s.reason in SERVICE_REASONS else s.reason
            ids.state.text = t("tech.out_of_service_now", reason=reason)
        ids.state.bg = theme.SUCCESS_BG if s.in_service else theme.ERROR_BG
        ids.take_out.text = t("tech.take_out")
        for reason in SERVICE_REASONS:
            w = ids[f"reason_{reason}"]
            w.text = t(f"tech.reason.{reason}")
            w.disabled = busy
        ids.back.text = t("tech.back_in_service")
        ids.back.disabled = busy or s.in_service
        ids.self_test.text = t("tech.self_test")
        ids.bundle.text = t("tech.bundle")
        ids.self_test.disabled = ids.bundle.disabled = busy

    def on_reason(self, reason: str) -> None:
        if self.tap(f"reason {reason}"):
            self.intents.tech_service(False, reason)

    def on_back(self) -> None:
        if self.tap("back in service"):
            self.intents.tech_service(True, "checked")

    def on_self_test(self) -> None:
        if self.tap("self-test"):
            self.intents.tech_self_test()

    def on_bundle(self) -> None:
        if self.tap("bundle"):
            self.intents.tech_bundle()


Builder.load_file(str(Path(__file__).with_suffix(".kv")))

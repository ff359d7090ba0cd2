"""The result screen (RESULT): did it work, in plain words, item by item; what was charged and
the balance left; on a failure what to do next and the help line; a big Finish button, and
"try another locker" after a jam when another locker holds the item.

What it says must never contradict itself: the message speaks for the whole visit (the core
picks it: kiosk/core/shopping.py `_result`), each item's line only for that item ("this one"),
and the charged line adds up the items handed out (tests/ui/test_result_variants.py).
"""

from __future__ import annotations

import re
from functools import partial
from pathlib import Path
from typing import Any

from kivy.app import App
from kivy.clock import Clock
from kivy.core.text import Label as CoreLabel
from kivy.lang import Builder
from kivy.metrics import dp

from kiosk.core import collecting
from kiosk.core.view import ItemResult, KioskView, MemberIntents, ResultView
from kiosk.ui.i18n import Translator
from kiosk.ui.item_lines import fit_name, out_of_view, share_lines
from kiosk.ui.item_names import shown_name
from kiosk.ui.lockers import cabinet_lockers, locker_number
from kiosk.ui.screens.base import KioskScreen
from kiosk.ui.widgets import KioskLabel, word_width

# A run of ASCII without a space: one wider than a line Kivy breaks anywhere ("Supercal/ifr").
LATIN_WORD = re.compile(r"[!-~]{2,}")
TOO_MANY_LINES = 1_000
# Elder mode's list of items to scroll: its bar (dp, as on the confirm screen) and the room the
# items' lines leave it.
BAR_WIDTH = 16
BAR_ROOM = 14
# An item's outcome (its translation key) in a few words, for its own line.
WHY = {
    "result.jammed": "why.jammed",
    "result.no_coins_taken": "why.not_opened",
    "error.unlock_failed": "why.not_opened",
    "result.not_taken": "why.left_inside",
    "result.awaiting_count": "why.count",
    "result.unlock_unknown": "why.no_answer",
    "result.not_tried": "why.not_tried",
    "error.sold_out": "why.sold_out",
    "error.insufficient_funds": "why.funds",
    "error.price_changed": "why.price",
    "error.ledger_unreachable": "why.ledger",
}


# A unit handed out at a pick-up (kiosk/core/collecting.py), paid before: its own line says so,
# and no coins of it are said taken now (a pool's 0 coins would read "扣 0 币").
COLLECTED = {
    collecting.COLLECTED: "result.item_collected",  # a reservation's: coins held when reserved
    collecting.COLLECTED_POOL: "result.item_collected_pool",  # a full pool's: paid when filled
}


def item_name(item: ItemResult, t: Translator) -> str:
    """The item's name in the screen's language, a count kept with its unit."""
    return shown_name(item, t)


def item_text(item: ItemResult, t: Translator, name: str | None = None) -> str:
    """One line per item, about that item only: taken and charged, held, or not charged (with
    its name, or `name` in its place: the name shortened to fit)."""
    name = item_name(item, t) if name is None else name
    if item.handed_out and item.message in COLLECTED:
        return t(COLLECTED[item.message], item=name)
    if item.handed_out:
        return t("result.item_taken", item=name, price=item.price)
    why = t(WHY.get(item.message, "why.other"))
    if item.held:
        return t("result.item_held", item=name, why=why, price=item.price)
    return t("result.item_free", item=name, why=why)


def heading(result: ResultView | None) -> tuple[str, str]:
    """The heading's key and kind: all handed out, some, or none."""
    if result is not None and result.ok:
        return "result.heading_ok", "ok"
    if result is not None and any(i.handed_out for i in result.items):
        return "result.heading_partial", "error"
    return "result.heading_failed", "error"


def paid_before(result: ResultView | None) -> int:
    """The coins of the units collected at a pick-up: held when reserved (a pool's 0), so
    captured now without leaving the spendable balance."""
    if result is None:
        return 0
    return sum(i.price for i in result.items if i.handed_out and i.message in COLLECTED)


def money_text(result: ResultView | None, balance: int | None, t: Translator) -> str:
    """What was charged and the balance left (the spendable balance: coins held are not in
    it). A pick-up's coins left the balance when reserved: "no more taken", not taken now."""
    if balance is None:
        return ""
    before = paid_before(result)
    charged = result.charged - before if result is not None else 0
    if charged:
        text = t("result.charged", charged=charged, balance=balance)
    elif result is not None and result.held:
        text = t("member.balance", balance=balance)  # held is not "no coins taken": say neither
    elif before:
        text = t("result.nothing_more_charged", balance=balance)
    else:
        text = t("result.nothing_charged", balance=balance)
    return text  # coins held are said by the message (one item) or each held item's line


def wrapped_lines(label: KioskLabel, width: float, text: str | None = None) -> int:
    """How many lines `label`'s text (or `text` in its font) takes at `width` px (its own font
    and padding)."""
    text = label.text if text is None else text
    if not text:
        return 0
    left, _top, right, _bottom = label.padding
    measure = CoreLabel(
        text=text,
        font_size=label.font_size,
        font_name=label.font_name,
        bold=label.bold,
        text_size=(max(1.0, width - left - right), None),
    )
    measure.refresh()
    return max(1, len(measure._cached_lines))


def fitting_lines(label: KioskLabel, width: float, text: str) -> int:
    """The lines `text` takes in `label` at `width` px; more than a screen has when one of its
    Latin words is wider than a line (Kivy would break it: "Supercalifragilis/tic")."""
    left, _top, right, _bottom = label.padding
    room = width - left - right
    if any(word_width(w, label.font_size, label.bold) > room for w in LATIN_WORD.findall(text)):
        return TOO_MANY_LINES
    return wrapped_lines(label, width, text)


def next_step_text(view: KioskView, t: Translator, hint: bool = True) -> str:
    """On a failure: another locker to try, if any (`hint`), then whom to call (one line)."""
    result = view.result
    if result is None or result.ok:
        return ""
    lines = []
    if hint and result.retry and result.alternative:
        labels = cabinet_lockers([o.locker for o in view.offers] + [result.alternative])
        door = t("locker.name", locker=locker_number(result.alternative, labels))
        lines.append(t("result.retry_hint", locker=door))
    lines.append(t("help.call", phone=view.help_phone) if view.help_phone else t("help.staff"))
    return "    ".join(lines)


def message_font(text: str, several: bool, language: str, app: App) -> float:
    """The message's size: large for one item, smaller when the items' lines need the room or
    the message is long (an ideograph is about twice a Latin letter's width)."""
    width = len(text) * (2 if language == "zh" else 1)
    if several:
        return float(app.font_body)
    return float(app.font_title if width <= 64 else app.font_large)


class ResultScreen(KioskScreen):
    intents: MemberIntents

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self._items: list[tuple[KioskLabel, ItemResult]] = []  # each item's line, and its item
        self._in_cart_order: list[tuple[KioskLabel, ItemResult]] = []
        self._t: Translator | None = None
        # The list's view (px) and the room of the line under it saying what is out of view.
        self._view = 0.0
        self._hint_room = 0.0
        # Counted once the lines are fitted, and again as the member scrolls.
        self._count_more = Clock.create_trigger(self._show_more)
        self.ids.item_scroll.bind(scroll_y=self._count_more)

    def render(self, view: KioskView, t: Translator) -> None:
        super().render(view, t)
        ids = self.ids
        result = view.result
        app = App.get_running_app()
        items = result.items if result else ()
        several = len(items) > 1  # one item is said by the message itself
        key, kind = heading(result)
        ids.heading.show(t(key), kind)
        ids.heading.font_size = app.font_large if several else app.font_title
        ids.heading.height = ids.heading.font_size * 1.4
        # For several items the heading and the items' lines say it all: no message between.
        ids.message.text = t(result.message) if result and not several else ""
        # The room left goes to the message, or with none, under the lines (not above them).
        said = bool(ids.message.text)
        ids.message.size_hint_y = 1 if said else None
        ids.rest.size_hint_y = None if said else 1
        if said:
            ids.rest.height = 0
        else:
            ids.message.height = 0
        ids.message.font_size = message_font(ids.message.text, several, t.language, app)
        ids.item_list.clear_widgets()
        self._items, self._t = [], t
        for item in items if several else ():
            line = KioskLabel(
                text=item_text(item, t),
                halign="left",
                padding=(app.pad, 0),
                bold=not item.handed_out,
                font_size=app.font_body,
            )
            ids.item_list.add_widget(line)
            self._items.append((line, item))
        self._in_cart_order = list(self._items)
        ids.item_scroll.scroll_y = 1  # a new result shows its first lines
        balance = result.balance if result and result.balance is not None else view.balance
        ids.balance.text = money_text(result, balance, t)
        # In large text the "try another locker" button says it; the line keeps the phone.
        ids.next_step.text = next_step_text(view, t, hint=not app.large_text)
        if self.parent is None and self.manager is not None:
            # Not shown yet: it is about to be, at the size its manager gives every screen.
            self.size = self.manager.size
        self.fit_lines()
        ids.done.text = t("result.done")
        retry = bool(result and result.retry)
        ids.retry.text = t("result.retry")
        ids.retry.opacity = 1 if retry else 0
        ids.retry.disabled = not retry
        ids.retry.size_hint_x = 0.4 if retry else 0.001

    def on_size(self, *_args: object) -> None:
        self.fit_lines()

    def fit_lines(self) -> None:
        """Each wrapping line as tall as its lines at the screen's own width (in `kiosk sim` the
        screens sit beside a panel, so the window is wider than they are); the items' lines
        share what room is left, a name too long for it shortened (kiosk/ui/item_lines.py).

        In elder mode a line for each item may not fit (its 6 mm text leaves about three on a
        7-inch screen; a cart holds five): the items' lines are then a list to scroll, the items
        not handed out first, with a line under it saying what is out of view:
        "还有 N 件，向下滑动查看", "上面还有 N 件，向上滑动查看", or both counts. The list's view
        keeps one height wherever it is scrolled (nothing jumps under the member's finger); the
        heading, the money line and the buttons stay on the screen."""
        app = App.get_running_app()
        if app is None or "balance" not in self.ids:
            return  # still being built
        ids = self.ids
        width = self.width - 2 * app.pad
        ids.balance.height = wrapped_lines(ids.balance, width) * app.font_large * 1.5
        ids.next_step.height = wrapped_lines(ids.next_step, width) * app.font_small * 1.6
        line_height = app.font_body * 1.5
        box = ids.column
        fixed = [ids.heading, ids.balance, ids.next_step, ids.done.parent]
        room = self.height - 2 * app.pad - box.spacing * (len(box.children) - 1)
        room -= sum(w.height for w in fixed)
        room_lines = int(room // line_height)
        scrolls = bool(app.large_text) and len(self._items) > room_lines
        self._put_in_order(failed_first=scrolls)
        scroll, grid = ids.item_scroll, ids.item_list
        scroll.do_scroll_y = scrolls
        scroll.bar_width = dp(BAR_WIDTH) if scrolls else 0
        grid.padding = (0, 0, dp(BAR_ROOM), 0) if scrolls else (0, 0, 0, 0)
        if scrolls:
            self._hint_room = self._hint_height(width)
            view_lines = max(1, int((room - self._hint_room) // line_height))
            # Each item's line whole in the view: a name longer than that is shortened.
            lines = self._fit_items(width - dp(BAR_ROOM), room_lines, most=view_lines)
            self._view = view_lines * line_height
        else:
            self._hint_room = 0.0
            lines = self._fit_items(width, room_lines)
            self._view = lines * line_height
        grid.height = lines * line_height
        scroll.height = self._view
        self._show_more()

    def _fit_items(self, width: float, room_lines: int, most: int | None = None) -> int:
        """The items' lines in the lines there is room for (or, in a list to scroll, each in at
        most `most` lines): their lines of text in all."""
        t, lines = self._t, 0
        if t is None:
            return 0
        needs = [wrapped_lines(label, width, item_text(item, t)) for label, item in self._items]
        if most is None:
            shares = share_lines(needs, room_lines)
        else:
            shares = [min(need, most) for need in needs]
        for (label, item), given in zip(self._items, shares, strict=True):
            line_of = partial(item_text, item, t)
            count = partial(fitting_lines, label, width)
            label.text = fit_name(item_name(item, t), given, line_of, count)
            label.size_hint_y = wrapped_lines(label, width)
            lines += int(label.size_hint_y)
        return lines

    def _put_in_order(self, failed_first: bool) -> None:
        """The items' lines in the cart's order; in a list to scroll, the items not handed out
        (not charged) first, so the view shows them before any scrolling."""
        order = list(self._in_cart_order)
        if failed_first:
            order.sort(key=lambda pair: pair[1].handed_out)  # stable: otherwise the cart's
        if order == self._items:
            return
        grid = self.ids.item_list
        grid.clear_widgets()
        for label, _item in order:
            grid.add_widget(label)
        self._items = order

    def _hint_height(self, width: float) -> float:
        """The room the line under the list takes: its longest text, N the most items."""
        more, t = self.ids.more, self._t
        if t is None:
            return 0.0
        app = App.get_running_app()
        most = len(self._items)
        texts = [
            out_of_view(t, above, below) for above, below in ((0, most), (most, 0), (most, most))
        ]
        return max(wrapped_lines(more, width, text) for text in texts) * app.font_body * 1.4

    def items_out_of_view(self) -> tuple[int, int]:
        """Items whose line starts above the scrolled view, and those whose line ends below
        it (not wholly shown)."""
        scroll, grid = self.ids.item_scroll, self.ids.item_list
        if not scroll.do_scroll_y:
            return 0, 0
        view_top = (1 - scroll.scroll_y) * max(0.0, grid.height - scroll.height)
        view_bottom = view_top + scroll.height  # both from the list's top
        line_height = App.get_running_app().font_body * 1.5
        above = below = 0
        top = 0.0
        for label, _item in self._items:
            above += top < view_top - 1
            top += label.size_hint_y * line_height
            below += top > view_bottom + 1
        return above, below

    def _show_more(self, *_args: object) -> None:
        """Under a list to scroll, what is out of its view (items above, below, or both), so
        a member knows to scroll and which way; nothing when the list does not scroll."""
        ids, t = self.ids, self._t
        more, scroll = ids.more, ids.item_scroll
        above, below = self.items_out_of_view()
        if t is None or not (above or below):
            more.text, more.opacity, more.height = "", 0, 0
        else:
            more.text, more.opacity = out_of_view(t, above, below), 1
            more.height = self._hint_room
        scroll.height = self._view
        ids.item_box.height = scroll.height + more.height

    def on_done(self) -> None:
        if self.debounced("finish"):
            self.intents.finish()

    def on_retry(self) -> None:
        if self.view.result and self.view.result.retry and self.debounced("retry"):
            self.intents.retry()


Builder.load_file(str(Path(__file__).with_suffix(".kv")))

""" "Need more time?" (还要更多时间吗？): shown over a member's screen in its last seconds before
an untouched visit ends (KioskView.ends_in), with the seconds counting down. "Yes" keeps the
screen as it was, the cart too (MemberIntents.more_time); "no" ends the visit now.

The core decides when to ask and when the time is up (kiosk/core/visit.py); this only counts
down on the Kivy clock from the seconds the view gave.
"""

from __future__ import annotations

import math
import time
from typing import Any

from kivy.clock import Clock
from kivy.lang import Builder
from kivy.properties import StringProperty
from kivy.uix.floatlayout import FloatLayout

from kiosk.core.view import KioskView, SessionState
from kiosk.ui import widgets  # noqa: F401  (registers the shared widgets' kv rules)
from kiosk.ui.i18n import Translator

Builder.load_string(
    """
#:import theme kiosk.ui.theme

<TimeoutPrompt>:
    canvas.before:
        Color:
            rgba: 0, 0, 0, 0.6
        Rectangle:
            pos: self.pos
            size: self.size
    BoxLayout:
        orientation: "vertical"
        size_hint: 0.84, 0.8
        pos_hint: {"center_x": 0.5, "center_y": 0.5}
        padding: app.pad * 1.5
        spacing: app.spacing
        canvas.before:
            Color:
                rgba: theme.CARD
            RoundedRectangle:
                pos: self.pos
                size: self.size
                radius: [app.radius]
        KioskLabel:
            text: root.question
            font_size: app.font_title
            bold: True
            color: theme.TEXT_STRONG
        KioskLabel:
            id: left
            text: root.left_text
            font_size: app.font_large
        BoxLayout:
            size_hint_y: None
            height: app.touch_target
            spacing: app.spacing * 2
            KioskButton:
                id: no
                text: root.no_text
                font_size: app.font_large
                bg_color: theme.SECONDARY
                on_release: root.dispatch("on_answer", False)
            KioskButton:
                id: yes
                text: root.yes_text
                font_size: app.font_title
                bg_color: theme.CONFIRM
                pressed_color: theme.CONFIRM_PRESSED
                on_release: root.dispatch("on_answer", True)
"""
)


class TimeoutPrompt(FloatLayout):
    """The question over the whole screen; touches never reach the screen beneath it."""

    question = StringProperty("")
    left_text = StringProperty("")
    yes_text = StringProperty("")
    no_text = StringProperty("")

    __events__ = ("on_answer",)

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self._ends_at = 0.0
        self._asked: KioskView | None = None
        self._t: Translator | None = None
        self._tick = Clock.create_trigger(self._count, 0.25, interval=True)

    def ask(self, view: KioskView, t: Translator) -> None:
        """Show the question for `view`: its count starts when the core asks anew (a new view),
        not when the same view is drawn again (in the other language)."""
        self._t = t
        self.question = t("timeout.ask")
        self.yes_text = t("timeout.yes")
        self.no_text = t("timeout.no")
        if view is not self._asked:
            self._asked = view
            self._ends_at = time.monotonic() + (view.ends_in or 0.0)
            self._tick()
        self._count()

    def stop(self) -> None:
        self._tick.cancel()
        self._asked = None

    def seconds_left(self) -> int:
        return max(0, math.ceil(self._ends_at - time.monotonic()))

    def _count(self, *_args: object) -> None:
        if self._t is not None:
            self.left_text = self._t("timeout.left", seconds=self.seconds_left())

    def on_answer(self, more: bool) -> None:
        pass

    def on_touch_down(self, touch: Any) -> bool:
        super().on_touch_down(touch)
        return True  # modal: the screen under it takes no tap while it asks

    def on_touch_move(self, touch: Any) -> bool:
        super().on_touch_move(touch)
        return True

    def on_touch_up(self, touch: Any) -> bool:
        super().on_touch_up(touch)
        return True


def show_prompt(screen: Any, view: KioskView, t: Translator) -> None:
    """Show, update or take away the question on `screen` for `view`."""
    prompt: TimeoutPrompt | None = getattr(screen, "_timeout_prompt", None)
    if view.ends_in is None:
        if prompt is not None and prompt.parent is not None:
            prompt.stop()
            screen.remove_widget(prompt)
        return
    if prompt is None:
        prompt = TimeoutPrompt()
        prompt.bind(on_answer=lambda _w, more: _answer(screen, more))
        screen._timeout_prompt = prompt
    if prompt.parent is None:
        screen.add_widget(prompt)
    prompt.ask(view, t)


def _answer(screen: Any, more: bool) -> None:
    if not screen.debounced("timeout", while_busy=True):
        return
    intents = screen.intents
    if more:
        intents.more_time()
    elif screen.view.state is SessionState.RESULT:
        intents.finish()
    else:
        intents.cancel()

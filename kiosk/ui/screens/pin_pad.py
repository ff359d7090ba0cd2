"""The PIN pad (PIN_ENTRY) for printed cards: big digits, the PIN shown masked, clear,
backspace, OK; a wrong PIN is said plainly with the tries left.

The typed digits are the one thing a screen holds: they go to the core only with OK, and are
forgotten on OK, on leaving the pad and on every notice from the core.
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

from kivy.lang import Builder

from kiosk.core.view import KioskView, MemberIntents, SessionState
from kiosk.ui import widgets  # noqa: F401  (registers the shared widgets' kv rules)
from kiosk.ui.i18n import Translator
from kiosk.ui.screens.base import KioskScreen

MIN_PIN = 4
MAX_PIN = 8
# Two digits within this time are one finger bouncing (or two touch drivers), not two presses.
DIGIT_DEBOUNCE_S = 0.15
MASK = "●"
EMPTY = "_"


class PinPadScreen(KioskScreen):
    intents: MemberIntents

    def __init__(self, **kwargs: Any) -> None:
        self.pin = ""
        self._last_digit = -DIGIT_DEBOUNCE_S
        self._t = Translator()
        super().__init__(**kwargs)

    def render(self, view: KioskView, t: Translator) -> None:
        if self.view.state is not SessionState.PIN_ENTRY or (
            view.notice and view.notice != self.view.notice
        ):
            self.pin = ""  # a new card, or the core answered: start the PIN again
        super().render(view, t)
        self._t = t
        ids = self.ids
        ids.title.text = t("pin.title")
        ids.back.text = t("common.back")
        ids.ok.text = t("pin.ok")
        ids.clear_key.text = t("pin.clear")
        ids.backspace_key.text = t("pin.backspace")
        self._show_pin()

    def _show_pin(self) -> None:
        t, view, ids = self._t, self.view, self.ids
        shown = [MASK] * len(self.pin) + [EMPTY] * max(0, MIN_PIN - len(self.pin))
        ids.dots.text = " ".join(shown)
        ids.ok.disabled = view.busy or len(self.pin) < MIN_PIN
        if view.busy:
            ids.status.show(t("common.wait"), "busy")
        elif view.notice == "error.wrong_pin" and view.attempts_left is not None:
            ids.status.show(t("pin.wrong_left", left=view.attempts_left), "error")
        elif view.notice:
            ids.status.show(t(view.notice), "error")
        else:
            ids.status.show(t("pin.hint"), "plain")

    def on_digit(self, digit: str) -> None:
        now = time.monotonic()
        if self.view.busy or now - self._last_digit < DIGIT_DEBOUNCE_S:
            return
        self._last_digit = now
        if len(self.pin) < MAX_PIN:
            self.pin += digit
        self.touched()
        self._show_pin()

    def on_backspace(self) -> None:
        self.pin = self.pin[:-1]
        self.touched()
        self._show_pin()

    def on_clear(self) -> None:
        self.pin = ""
        self.touched()
        self._show_pin()

    def on_ok(self) -> None:
        if len(self.pin) >= MIN_PIN and self.debounced("ok"):
            pin, self.pin = self.pin, ""
            self.intents.enter_pin(pin)
            self._show_pin()

    def on_back(self) -> None:
        if self.debounced("back", while_busy=True):
            self.pin = ""
            self.intents.back()


Builder.load_file(str(Path(__file__).with_suffix(".kv")))

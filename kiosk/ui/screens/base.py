"""What every screen is: it renders a KioskView and sends KioskIntents, and keeps no visit state."""

from __future__ import annotations

import time

from kivy.uix.screenmanager import Screen

from kiosk.core.view import KioskIntents, KioskView
from kiosk.ui.i18n import Translator

# A second tap within this time is ignored, so a double tap never acts twice.
DEBOUNCE_S = 1.0


class KioskScreen(Screen):
    """Base of the kiosk's screens."""

    def __init__(self, intents: KioskIntents, **kwargs: object) -> None:
        self.intents = intents
        self.view = KioskView()
        self._last_taps: dict[str, float] = {}
        super().__init__(**kwargs)

    def render(self, view: KioskView, t: Translator) -> None:
        """Show `view` in the language of `t`. Called on the Kivy thread only."""
        self.view = view

    def debounced(self, target: str = "", while_busy: bool = False) -> bool:
        """True when a tap on `target` may act now: that target did not act within DEBOUNCE_S,
        and the kiosk is not busy (unless `while_busy`: a way back must work while the kiosk
        waits on the ledger). A double tap hits one target twice; a tap on another target
        (the item, then "next") is a new tap."""
        now = time.monotonic()
        if (self.view.busy and not while_busy) or now - self._last_taps.get(
            target, -DEBOUNCE_S
        ) < DEBOUNCE_S:
            return False
        self._last_taps[target] = now
        return True

    def touched(self) -> None:
        """A touch that changes nothing in the core (paging, typing a digit): restart the timer."""
        self.intents.touched()

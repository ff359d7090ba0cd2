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
        self._last_tap = -DEBOUNCE_S
        super().__init__(**kwargs)

    def render(self, view: KioskView, t: Translator) -> None:
        """Show `view` in the language of `t`. Called on the Kivy thread only."""
        self.view = view

    def debounced(self, while_busy: bool = False) -> bool:
        """True when a tap may act now: no tap acted within DEBOUNCE_S, and the kiosk is not
        busy (unless `while_busy`: a way back must work while the kiosk waits on the ledger)."""
        now = time.monotonic()
        if (self.view.busy and not while_busy) or now - self._last_tap < DEBOUNCE_S:
            return False
        self._last_tap = now
        return True

    def touched(self) -> None:
        """A touch that changes nothing in the core (paging, typing a digit): restart the timer."""
        self.intents.touched()

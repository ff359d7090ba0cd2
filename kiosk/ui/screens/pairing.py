"""The pairing screen (PAIRING): the kiosk's own QR code for the member's phone, how long it is
still good for, and a way back.
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

from kivy.clock import Clock
from kivy.lang import Builder

from kiosk.core.view import KioskView, MemberIntents, SessionState
from kiosk.ui import (
    qr,  # noqa: F401  (QRCodeView for the kv rule)
    widgets,  # noqa: F401  (registers the shared widgets' kv rules)
)
from kiosk.ui.i18n import Translator
from kiosk.ui.screens.base import KioskScreen


def countdown_text(seconds: float) -> str:
    """`m:ss` of the seconds left, never below 0:00."""
    left = max(0, int(seconds + 0.999))
    return f"{left // 60}:{left % 60:02d}"


class PairingScreen(KioskScreen):
    intents: MemberIntents

    def __init__(self, **kwargs: Any) -> None:
        self._t = Translator()
        self._pairing = ""
        self._deadline = 0.0  # time.monotonic() when the shown code expires
        self._tick = Clock.create_trigger(self._show_status, 1.0, interval=True)
        super().__init__(**kwargs)

    def render(self, view: KioskView, t: Translator) -> None:
        super().render(view, t)
        self._t = t
        ids = self.ids
        ids.title.text = t("pairing.title")
        ids.hint.text = t("pairing.hint")
        ids.back.text = t("common.back")
        pairing = view.pairing if view.state is SessionState.PAIRING else None
        if pairing is None:
            self._pairing = ""
            ids.qr.data = ""
        elif pairing.pairing != self._pairing:
            # The countdown runs from when this pairing was first shown.
            self._pairing = pairing.pairing
            self._deadline = time.monotonic() + pairing.expires_in
            ids.qr.data = pairing.url
        if self._pairing:
            self._tick()
        else:
            self._tick.cancel()
        self._show_status()

    def _show_status(self, _dt: float = 0) -> None:
        t, view = self._t, self.view
        if view.notice:
            self.ids.status.show(t(view.notice), "error")
        elif not self._pairing:
            self.ids.status.show(t("common.wait"), "busy")
        else:
            left = self._deadline - time.monotonic()
            if left <= 0:
                self._tick.cancel()
            self.ids.status.show(t("pairing.left", time=countdown_text(left)), "plain")

    def on_leave(self, *_args: object) -> None:
        self._tick.cancel()

    def on_back(self) -> None:
        if self.debounced("back", while_busy=True):
            self.intents.back()


Builder.load_file(str(Path(__file__).with_suffix(".kv")))

"""Hands a keyboard-wedge QR scanner's keystrokes from Kivy's window to its decoder.

The decoder (drivers/scanner/wedge.py) comes from the composition root as a `feed(key, t)`
callable, so the UI imports no driver. Keys arrive on the Kivy thread; the decoder is pure and
the code handler (the controller's present_code) returns at once, so nothing here blocks.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

ENTER_KEYCODES = (13, 271)  # Return, and Enter on the numeric keypad


class KeyboardWedge:
    """Binds Window.on_textinput (characters) and on_key_down (Enter) to `feed`."""

    def __init__(
        self,
        feed: Callable[[str, float], None],
        window: Any = None,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.feed = feed
        self._window = window
        self._clock = clock
        self._bound = False

    def start(self) -> None:
        if self._bound:
            return
        if self._window is None:
            from kivy.core.window import Window

            self._window = Window
        self._window.bind(on_textinput=self._on_text, on_key_down=self._on_key_down)
        self._bound = True

    def _on_text(self, _window: Any, text: str) -> bool:
        now = self._clock()
        for ch in text:
            self.feed(ch, now)
        return False  # let other widgets see the keys too

    def _on_key_down(self, _window: Any, key: int, *_args: Any) -> bool:
        if key in ENTER_KEYCODES:
            self.feed("enter", self._clock())
        return False

    def close(self) -> None:
        if self._bound and self._window is not None:
            self._window.unbind(on_textinput=self._on_text, on_key_down=self._on_key_down)
        self._bound = False

"""A keyboard-wedge QR scanner: a USB scanner that "types" each code followed by Enter.

The decoder is pure: fed key events with their times, it tells a scanner's burst (keystrokes
closer together than a person types, ending in Enter, long enough to be a code) from a person
typing on a keyboard plugged in for service. The UI feeds it (kiosk/ui/wedge.py).
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from drivers.scanner.codes import MAX_CODE, accept_code

log = logging.getLogger(__name__)

ENTER_KEYS = frozenset({"enter", "return", "numpadenter", "\r", "\n"})
MAX_GAP = 0.05  # seconds between a scanner's keystrokes; fast typists stay above ~80 ms
MIN_LENGTH = 6  # the shortest code worth a ledger call ("tb1:" alone is 4)


class WedgeDecoder:
    """Collects one burst at a time and delivers each scanned code to `on_code`."""

    def __init__(
        self,
        on_code: Callable[[str], None],
        *,
        max_gap: float = MAX_GAP,
        min_length: int = MIN_LENGTH,
        source: str = "keyboard wedge",
    ) -> None:
        self.on_code = on_code
        self.max_gap, self.min_length, self.source = max_gap, min_length, source
        self._burst: list[str] = []
        self._last: float | None = None
        self._overflow = False
        self.delivered = 0
        self.dropped = 0

    def feed(self, key: str, t: float) -> None:
        """One key event: a typed character, or a key name such as "enter" or "shift"."""
        slow = self._last is not None and t - self._last > self.max_gap
        self._last = t
        if slow:
            self._reset()  # a pause: whatever came before was typed by hand
        if key.lower() in ENTER_KEYS or key in ENTER_KEYS:
            self._end_burst()
        elif len(key) == 1:
            if len(self._burst) >= MAX_CODE:
                self._overflow = True
            else:
                self._burst.append(key)
        # Other named keys (shift, caps lock) carry no character: a scanner's shifts are ignored.

    def _end_burst(self) -> None:
        text, overflow = "".join(self._burst), self._overflow
        self._reset()
        self._last = None
        if overflow:
            self.dropped += 1
            log.warning("%s: burst longer than %d characters dropped", self.source, MAX_CODE)
            return
        if len(text) < self.min_length:
            return  # Enter typed by hand, or a few quick keys: not a scan
        code = accept_code(text, self.source)
        if code is None:
            self.dropped += 1
            return
        self.delivered += 1
        try:
            self.on_code(code)
        except Exception:  # the UI thread feeding us must not die of a handler bug
            log.exception("%s: code handler failed", self.source)

    def _reset(self) -> None:
        self._burst = []
        self._overflow = False

    def status(self) -> dict[str, object]:
        return {"kind": "keyboard wedge", "delivered": self.delivered, "dropped": self.dropped}


class WedgeScanner:
    """Implements kiosk.core.interfaces.CodeReader for a keyboard wedge. The UI's key binding
    (kiosk/ui/wedge.py) calls `feed`; codes go to the callback given to `start`."""

    def __init__(self, *, max_gap: float = MAX_GAP, min_length: int = MIN_LENGTH) -> None:
        self.decoder = WedgeDecoder(self._deliver, max_gap=max_gap, min_length=min_length)
        self._on_code: Callable[[str], None] | None = None

    def start(self, on_code: Callable[[str], None]) -> None:
        self._on_code = on_code

    def feed(self, key: str, t: float) -> None:
        self.decoder.feed(key, t)

    def _deliver(self, code: str) -> None:
        if self._on_code is None:
            log.info("%s: code before start or after close dropped", self.decoder.source)
            return
        self._on_code(code)

    def status(self) -> dict[str, object]:
        return {**self.decoder.status(), "state": "open" if self._on_code else "closed"}

    def close(self) -> None:
        self._on_code = None

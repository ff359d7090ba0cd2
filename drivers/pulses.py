"""One unlock pulse per vend: the vend keys a lock driver has already pulsed for, so a second
unlock for the same vend is refused before it reaches a lock (every LockBoard implementation
keeps the rule the same way).
"""

from __future__ import annotations

import threading
from collections import OrderedDict

from drivers.errors import AlreadyUnlocked
from kiosk.core.interfaces import LockerAddress

# Vend keys remembered per process; the journal guards the same rule across restarts.
REMEMBERED_VENDS = 512


class PulsedVends:
    """The vends whose unlock went out (or was about to), newest last."""

    def __init__(self, remembered: int = REMEMBERED_VENDS) -> None:
        self._remembered = remembered
        self._pulsed: OrderedDict[str, LockerAddress] = OrderedDict()
        self._lock = threading.Lock()

    def claim(self, vend: str | None, locker: LockerAddress) -> None:
        """Record that `vend` pulses `locker` now; AlreadyUnlocked if it already did. Called
        before sending: a send that fails half-way must not be repeated either. A pulse for
        no vend (a technician's lock test) is not remembered."""
        if vend is None:
            return
        with self._lock:
            if vend in self._pulsed:
                raise AlreadyUnlocked(f"vend {vend}: unlock of {self._pulsed[vend]} already sent")
            self._pulsed[vend] = locker
            while len(self._pulsed) > self._remembered:
                self._pulsed.popitem(last=False)

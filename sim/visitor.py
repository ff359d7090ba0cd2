"""The people at the simulated cabinet: a visitor who takes the item when a door springs open.

A real member keeps a door open for seconds, far longer than the kiosk needs to see it; with
the rig's short timings and the line faults of a soak, a visitor on a fixed clock would shut
the door before a kiosk that is riding out a garbled answer has looked. So the visitor waits
until the kiosk says it saw the door open (`kiosk_saw`), or until their patience runs out;
meanwhile they see to every other door that opens (one slow door must not hold up the rest).
"""

from __future__ import annotations

import random
import threading
import time

from sim.world import Cabinet


class Visitor:
    """Someone always at the cabinet: when a door springs open they take one item (if any) and
    shut it. `shy` is the chance they walk off without it; it applies only to a locker's last
    item, the one case a kiosk can tell (with more behind the door its item sensor stays lit and
    a door opened and closed counts as handed out: docs/architecture.md, "The vend
    transaction"). With `patience` 0 they act after
    a fixed moment, as before any kiosk could tell them what it saw."""

    def __init__(
        self,
        cabinet: Cabinet,
        rng: random.Random,
        shy: float = 0.0,
        patience: float = 0.0,
        reach: float = 0.03,
    ) -> None:
        """`reach`: with no `patience`, how long they take at an open door. Much shorter than
        the kiosk's [vend] poll_interval, a door opens and shuts between two polls, which no
        person does: the kiosk then sees a door that never opened, voids and flags the locker."""
        self.cabinet = cabinet
        self.reach = reach
        self.rng = rng
        self.shy = shy
        self.patience = patience
        self.took = 0
        self.walked_off = 0
        self.tired = 0  # doors shut because the kiosk never said it saw them open
        self._seen: dict[str, float] = {}  # locker -> when the kiosk last saw its door open
        self._seen_lock = threading.Lock()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="visitor", daemon=True)

    def start(self) -> Visitor:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(5)

    def kiosk_saw(self, locker: str) -> None:
        """The kiosk has seen this locker's door open (its `door_opened` step)."""
        with self._seen_lock:
            self._seen[locker] = time.monotonic()

    def _run(self) -> None:
        opened_at: dict[str, float] = {}  # doors found open, and when
        # When each door was last known shut: what the kiosk saw before then is old news.
        shut_at: dict[str, float] = {}
        while not self._stop.wait(0.005):
            now = time.monotonic()  # taken before looking, so a door seen shut was shut then
            for lk in self.cabinet.lockers():
                name = f"{lk.board}:{lk.lock}"
                if not lk.door_open:
                    opened_at.pop(name, None)
                    shut_at[name] = now
                    continue
                first = opened_at.setdefault(name, now)
                if not self._ready(name, shut_at.get(name, 0.0), now - first):
                    continue
                if lk.items == 1 and self.rng.random() < self.shy:
                    self.walked_off += 1
                elif self.cabinet.take_item(lk.board, lk.lock):
                    self.took += 1
                self.cabinet.close_door(lk.board, lk.lock)
                shut_at[name] = time.monotonic()
                del opened_at[name]

    def _ready(self, name: str, shut_at: float, open_for: float) -> bool:
        """Has the kiosk seen this door open (or has the visitor waited long enough)?"""
        if self.patience <= 0:
            return open_for >= self.reach
        with self._seen_lock:
            if self._seen.get(name, -1.0) > shut_at:
                return True
        if open_for >= self.patience:
            self.tired += 1
            return True
        return False

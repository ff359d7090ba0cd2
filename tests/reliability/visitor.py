"""The people at the simulated cabinet: a visitor who takes the item when a door springs open.

A real member keeps a door open for seconds, far longer than the kiosk needs to see it; with
the rig's short timings and the line faults of a soak, a visitor on a fixed clock would shut
the door before a kiosk that is riding out a garbled answer has looked. So the visitor waits
until the kiosk says it saw the door open (`kiosk_saw`), or until their patience runs out.
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
    a door opened and closed counts as handed out, DESIGN.md). With `patience` 0 they act after
    a fixed moment, as before any kiosk could tell them what it saw."""

    def __init__(
        self, cabinet: Cabinet, rng: random.Random, shy: float = 0.0, patience: float = 0.0
    ) -> None:
        self.cabinet = cabinet
        self.rng = rng
        self.shy = shy
        self.patience = patience
        self.took = 0
        self.walked_off = 0
        self.tired = 0  # doors shut because the kiosk never said it saw them open
        self._seen: set[str] = set()
        self._seen_changed = threading.Condition()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="visitor", daemon=True)

    def start(self) -> Visitor:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stop.set()
        with self._seen_changed:
            self._seen_changed.notify_all()
        self._thread.join(5)

    def kiosk_saw(self, locker: str) -> None:
        """The kiosk has seen this locker's door open (its `door_opened` step)."""
        with self._seen_changed:
            self._seen.add(locker)
            self._seen_changed.notify_all()

    def _run(self) -> None:
        while not self._stop.wait(0.005):
            for lk in self.cabinet.lockers():
                if not lk.door_open:
                    continue
                name = f"{lk.board}:{lk.lock}"
                self._wait_for_kiosk(name)
                if lk.items == 1 and self.rng.random() < self.shy:
                    self.walked_off += 1
                elif self.cabinet.take_item(lk.board, lk.lock):
                    self.took += 1
                self.cabinet.close_door(lk.board, lk.lock)

    def _wait_for_kiosk(self, name: str) -> None:
        if self.patience <= 0:
            self._stop.wait(0.03)  # the kiosk polls faster than this when nothing is wrong
            return
        deadline = time.monotonic() + self.patience
        with self._seen_changed:
            while name not in self._seen and not self._stop.is_set():
                left = deadline - time.monotonic()
                if left <= 0:
                    self.tired += 1
                    break
                self._seen_changed.wait(left)
            self._seen.discard(name)

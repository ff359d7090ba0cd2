"""Faults that strike at random moments from their own thread, not between vends: the ledger
restarting, and the serial line going silent, late, garbled, split or unplugged.

Each is a context manager around the vends it disturbs, seeded so a failing run can be replayed
(the thread timing still varies, the choices and their order do not), and counts what it did so
a test can show the faults really happened:

    with LedgerRestarts(rig, random.Random(seed)) as restarts:
        for _ in range(500):
            rig.vend()
    assert restarts.during_vend > 0
"""

from __future__ import annotations

import random
import threading
from collections import Counter
from typing import Any

from tests.reliability.rig import VendRig


class _Striker:
    """A thread that sleeps a random while, strikes, and repeats until stopped. It may be
    entered again (a new thread), keeping its generator and its counts: faults off for a
    checkpoint, then on again where they left off."""

    name = "faults"

    def __init__(self, rng: random.Random, every: tuple[float, float]) -> None:
        self.rng = rng
        self.every = every
        self.errors: list[str] = []  # a fault that could not be carried out fails the test
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def __enter__(self) -> Any:
        self._stop.clear()
        self._thread = threading.Thread(target=self._run, name=self.name, daemon=True)
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(30)
        self._after()

    def _run(self) -> None:
        while not self._stop.wait(self.rng.uniform(*self.every)):
            try:
                self._strike()
            except Exception as e:  # recorded, and the thread goes on disturbing
                self.errors.append(f"{type(e).__name__}: {e}")

    def _strike(self) -> None:
        raise NotImplementedError

    def _after(self) -> None:
        """Undo whatever a strike left in place."""


class LedgerRestarts(_Striker):
    """The ledger stops serving and starts again on its port (a new app on the same database,
    as a restarted process would be), every few seconds. Half the time it waits for a vend to be
    under way and strikes a moment into it (hold, unlock, capture...)."""

    name = "ledger-restarts"

    def __init__(
        self,
        rig: VendRig,
        rng: random.Random,
        every: tuple[float, float] = (2.0, 6.0),
        down_for: tuple[float, float] = (0.05, 0.5),
    ) -> None:
        super().__init__(rng, every)
        self.rig = rig
        self.down_for = down_for
        self.during_vend = 0
        self.between_vends = 0

    def _strike(self) -> None:
        if self.rng.random() < 0.5:
            while not self.rig.vending.wait(0.05):
                if self._stop.is_set():
                    return
            self._stop.wait(self.rng.uniform(0.0, 0.05))
        in_vend = self.rig.vending.is_set()
        self.rig.restart_ledger(self.rng.uniform(*self.down_for))
        if in_vend:
            self.during_vend += 1
        else:
            self.between_vends += 1


class LineFaults(_Striker):
    """The lock board's line misbehaves for a spell: no answers, late answers (past the driver's
    timeout, or only slow), garbled answers, answers in two pieces, or the adapter unplugged.

    Spells stay shorter than the kiosk's patience at the locker (the rig's door_open_timeout):
    a longer silence through an unlock leaves the vend for start-up recovery, and with many
    items behind one door nobody can tell afterwards whether the member took one
    (docs/architecture.md, "Recovery";
    the kiosk flags the locker for inspection). That is the crash matrix's ground, not a soak's.
    """

    name = "line-faults"
    KINDS = ("silent", "late", "slow", "corrupt", "split", "unplug")

    def __init__(
        self, rig: VendRig, rng: random.Random, every: tuple[float, float] = (0.5, 3.0)
    ) -> None:
        super().__init__(rng, every)
        self.board = rig.site.board
        self.timeout = rig.profile.command_timeout
        self.counts: Counter[str] = Counter()
        self._next: list[str] = []

    def _strike(self) -> None:
        if not self._next:  # every kind once per round, in a random order
            self._next = self.rng.sample(self.KINDS, len(self.KINDS))
        kind = self._next.pop()
        self.counts[kind] += 1
        spell = self.rng.uniform(0.05, 0.4)
        if kind == "silent":
            self._for_a_spell("silent", True, spell)
        elif kind == "late":  # answers arrive after the driver stopped listening
            self._for_a_spell("delay", self.timeout * 1.5, spell)
        elif kind == "slow":
            self._for_a_spell("delay", self.timeout * 0.4, spell * 4)
        elif kind == "corrupt":
            self.board.fault("corrupt", self.rng.randint(1, 3))
        elif kind == "split":
            self._for_a_spell("split", self.rng.uniform(0.001, self.timeout / 4), spell * 4)
        else:
            self.board.unplug(spell)

    def _for_a_spell(self, fault: str, value: object, seconds: float) -> None:
        self.board.fault(fault, value)
        self._stop.wait(seconds)
        self.board.clear_faults()

    def _after(self) -> None:
        self.board.clear_faults()

"""The simulated cabinet: lockers with doors, latches, items and a visitor's hands.

Board simulators read and change it from their threads, the hardware panel and tests from
theirs; one lock guards it all.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, replace


@dataclass
class SimLocker:
    """One locker. A released latch lets the door spring open; closing the door re-latches."""

    board: int
    lock: int
    sku: str = ""
    items: int = 0
    door_open: bool = False
    latched: bool = True
    jammed: bool = False
    pulses: int = 0
    hook_broken: bool = False  # a cut sensor cable: the hook reads open whatever the lock does

    @property
    def hook_open(self) -> bool:
        return self.hook_broken or not self.latched or self.door_open

    @property
    def item_present(self) -> bool:
        return self.items > 0


class Cabinet:
    """A cabinet of simulated lockers, addressed (board, lock) with lock 1-based."""

    def __init__(self, lockers: list[SimLocker] | tuple[SimLocker, ...] = ()) -> None:
        self._lock = threading.Lock()
        self._lockers: dict[tuple[int, int], SimLocker] = {}
        for locker in lockers:
            key = (locker.board, locker.lock)
            if key in self._lockers:
                raise ValueError(f"locker {locker.board}:{locker.lock} is listed twice")
            self._lockers[key] = replace(locker)

    @classmethod
    def demo(cls, board: int = 0) -> Cabinet:
        """One board (default address 0), locks 1..6 stocked with the demo catalog's goods."""
        stock = [("tissues", 3), ("water", 2), ("rice", 1), ("soap", 2), ("noodles", 2), ("oil", 1)]
        return cls(
            [SimLocker(board, n, sku, items) for n, (sku, items) in enumerate(stock, start=1)]
        )

    # -- what the lock board does ------------------------------------------------------------

    def release(self, board: int, lock: int) -> bool:
        """One unlock pulse. True when the latch let go (a jammed lock holds)."""
        with self._lock:
            locker = self._get(board, lock)
            locker.pulses += 1
            if locker.jammed:
                return False
            locker.latched = False
            locker.door_open = True  # the spring pushes the door open
            return True

    def hook_open(self, board: int, lock: int) -> bool:
        with self._lock:
            return self._get(board, lock).hook_open

    def item_present(self, board: int, lock: int) -> bool:
        with self._lock:
            return self._get(board, lock).item_present

    def board_bits(self, board: int, count: int = 16) -> tuple[tuple[bool, ...], tuple[bool, ...]]:
        """(hooks, items) for locks 1..count of one board; missing lockers read closed/empty."""
        with self._lock:
            lockers = [self._lockers.get((board, n)) for n in range(1, count + 1)]
            hooks = tuple(bool(lk and lk.hook_open) for lk in lockers)
            items = tuple(bool(lk and lk.item_present) for lk in lockers)
            return hooks, items

    # -- what a visitor or technician does ---------------------------------------------------

    def open_door(self, board: int, lock: int) -> bool:
        """Pull the door; it opens only when unlatched."""
        with self._lock:
            locker = self._get(board, lock)
            if locker.latched:
                return False
            locker.door_open = True
            return True

    def take_item(self, board: int, lock: int) -> bool:
        """Take one item out; only through an open door, only when there is one."""
        with self._lock:
            locker = self._get(board, lock)
            if not locker.door_open or locker.items == 0:
                return False
            locker.items -= 1
            return True

    def close_door(self, board: int, lock: int) -> None:
        """Push the door shut; the latch catches it."""
        with self._lock:
            locker = self._get(board, lock)
            locker.door_open = False
            locker.latched = True

    def restock(self, board: int, lock: int, items: int, sku: str | None = None) -> None:
        with self._lock:
            locker = self._get(board, lock)
            locker.items = items
            if sku is not None:
                locker.sku = sku

    def jam(self, board: int, lock: int, jammed: bool = True) -> None:
        with self._lock:
            self._get(board, lock).jammed = jammed

    def break_hook(self, board: int, lock: int, broken: bool = True) -> None:
        """Cut (or mend) the lock's hook sensor cable: it then reads open, shut or not."""
        with self._lock:
            self._get(board, lock).hook_broken = broken

    # -- what tests and the panel look at ----------------------------------------------------

    def pulses(self, board: int, lock: int) -> int:
        """How many unlock pulses this locker has received."""
        with self._lock:
            return self._get(board, lock).pulses

    def locker(self, board: int, lock: int) -> SimLocker:
        """A snapshot copy of one locker."""
        with self._lock:
            return replace(self._get(board, lock))

    def lockers(self) -> list[SimLocker]:
        """Snapshot copies of every locker, in address order."""
        with self._lock:
            return [replace(self._lockers[key]) for key in sorted(self._lockers)]

    def boards(self) -> list[int]:
        with self._lock:
            return sorted({board for board, _ in self._lockers})

    def _get(self, board: int, lock: int) -> SimLocker:
        try:
            return self._lockers[(board, lock)]
        except KeyError:
            raise KeyError(f"no locker {board}:{lock} in this cabinet") from None

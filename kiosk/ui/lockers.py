"""How lockers are named on screen and laid out in the cabinet drawing (pure, no Kivy).

The core names a locker `BOARD:LOCK` (docs/protocols.md, "Lock boards"); a member sees only a
number on the door.
"""

from __future__ import annotations

import math
from collections.abc import Iterable

from kiosk.core.interfaces import LockerAddress


def parse_locker(label: str) -> tuple[int, int] | None:
    """(board, lock) of a `BOARD:LOCK` label, or None when it is not one."""
    try:
        address = LockerAddress.parse(label)
    except ValueError:
        return None
    return address.board, address.lock


def cabinet_lockers(labels: Iterable[str]) -> list[str]:
    """The distinct locker labels, in board then lock order (unparsable ones last)."""
    unique = set(labels)
    return sorted(unique, key=lambda s: (parse_locker(s) is None, parse_locker(s) or (0, 0), s))


def locker_number(label: str, all_labels: Iterable[str] = ()) -> str:
    """What is printed on the door: the lock number, or `board-lock` when several boards exist."""
    parsed = parse_locker(label)
    if parsed is None:
        return label
    boards = {p[0] for p in map(parse_locker, [label, *all_labels]) if p is not None}
    board, lock = parsed
    return str(lock) if len(boards) <= 1 else f"{board}-{lock}"


def grid_shape(count: int, aspect: float = 1.0) -> tuple[int, int]:
    """(columns, rows) for `count` lockers in a box of width/height `aspect`, near-square cells."""
    if count <= 0:
        return 0, 0
    cols = max(1, min(count, round(math.sqrt(count * aspect))))
    rows = math.ceil(count / cols)
    return cols, rows

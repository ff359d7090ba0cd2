"""`kiosk board capture`: talk to a lock-board bus through a recording link and write every
byte both ways, with timestamps, to a file a technician can send (docs/protocols.md,
"Captures"). No kiosk may be running on the port at the same time.
"""

from __future__ import annotations

import argparse
import sys
import time
from typing import Any

from kiosk.core.errors import LockBoardError
from kiosk.core.interfaces import LockerAddress

# Between two rounds of status reads while --seconds runs: a door opened by hand shows.
ROUND = 0.5


def add_arguments(c: Any) -> None:
    c.add_argument("--out", required=True, help="the capture file to write (JSON lines)")
    c.add_argument(
        "--seconds",
        type=float,
        default=0.0,
        help="keep reading the boards that answered this long (open a door by hand meanwhile)",
    )
    c.add_argument(
        "--board",
        type=int,
        action="append",
        help="bus address to read (repeatable; default: every address of the family)",
    )
    c.add_argument("--open", metavar="BOARD:LOCK", help="also pulse this lock once, at the end")


def run(args: argparse.Namespace, board: Any, capture: Any) -> int:
    """Read every board asked for, keep reading for --seconds, optionally open one lock."""
    from drivers.lockboard.base import state_bits

    addresses = args.board or list(range(board.first_board, board.last_board + 1))
    answered = []
    for address in addresses:
        if _read(board, capture, address, state_bits):
            answered.append(address)
    deadline = time.monotonic() + args.seconds
    while answered and time.monotonic() < deadline:
        time.sleep(ROUND)
        for address in answered:
            _read(board, capture, address, state_bits)
    opened = _open(board, capture, LockerAddress.parse(args.open)) if args.open else ""
    print(f"capture: {capture.path}")
    for address in addresses:
        print(f"  board {address}: {_describe(board, address, address in answered)}")
    if opened:
        print(f"  {opened}")
    print(f"  {capture.sent_bytes} bytes sent, {capture.received_bytes} bytes received")
    if not answered:
        print("kiosk board capture: no board answered", file=sys.stderr)
        return 1
    return 0


def _read(board: Any, capture: Any, address: int, state_bits: Any) -> bool:
    try:
        states = board.status(address)
    except LockBoardError as e:
        capture.note(f"status of board {address}", error=str(e))
        return False
    locks = {str(n): state_bits(s) for n, s in sorted(states.items())}
    capture.note(f"status of board {address}", locks=locks)
    return True


def _open(board: Any, capture: Any, locker: LockerAddress) -> str:
    """Pulse one lock; what happened, in a line."""
    try:
        result = board.open(locker)
    except LockBoardError as e:
        capture.note(f"open {locker}", error=str(e))
        return f"open {locker}: {e}"
    capture.note(f"open {locker}", **result.as_dict())
    how = "answered the unlock" if result.answered else "answered the status read after it"
    return f"open {locker}: accepted (the board {how})"


def _describe(board: Any, address: int, answered: bool) -> str:
    if not answered:
        return "no answer"
    dialect = getattr(board, "dialect", None)
    if dialect is not None and dialect(address) is not None:
        return f"answered ({dialect(address).value} firmware)"
    return "answered"

"""Simulated lock board buses on a pty or a TCP socket, answering like the real boards.

The real driver opens `.url` (a stable symlink to the pty, or socket://127.0.0.1:PORT)
unchanged, so the code under test is the code that runs in the cabinet. Kerong boards live in
sim/lockboard/kerong.py, XOR boards in sim/lockboard/xor.py, the faults in sim/lockboard/base.py,
the line itself in sim/lockboard/port.py; `python -m sim.lockboard` is sim/lockboard/__main__.py.

    python -m sim.lockboard --protocol kerong|xor [--pty [LINK] | --tcp PORT] [--pace]
                            [--echo] [--channels N] [--control PORT] [--scanner]
    python -m sim.lockboard --replay CAPTURE [--pty [LINK] | --tcp PORT]

prints where it listens, one `name: where` line each (lockboard, scanner, control), then
serves until interrupted. Kerong boards answer as current CU16 firmware does (0x35 status
replies, unlocks unanswered); --echo makes them the older firmware that echoes every command.
With --control, faults are injected from another shell with
`python -m sim.fault --control PORT jam 0:3` (see sim/fault.py).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sim.lockboard.base import SimBoard
from sim.lockboard.kerong import SimKerongBoard
from sim.lockboard.xor import SimXorBoard
from sim.world import Cabinet

__all__ = ["FIRST_BOARD", "SimBoard", "SimKerongBoard", "SimXorBoard", "make_board"]

FIRST_BOARD = {"kerong": 0, "xor": 1}


def make_board(
    protocol: str,
    cabinet: Cabinet | None = None,
    pace: bool = False,
    *,
    tcp_port: int | None = None,
    link: str | Path | None = None,
    echo: bool = False,
    channels: int | None = None,
) -> SimBoard[Any]:
    """A simulated bus of `protocol` boards; without a cabinet, the demo cabinet on the
    protocol's first bus address. `echo`: Kerong boards of the older, echoing firmware;
    `channels`: the size of XOR boards (default 24)."""
    if protocol not in FIRST_BOARD:
        raise ValueError(f"protocol {protocol!r} is not one of {', '.join(FIRST_BOARD)}")
    cabinet = cabinet or Cabinet.demo(FIRST_BOARD[protocol])
    boards = cabinet.boards() or [FIRST_BOARD[protocol]]
    if protocol == "kerong":
        if channels is not None:
            raise ValueError("channels: kerong boards always have 16")
        return SimKerongBoard(cabinet, boards, pace, tcp_port=tcp_port, link=link, echo=echo)
    if echo:
        raise ValueError("echo: only kerong boards come in an echoing firmware")
    size = {} if channels is None else {"channels": channels}
    return SimXorBoard(cabinet, boards, pace, tcp_port=tcp_port, link=link, **size)

"""Simulated lock board buses on a pty or a TCP socket, answering like the real boards.

The real driver opens `.url` (a stable symlink to the pty, or socket://127.0.0.1:PORT)
unchanged, so the code under test is the code that runs in the cabinet. Kerong boards live in
sim/lockboard/kerong.py, XOR boards in sim/lockboard/xor.py, WKLY boards (which report door
changes unasked) in sim/lockboard/wkly.py, the faults in sim/lockboard/base.py,
the line itself in sim/lockboard/port.py; `python -m sim.lockboard` is sim/lockboard/__main__.py.

    python -m sim.lockboard --protocol kerong|xor|wkly [--pty [LINK] | --tcp PORT] [--pace]
                            [--echo] [--channels N] [--baud N] [--swapped] [--control PORT]
                            [--scanner]
    python -m sim.lockboard --replay CAPTURE [--pty [LINK] | --tcp PORT]

prints where it listens, one `name: where` line each (lockboard, scanner, control), then
serves until interrupted. Kerong boards answer as current CU16 firmware does (0x35 status
replies, unlocks unanswered); --echo makes them the older firmware that echoes every command.
--baud: the board's line speed (default the family's); on a pty a host at another speed gets
no answer. --swapped: the A and B wires swapped (every byte inverted both ways).
With --control, faults are injected from another shell with
`python -m sim.fault --control PORT jam 0:3` (see sim/fault.py).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sim.lockboard.base import SimBoard
from sim.lockboard.kerong import SimKerongBoard
from sim.lockboard.wkly import SimWklyBoard
from sim.lockboard.xor import SimXorBoard
from sim.world import Cabinet

__all__ = [
    "FIRST_BOARD",
    "SimBoard",
    "SimKerongBoard",
    "SimWklyBoard",
    "SimXorBoard",
    "make_board",
]

FIRST_BOARD = {"kerong": 0, "xor": 1, "wkly": 0}


def make_board(
    protocol: str,
    cabinet: Cabinet | None = None,
    pace: bool = False,
    *,
    tcp_port: int | None = None,
    link: str | Path | None = None,
    echo: bool = False,
    channels: int | None = None,
    baud: int | None = None,
) -> SimBoard[Any]:
    """A simulated bus of `protocol` boards; without a cabinet, the demo cabinet on the
    protocol's first bus address. `echo`: Kerong boards of the older, echoing firmware;
    `channels`: the size of XOR and WKLY boards (default 24); `baud`: the line speed
    (default the family's)."""
    if protocol not in FIRST_BOARD:
        raise ValueError(f"protocol {protocol!r} is not one of {', '.join(FIRST_BOARD)}")
    cabinet = cabinet or Cabinet.demo(FIRST_BOARD[protocol])
    boards = cabinet.boards() or [FIRST_BOARD[protocol]]
    where: dict[str, Any] = {"tcp_port": tcp_port, "link": link}
    if baud is not None:
        where["baud"] = baud
    if protocol == "kerong":
        if channels is not None:
            raise ValueError("channels: kerong boards always have 16")
        return SimKerongBoard(cabinet, boards, pace, echo=echo, **where)
    if echo:
        raise ValueError("echo: only kerong boards come in an echoing firmware")
    size: dict[str, Any] = {} if channels is None else {"channels": channels}
    if protocol == "wkly":
        return SimWklyBoard(cabinet, boards, pace, **where, **size)
    return SimXorBoard(cabinet, boards, pace, **where, **size)

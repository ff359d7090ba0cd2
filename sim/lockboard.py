"""Simulated lock board buses on a pty or a TCP socket, answering like the real boards.

The real driver opens `.url` (a stable symlink to the pty, or socket://127.0.0.1:PORT)
unchanged, so the code under test is the code that runs in the cabinet. Kerong boards live in
sim/lockboard_kerong.py, XOR boards in sim/lockboard_xor.py, the faults in sim/lockboard_base.py.

    python -m sim.lockboard --protocol kerong|xor [--pty [LINK] | --tcp PORT] [--pace]
                            [--control PORT] [--scanner]

prints where it listens, one `name: where` line each (lockboard, scanner, control), then
serves until interrupted. With --control, faults are injected from another shell with
`python -m sim.fault --control PORT jam 0:3` (see sim/fault.py).
"""

from __future__ import annotations

import argparse
import contextlib
import signal
import sys
import threading
from pathlib import Path
from typing import Any

from sim.lockboard_base import SimBoard
from sim.lockboard_kerong import SimKerongBoard
from sim.lockboard_xor import SimXorBoard
from sim.world import Cabinet

__all__ = ["SimBoard", "SimKerongBoard", "SimXorBoard", "make_board"]

FIRST_BOARD = {"kerong": 0, "xor": 1}


def make_board(
    protocol: str,
    cabinet: Cabinet | None = None,
    pace: bool = False,
    *,
    tcp_port: int | None = None,
    link: str | Path | None = None,
) -> SimBoard[Any]:
    """A simulated bus of `protocol` boards; without a cabinet, the demo cabinet on the
    protocol's first bus address."""
    if protocol not in FIRST_BOARD:
        raise ValueError(f"protocol {protocol!r} is not one of {', '.join(FIRST_BOARD)}")
    cabinet = cabinet or Cabinet.demo(FIRST_BOARD[protocol])
    boards = cabinet.boards() or [FIRST_BOARD[protocol]]
    kind = SimKerongBoard if protocol == "kerong" else SimXorBoard
    return kind(cabinet, boards, pace, tcp_port=tcp_port, link=link)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m sim.lockboard", description="Serve a simulated lock board bus."
    )
    parser.add_argument("--protocol", choices=sorted(FIRST_BOARD), default="kerong")
    where = parser.add_mutually_exclusive_group()
    where.add_argument(
        "--pty",
        nargs="?",
        const="",
        metavar="LINK",
        help="serve on a pseudo-terminal behind the symlink LINK (default: a temporary one)",
    )
    where.add_argument("--tcp", type=int, metavar="PORT", help="serve on 127.0.0.1:PORT")
    parser.add_argument("--pace", action="store_true", help="send answers at the baud rate")
    parser.add_argument("--control", type=int, metavar="PORT", help="fault control port (0: any)")
    parser.add_argument("--scanner", action="store_true", help="also simulate a QR scanner")
    args = parser.parse_args(argv)

    from sim.fault import FaultControl
    from sim.scanner import SimScanner

    board = make_board(args.protocol, pace=args.pace, tcp_port=args.tcp, link=args.pty or None)
    scanner = SimScanner() if args.scanner else None
    control = None
    stopped = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stopped.set())
    with board:
        print(f"lockboard: {board.url}", flush=True)
        if scanner is not None:
            print(f"scanner: {scanner.path}", flush=True)
        if args.control is not None:
            control = FaultControl(board, scanner, port=args.control).start()
            print(f"control: 127.0.0.1:{control.port}", flush=True)
        with contextlib.suppress(KeyboardInterrupt):
            stopped.wait()
        if control is not None:
            control.stop()
        if scanner is not None:
            scanner.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())

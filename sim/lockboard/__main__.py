"""`python -m sim.lockboard`: serve a simulated lock board bus until interrupted (see
sim/lockboard/__init__.py for the options)."""

from __future__ import annotations

import argparse
import contextlib
import signal
import sys
import threading

from sim.lockboard import FIRST_BOARD, make_board
from sim.lockboard.port import RATES


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
    parser.add_argument(
        "--echo",
        action="store_true",
        help="kerong: the older firmware that echoes every command (default: current firmware, "
        "status answered with 0x35, unlocks unanswered)",
    )
    parser.add_argument(
        "--channels",
        type=int,
        metavar="N",
        help="xor, wkly: channels per board (default 24); its status reply carries N of them",
    )
    parser.add_argument(
        "--baud",
        type=int,
        metavar="N",
        help="the board's line speed (default: the family's); a host at another speed on the "
        "pty gets no answer",
    )
    parser.add_argument(
        "--swapped", action="store_true", help="the A and B wires swapped: every byte inverted"
    )
    parser.add_argument("--control", type=int, metavar="PORT", help="fault control port (0: any)")
    parser.add_argument("--scanner", action="store_true", help="also simulate a QR scanner")
    parser.add_argument(
        "--replay",
        metavar="FILE",
        help="answer as the board in a capture (kiosk board capture) did, instead",
    )
    args = parser.parse_args(argv)

    from sim.fault import FaultControl
    from sim.scanner import SimScanner

    if args.echo and args.protocol != "kerong":
        parser.error("--echo: only kerong boards come in an echoing firmware")
    if args.channels is not None and args.protocol == "kerong":
        parser.error("--channels: kerong boards always have 16")
    if args.baud is not None and args.baud not in RATES:
        parser.error(f"--baud: {args.baud} is not a standard rate {RATES}")
    stopped = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stopped.set())
    if args.replay:
        return _replay(args.replay, args.tcp, args.pty or None, stopped)
    try:
        board = make_board(
            args.protocol,
            pace=args.pace,
            tcp_port=args.tcp,
            link=args.pty or None,
            echo=args.echo,
            channels=args.channels,
            baud=args.baud,
        )
    except ValueError as e:
        parser.error(str(e))
    board.swapped = args.swapped
    scanner = SimScanner() if args.scanner else None
    control = None
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


def _replay(path: str, tcp: int | None, link: str | None, stopped: threading.Event) -> int:
    from sim.lockboard.replay import ReplayBoard

    try:
        board = ReplayBoard(path, tcp_port=tcp, link=link)
    except (OSError, ValueError) as e:
        print(f"python -m sim.lockboard: {e}", file=sys.stderr)
        return 2
    with board:
        print(f"lockboard: {board.url}", flush=True)
        with contextlib.suppress(KeyboardInterrupt):
            stopped.wait()
    return 0


if __name__ == "__main__":
    sys.exit(main())

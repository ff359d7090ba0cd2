"""`kiosk board status|open|capture`: a technician talks to a lock board directly, no kiosk
running."""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any

from kiosk.commands import board_capture
from kiosk.core.board_families import FAMILIES
from kiosk.core.errors import LockBoardError
from kiosk.core.interfaces import LockerAddress


def add_parser(sub: Any) -> None:
    b = sub.add_parser("board", help="talk to a lock board directly (technicians)")
    bsub = b.add_subparsers(dest="board_command", required=True)
    commands = (
        ("status", "each lock's hook and item bits"),
        ("open", "pulse one lock"),
        ("capture", "record every byte to and from the boards in a file, with timestamps"),
    )
    for name, text in commands:
        c = bsub.add_parser(name, help=text)
        if name == "open":
            c.add_argument("locker", help="BOARD:LOCK, e.g. 0:3 (lock numbers start at 1)")
        elif name == "capture":
            board_capture.add_arguments(c)
        else:
            c.add_argument(
                "--board", type=int, help="bus address (default: 0 for kerong and wkly, 1 for xor)"
            )
        c.add_argument("--port", required=True, help="serial port URL, pty path or socket://")
        c.add_argument("--protocol", choices=FAMILIES, default=FAMILIES[0])
        c.add_argument("--baud", type=int, help="line speed (default: the board family's)")
        c.add_argument(
            "--locks",
            type=int,
            help="show only the first N locks (default: every lock the board reports)",
        )
        c.add_argument("--json", action="store_true")


def run(args: argparse.Namespace) -> int:
    from drivers.lockboard import open_board
    from drivers.lockboard.profile import MAX_LOCKS, BoardProfile

    settings = {k: getattr(args, k) for k in ("baud", "locks") if getattr(args, k) is not None}
    # Without --locks, every lock the board reports (XOR boards tell their own size).
    settings.setdefault("locks", MAX_LOCKS.get(args.protocol, 1))
    if args.board_command == "capture":
        # One attempt per read: a capture scans addresses where nobody may answer.
        settings["read_retries"] = 0
    try:
        profile = BoardProfile.for_protocol(args.protocol, **settings)
        locker = LockerAddress.parse(args.locker) if args.board_command == "open" else None
        if args.board_command == "capture" and args.open:
            LockerAddress.parse(args.open)
    except ValueError as e:
        print(f"kiosk board {args.board_command}: {e}", file=sys.stderr)
        return 2
    if args.board_command == "capture":
        return _capture(args, profile)
    board = open_board(args.port, profile)
    try:
        if locker is not None:
            return _open(board, locker, args.json)
        return _status(board, args.board, args.json, args.locks)
    except LockBoardError as e:
        print(f"kiosk board: {e}", file=sys.stderr)
        if e.hint:
            print(f"  {e.hint}", file=sys.stderr)
        return 1
    finally:
        board.close()


def _capture(args: argparse.Namespace, profile: Any) -> int:
    from drivers.lockboard import open_board
    from drivers.lockboard.capture import CaptureWriter

    try:
        capture = CaptureWriter(
            args.out, port=args.port, protocol=profile.protocol, baud=profile.baud
        )
    except OSError as e:
        print(f"kiosk board capture: cannot write {args.out}: {e}", file=sys.stderr)
        return 2
    board = open_board(args.port, profile, tap=capture)
    try:
        return board_capture.run(args, board, capture)
    finally:
        board.close()
        capture.close()


def _open(board: Any, locker: LockerAddress, as_json: bool) -> int:
    result = board.open(locker)
    if as_json:
        print(json.dumps(result.as_dict()))
        return 0
    # Two facts, never merged: the board took the command; the sensors say what happened.
    if not result.answered:
        # Current Kerong firmware never answers an unlock: a status read right after did.
        print(f"locker {locker}: unlock sent; the board answered the status read after it")
    else:
        echo = "" if result.echoed is not None else " (its answer gave no state: garbled or failed)"
        print(f"locker {locker}: unlock accepted by the board{echo}")
    if result.after is None:
        print(f"  now: sensors unreadable: {result.read_error}")
    else:
        print(f"  now: hook {_hook(result.after.hook_open)}, item {_item(result.after)}")
    return 0


def _status(board: Any, address: int | None, as_json: bool, locks: int | None) -> int:
    from drivers.lockboard.base import state_bits

    address = board.first_board if address is None else address
    states = board.status(address)
    if locks is not None and len(states) < locks:
        print(
            f"kiosk board status: board {address} reports {len(states)} channels, "
            f"fewer than --locks {locks}",
            file=sys.stderr,
        )
    rows = [{"locker": f"{address}:{n}", **state_bits(s)} for n, s in sorted(states.items())]
    if as_json:
        print(json.dumps({"board": address, "protocol": board.protocol, "locks": rows}))
        return 0
    print(f"{'locker':<8}{'hook':<8}item")
    for n, state in sorted(states.items()):
        print(f"{f'{address}:{n}':<8}{_hook(state.hook_open):<8}{_item(state)}")
    return 0


def _hook(hook_open: bool) -> str:
    return "open" if hook_open else "closed"


def _item(state: Any) -> str:
    if not state.item_sensed:
        return "no sensor"
    return "present" if state.item_present else "absent"

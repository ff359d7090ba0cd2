"""The `kiosk` command: run the kiosk, the simulator, the scripted demo, and technician tools."""

from __future__ import annotations

import argparse
import json
import logging
import os
import sys
from collections.abc import Sequence

from kiosk.core.errors import ConfigError, KioskError, LockBoardError
from kiosk.core.interfaces import LockerAddress, LockState


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="kiosk", description="The time-bank exchange kiosk.")
    p.add_argument("-v", "--verbose", action="store_true", help="log debug lines")
    sub = p.add_subparsers(dest="command", required=True)

    s = sub.add_parser("sim", help="the kiosk on simulated hardware with the embedded ledger")
    s.add_argument("--data", help="folder for the ledger, journal and config (default: a temp one)")
    s.add_argument("--language", choices=("zh", "en"), default="zh")

    d = sub.add_parser("demo", help="a scripted visit on the simulator, headless")
    d.add_argument(
        "--out", default="demo-out", help="folder for the screenshots (default demo-out)"
    )
    d.add_argument("--json", action="store_true", help="print one JSON summary object")
    d.add_argument("--language", choices=("zh", "en"), default="zh")

    r = sub.add_parser("run", help="the real kiosk")
    r.add_argument("--config", default="/etc/timebank-kiosk/kiosk.toml")

    b = sub.add_parser("board", help="talk to a lock board directly (technicians)")
    bsub = b.add_subparsers(dest="board_command", required=True)
    for name, text in (("status", "each lock's hook and item bits"), ("open", "pulse one lock")):
        c = bsub.add_parser(name, help=text)
        if name == "open":
            c.add_argument("locker", help="BOARD:LOCK, e.g. 0:3 (lock numbers start at 1)")
        else:
            c.add_argument("--board", type=int, default=0, help="bus address (default 0)")
        c.add_argument("--port", required=True, help="serial port URL, pty path or socket://")
        c.add_argument("--protocol", choices=("kerong",), default="kerong")
        c.add_argument("--baud", type=int, default=19200)
        c.add_argument("--json", action="store_true")
    return p


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    # Kivy must leave logging to us and must not read our command line (set before it loads).
    os.environ.setdefault("KIVY_LOG_MODE", "PYTHON")
    os.environ.setdefault("KIVY_NO_ARGS", "1")
    quiet = args.command in ("demo", "board")
    if quiet and not args.verbose:
        # The demo's own step lines are its output; Kivy's start-up chatter is not.
        os.environ.setdefault("KCFG_KIVY_LOG_LEVEL", "error")
    logging.basicConfig(
        level=logging.DEBUG if args.verbose else logging.WARNING if quiet else logging.INFO,
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
    )
    if not args.verbose:
        logging.getLogger("urllib3").setLevel(logging.WARNING)
    try:
        if args.command == "board":
            return _board(args)
        if args.command == "demo":
            from kiosk.demo import run_demo

            return run_demo(args.out, as_json=args.json, language=args.language)
        if args.command == "sim":
            from kiosk.simulate import run_sim

            return run_sim(args.data, language=args.language)
        from kiosk.simulate import run_kiosk

        return run_kiosk(args.config)
    except ConfigError as e:
        print(f"kiosk: configuration error: {e}", file=sys.stderr)
        return 2
    except KioskError as e:
        print(f"kiosk: {e}", file=sys.stderr)
        return 1


def _board(args: argparse.Namespace) -> int:
    from drivers.lockboard.device import KerongLockBoard
    from drivers.lockboard.profile import BoardProfile

    try:
        profile = BoardProfile(protocol=args.protocol, baud=args.baud)
    except ValueError as e:
        print(f"kiosk board: {e}", file=sys.stderr)
        return 2
    board = KerongLockBoard(args.port, profile)
    try:
        if args.board_command == "open":
            try:
                locker = LockerAddress.parse(args.locker)
            except ValueError as e:
                print(f"kiosk board open: {e}", file=sys.stderr)
                return 2
            echoed = board.unlock(locker)
            after = board.read(locker)
            result = {
                "locker": str(locker),
                "accepted": True,
                "echoed": None if echoed is None else _bits(echoed),
                "after": _bits(after),
            }
            if args.json:
                print(json.dumps(result))
            else:
                print(f"locker {locker}: unlock accepted")
                print(
                    f"  now: hook {'open' if after.hook_open else 'closed'}, "
                    f"item {'present' if after.item_present else 'absent'}"
                )
            return 0
        states = board.status(args.board)
        rows = [{"locker": f"{args.board}:{n}", **_bits(s)} for n, s in sorted(states.items())]
        if args.json:
            print(json.dumps({"board": args.board, "locks": rows}))
        else:
            print(f"{'locker':<8}{'hook':<8}item")
            for row in rows:
                print(
                    f"{row['locker']:<8}{'open' if row['hook_open'] else 'closed':<8}"
                    f"{'present' if row['item_present'] else 'absent'}"
                )
        return 0
    except LockBoardError as e:
        print(f"kiosk board: {e}", file=sys.stderr)
        return 1
    finally:
        board.close()


def _bits(state: LockState) -> dict[str, bool]:
    return {"hook_open": state.hook_open, "item_present": state.item_present}


if __name__ == "__main__":
    sys.exit(main())

"""The `kiosk` command: run the kiosk, the simulator, the scripted demo, and technician tools."""

from __future__ import annotations

import argparse
import logging
import os
import sys
from collections.abc import Sequence

from kiosk.commands.board import add_parser as add_board_parser
from kiosk.commands.diag import add_parser as add_diag_parser
from kiosk.commands.voice import add_parser as add_voice_parser
from kiosk.core.errors import ConfigError, KioskError
from kiosk.core.redaction import guard_all
from sim.errors import SimError


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
    d.add_argument(
        "--keep",
        action="store_true",
        help="keep the demo's data folder (its ledger holds member secrets; removed by default)",
    )
    d.add_argument("--language", choices=("zh", "en"), default="zh")

    r = sub.add_parser("run", help="the real kiosk")
    r.add_argument("--config", default="/etc/timebank-kiosk/kiosk.toml")

    add_board_parser(sub)
    add_diag_parser(sub)
    add_voice_parser(sub)
    return p


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    # Journal, event log, bundles, a simulator's ledger: what the kiosk writes is its user's
    # alone (files 0600, folders 0700), like the member data in them.
    umask = os.umask(0o077)
    try:
        return _run(args)
    finally:
        os.umask(umask)


def _run(args: argparse.Namespace) -> int:
    # Kivy must leave logging to us and must not read our command line (set before it loads).
    os.environ.setdefault("KIVY_LOG_MODE", "PYTHON")
    os.environ.setdefault("KIVY_NO_ARGS", "1")
    quiet = args.command in ("demo", "board", "diag", "voice")
    if quiet and not args.verbose:
        # The demo's own step lines are its output; Kivy's start-up chatter is not.
        os.environ.setdefault("KCFG_KIVY_LOG_LEVEL", "error")
    console_level = logging.DEBUG if args.verbose else logging.WARNING if quiet else logging.INFO
    logging.basicConfig(
        level=console_level, format="%(asctime)s %(levelname)s %(name)s: %(message)s"
    )
    # The event log lowers the root logger to INFO for its file; the terminal keeps its own level.
    for handler in logging.getLogger().handlers:
        handler.setLevel(console_level)
    # The console is journald's copy: redacted as the event log is (the kiosk key is added
    # once the config is read, by kiosk.platform.eventlog.install).
    guard_all()
    if quiet and not args.verbose:
        logging.getLogger("kivy").setLevel(logging.ERROR)
    if not args.verbose:
        logging.getLogger("urllib3").setLevel(logging.WARNING)
    try:
        if args.command == "board":
            return _board(args)
        if args.command == "diag":
            from kiosk.commands.diag import run as run_diag

            return run_diag(args)
        if args.command == "voice":
            from kiosk.commands.voice import run as run_voice

            return run_voice(args)
        if args.command == "demo":
            from kiosk.commands.demo import run_demo

            return run_demo(args.out, as_json=args.json, language=args.language, keep=args.keep)
        if args.command == "sim":
            from kiosk.commands.simulate import run_sim

            return run_sim(args.data, language=args.language)
        from kiosk.commands.run import run_kiosk

        return run_kiosk(args.config)
    except ConfigError as e:
        print(f"kiosk: configuration error: {e}", file=sys.stderr)
        return 2
    except KioskError as e:
        print(f"kiosk: {e}", file=sys.stderr)
        return 1
    except SimError as e:  # e.g. `kiosk sim` where the ledger's packages are not installed
        print(f"kiosk: {e}", file=sys.stderr)
        return 1


def _board(args: argparse.Namespace) -> int:
    from kiosk.commands.board import run

    return run(args)


if __name__ == "__main__":
    sys.exit(main())

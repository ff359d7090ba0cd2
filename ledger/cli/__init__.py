"""`timebank-ledger`: the staff's admin command for the ledger (members, coins, kiosks, serve).

Every command takes `--json` for scripts; errors go to stderr with exit code 2, no traceback.
Programs that act as staff (the simulator) run a command in their own process with `call`.
"""

from __future__ import annotations

import argparse
import io
import json
import sys
from collections.abc import Sequence
from typing import Any

from sqlalchemy.exc import SQLAlchemyError

from ledger import events_cli
from ledger.cli import admin, counting, export, holds, members, money
from ledger.cli.base import HOME_ENV, default_db_url, with_book
from ledger.errors import LedgerError

__all__ = ["HOME_ENV", "build_parser", "call", "default_db_url", "main", "with_book"]


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="timebank-ledger", description=__doc__)
    parser.add_argument("--db", help="SQLAlchemy URL (default: SQLite in the data folder)")
    sub = parser.add_subparsers(dest="command", required=True)
    for module in (admin, members, money, holds, counting, export, events_cli):
        module.register(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        args.db = args.db or default_db_url()
        return int(args.func(args))
    except LedgerError as exc:
        print(f"timebank-ledger: {exc}", file=sys.stderr)
    except SQLAlchemyError as exc:
        print(f"timebank-ledger: database error at {args.db}: {exc}", file=sys.stderr)
    except OSError as exc:
        print(f"timebank-ledger: {exc}", file=sys.stderr)
    return 2


def call(argv: Sequence[str]) -> Any:
    """`timebank-ledger ARGV --json` run in this process: its JSON answer as data. A refused
    command raises LedgerError. Cheaper than a process per command (~0.7 s of imports each)."""
    args = build_parser().parse_args([*argv, "--json"])
    args.db = args.db or default_db_url()
    args.out = io.StringIO()  # emit() writes the answer here, not to this process's stdout
    args.func(args)
    return json.loads(args.out.getvalue())

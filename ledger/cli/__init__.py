"""`timebank-ledger`: the staff's admin command for the ledger (members, coins, kiosks, serve).

Every command takes `--json` for scripts; errors go to stderr with exit code 2, no traceback.
"""

from __future__ import annotations

import argparse
import sys

from sqlalchemy.exc import SQLAlchemyError

from ledger import events_cli
from ledger.cli import admin, counting, export, members, money
from ledger.cli.base import HOME_ENV, default_db_url, with_book
from ledger.errors import LedgerError

__all__ = ["HOME_ENV", "build_parser", "default_db_url", "main", "with_book"]


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="timebank-ledger", description=__doc__)
    parser.add_argument("--db", help="SQLAlchemy URL (default: SQLite in the data folder)")
    sub = parser.add_subparsers(dest="command", required=True)
    for module in (admin, members, money, counting, export, events_cli):
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

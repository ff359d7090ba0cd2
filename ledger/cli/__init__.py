"""`timebank-ledger`: the staff's admin command for the ledger (members, coins, kiosks, serve).

Every command takes `--json` for scripts; errors go to stderr with exit code 2, no traceback.
Programs that act as staff (the simulator) run a command in their own process with `call`.
"""

from __future__ import annotations

import argparse
import io
import json
import os
import sys
from collections.abc import Sequence
from types import ModuleType
from typing import Any

from sqlalchemy.exc import SQLAlchemyError

from ledger import events_cli
from ledger.cli import (
    activities,
    admin,
    cards,
    counting,
    export,
    fleet,
    holds,
    lots,
    members,
    money,
    pools,
    reports,
    staff,
)
from ledger.cli.base import HOME_ENV, default_db_url, resolve_db, with_book
from ledger.db_url import DB_ENV, DB_FILE_ENV, masked, scrubbed
from ledger.errors import LedgerError

__all__ = ["HOME_ENV", "build_parser", "call", "default_db_url", "main", "with_book"]


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="timebank-ledger", description=__doc__)
    where = parser.add_mutually_exclusive_group()
    where.add_argument(
        "--db",
        help=f"SQLAlchemy URL without a password (else ${DB_ENV}, or ${DB_FILE_ENV}; "
        "default: SQLite in the data folder)",
    )
    where.add_argument(
        "--db-file",
        metavar="PATH",
        help="read the URL from this file (mode 0600): alone on a line or as "
        f"{DB_ENV}=URL, as in the service's env file",
    )
    sub = parser.add_subparsers(dest="command", required=True)
    commands: list[ModuleType] = [admin, fleet, members, cards, money, activities, holds]
    commands += [counting]
    commands += [export, reports, events_cli, staff, pools, lots]
    for module in commands:
        module.register(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    # What a command creates (the SQLite ledger and its -wal/-shm, an export) is for its
    # user's eyes alone: it holds members' secrets and balances.
    umask = os.umask(0o077)
    url: str | None = None
    try:
        url = resolve_db(args)
        return int(args.func(args))
    except LedgerError as exc:
        print(f"timebank-ledger: {scrubbed(str(exc), url)}", file=sys.stderr)
    except SQLAlchemyError as exc:
        shown = masked(url) if url else "?"
        print(
            f"timebank-ledger: database error at {shown}: {scrubbed(str(exc), url)}",
            file=sys.stderr,
        )
    except OSError as exc:
        print(f"timebank-ledger: {scrubbed(str(exc), url)}", file=sys.stderr)
    finally:
        os.umask(umask)
    return 2


def call(argv: Sequence[str], stdin: str | None = None) -> Any:
    """`timebank-ledger ARGV --json` run in this process: its JSON answer as data. A refused
    command raises LedgerError. Cheaper than a process per command (~0.7 s of imports each).
    `stdin`: what the command would read from standard input (a card's PIN)."""
    args = build_parser().parse_args([*argv, "--json"])
    args.stdin = stdin
    resolve_db(args)
    args.out = io.StringIO()  # emit() writes the answer here, not to this process's stdout
    args.func(args)
    return json.loads(args.out.getvalue())

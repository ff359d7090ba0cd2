"""`timebank-ledger export [--member ID] --csv FILE`: the history as CSV for spreadsheets."""

from __future__ import annotations

import argparse
import csv
from pathlib import Path
from typing import Any

from sqlalchemy.orm import Session

from ledger import history, members
from ledger.cli.base import add_command, emit, with_book


def cmd_export(args: argparse.Namespace) -> int:
    def work(s: Session) -> list[dict[str, Any]]:
        if args.member:
            members.get_member(s, args.member)  # an unknown member is an error, not an empty file
        return history.postings(s, args.member)

    rows = with_book(args.db, work)
    path = Path(args.csv)
    # utf-8-sig: spreadsheet programs then read the Chinese names right.
    with path.open("w", newline="", encoding="utf-8-sig") as out:
        writer = csv.DictWriter(out, fieldnames=history.HISTORY_FIELDS)
        writer.writeheader()
        writer.writerows(rows)
    emit(args, {"csv": str(path), "rows": len(rows)}, f"{len(rows)} postings written to {path}")
    return 0


def register(sub: Any) -> None:
    exp = add_command(sub, "export", cmd_export, help="history as CSV (one member or all)")
    exp.add_argument("--member", metavar="ID", help="only this member's history")
    exp.add_argument("--csv", required=True, metavar="FILE")

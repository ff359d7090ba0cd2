"""`timebank-ledger export [--member ID] [--from M] [--to M] --csv FILE | --xlsx FILE`: the book
for spreadsheets, one row per business event in the office's local time (ledger.exports)."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from sqlalchemy.orm import Session

from ledger import audit, exports, members, settings, statement
from ledger.audit import CLI_ACTOR_ADDRESS, AuditAction
from ledger.cli.base import add_command, emit, with_book
from ledger.cli.staff import cli_actor
from ledger.db import utcnow
from ledger.errors import BadRequest
from ledger.web import export_notes


def time_zone(name: str | None, db_url: str) -> ZoneInfo:
    """--tz, else the office's time zone from the ledger's settings (Asia/Shanghai unless
    changed with `settings set office_tz`)."""
    if name is None:
        zone: ZoneInfo = with_book(db_url, lambda s: settings.load(s).zone)
        return zone
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise BadRequest(f"unknown time zone {name!r} (for example Asia/Shanghai)") from None


def cmd_export(args: argparse.Namespace) -> int:
    period = statement.months_period(args.first, args.last, time_zone(args.tz, args.db))
    target, fmt = (args.csv, "csv") if args.csv else (args.xlsx, "xlsx")

    def work(s: Session) -> list[dict[str, Any]]:
        if args.member:
            members.get_member(s, args.member)  # an unknown member is an error, not an empty file
        rows = statement.events(s, period, args.member)
        export_notes.put_notes(s, rows, args.lang)
        detail = {"format": fmt, "rows": len(rows), "member": args.member}
        detail |= {"from": args.first, "to": args.last}
        audit.record(s, AuditAction.EXPORTED, cli_actor(), CLI_ACTOR_ADDRESS, utcnow(), **detail)
        return rows

    rows = with_book(args.db, work)
    write = exports.as_csv if fmt == "csv" else exports.as_xlsx
    path = Path(target)
    path.write_bytes(write(rows, args.lang))
    emit(args, {fmt: str(path), "rows": len(rows)}, f"{len(rows)} events written to {path}")
    return 0


def register(sub: Any) -> None:
    exp = add_command(
        sub,
        "export",
        cmd_export,
        help="the book as CSV or Excel: one row per event, local time (one member or all)",
    )
    exp.add_argument("--member", metavar="ID", help="only this member's events")
    exp.add_argument("--from", dest="first", metavar="YYYY-MM", help="from this month on")
    exp.add_argument("--to", dest="last", metavar="YYYY-MM", help="up to this month, included")
    out = exp.add_mutually_exclusive_group(required=True)
    out.add_argument("--csv", metavar="FILE", help="UTF-8 CSV (with a BOM, for spreadsheets)")
    out.add_argument("--xlsx", metavar="FILE", help="an Excel workbook")
    exp.add_argument(
        "--lang", choices=exports.LANGUAGES, default="zh", help="the headings' and notes' language"
    )
    exp.add_argument("--tz", help="a time zone (default: the office's, settings office_tz)")

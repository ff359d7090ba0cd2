"""`timebank-ledger events`: staff read what kiosks reported (faults, alarms, self-tests...)."""

from __future__ import annotations

import argparse
import json
from typing import Any

from sqlalchemy.orm import Session

from ledger import events
from ledger.cli.base import with_book
from ledger.db import EventKind


def cmd_events(args: argparse.Namespace) -> int:
    kind = events.parse_kind(args.kind) if args.kind else None

    def work(s: Session) -> list[dict[str, Any]]:
        return events.list_events(s, args.kiosk, kind, args.limit)

    found = with_book(args.db, work)
    if args.json:
        print(json.dumps({"events": found}, ensure_ascii=False))
    elif not found:
        print("no events")
    else:
        for e in found:
            data = json.dumps(e["data"], ensure_ascii=False, sort_keys=True)
            print(f"{e['at']}  {e['kiosk']}  {e['kind']:<10}  {data}")
    return 0


def register(sub: Any) -> None:
    """Add the `events` subcommand to the `timebank-ledger` parser's subcommands."""
    p = sub.add_parser("events", help="what kiosks reported, newest last")
    p.set_defaults(func=cmd_events)
    p.add_argument("--kiosk", metavar="K", help="only this kiosk's events (its id)")
    p.add_argument(
        "--kind", metavar="K", help="only this kind: " + ", ".join(k.value for k in EventKind)
    )
    p.add_argument(
        "--limit", type=int, default=events.DEFAULT_LIST_LIMIT, help="at most this many events"
    )
    p.add_argument("--json", action="store_true", help='print {"events": [...]}')

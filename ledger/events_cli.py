"""`timebank-ledger events`: staff read what kiosks reported (faults, alarms, self-tests...)."""

from __future__ import annotations

import argparse
import json
from typing import Any

from sqlalchemy.orm import Session

from ledger import events
from ledger.cli.base import with_book
from ledger.db import EventKind
from ledger.limits import Bounded

MAX_LIMIT = 100_000  # more than staff would read; a bound keeps the SQL LIMIT in range


# Kiosk-supplied text must not steer the staff's terminal: C0/C1 controls (U+009B is a CSI)
# and bidi overrides (U+202E turns the rest of the line around) are printed as \uXXXX, which
# is also their JSON escape, so `--json` output stays valid JSON with the same meaning.
_UNSAFE = [*range(0x00, 0x20), 0x7F, *range(0x80, 0xA0), 0x061C, 0x200E, 0x200F]
_UNSAFE += [*range(0x202A, 0x202F), *range(0x2066, 0x206A)]
_ESCAPED = {c: f"\\u{c:04x}" for c in _UNSAFE if chr(c) not in "\t\n"}


def shown(text: str) -> str:
    """`text` with the characters that could act on a terminal written as escapes."""
    return text.translate(_ESCAPED)


def cmd_events(args: argparse.Namespace) -> int:
    kind = events.parse_kind(args.kind) if args.kind else None

    def work(s: Session) -> list[dict[str, Any]]:
        return events.list_events(s, args.kiosk, kind, args.limit)

    found = with_book(args.db, work)
    if args.json:
        print(shown(json.dumps({"events": found}, ensure_ascii=False)))
    elif not found:
        print("no events")
    else:
        for e in found:
            data = json.dumps(e["data"], ensure_ascii=False, sort_keys=True)
            print(shown(f"{e['at']}  {e['kiosk']}  {e['kind']:<10}  {data}"))
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
        "--limit",
        type=Bounded(1, MAX_LIMIT),
        default=events.DEFAULT_LIST_LIMIT,
        help="at most this many events",
    )
    p.add_argument("--json", action="store_true", help='print {"events": [...]}')

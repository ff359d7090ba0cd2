"""`timebank-ledger awaiting-count`: the vends no kiosk could settle until a locker is counted."""

from __future__ import annotations

import argparse
from typing import Any

from ledger import counting
from ledger.cli.base import add_command, emit, with_book


def cmd_awaiting_count(args: argparse.Namespace) -> int:
    rows = with_book(args.db, counting.awaiting)
    lines = [
        f"{r['since'][:16].replace('T', ' ')}  {r['kiosk_name']} ({r['kiosk']}) locker "
        f"{r['locker']}: {r['sku']}, {r['price']} coins held for {r['member_name']} "
        f"({r['member']}), hold {r['hold']}"
        for r in rows
    ]
    text = "\n".join(lines) if lines else "no vend awaits a locker count"
    emit(args, {"awaiting_count": rows}, text)
    return 0


def register(sub: Any) -> None:
    add_command(
        sub,
        "awaiting-count",
        cmd_awaiting_count,
        help="vends a kiosk could not settle: held until a technician counts the locker",
    )

"""`timebank-ledger hold list`: the holds kiosks placed, for staff looking for one to refund."""

from __future__ import annotations

import argparse
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from ledger import members
from ledger.cli.base import add_command, add_group, emit, with_book
from ledger.db import Hold, HoldState

STATES = [s.value for s in HoldState]


def hold_row(hold: Hold) -> dict[str, Any]:
    return {
        "hold": hold.id,
        "member": hold.member_id,
        "kiosk": hold.kiosk_id,
        "sku": hold.sku,
        "locker": hold.locker,
        "price": hold.price,
        "state": hold.state.value,
        "created_at": hold.created_at.isoformat(),
        "settled_at": hold.settled_at.isoformat() if hold.settled_at else None,
    }


def list_holds(s: Session, member_id: str | None, state: HoldState | None) -> list[dict[str, Any]]:
    """Oldest first; one member's or everyone's, in one state or all."""
    query = select(Hold).order_by(Hold.created_at, Hold.id)
    if member_id is not None:
        members.get_member(s, member_id)  # an unknown member is an error, not an empty list
        query = query.where(Hold.member_id == member_id)
    if state is not None:
        query = query.where(Hold.state == state)
    return [hold_row(h) for h in s.scalars(query)]


def cmd_hold_list(args: argparse.Namespace) -> int:
    state = HoldState(args.state) if args.state else None
    found = with_book(args.db, lambda s: list_holds(s, args.member, state))
    lines = [
        f"{h['hold']}  {h['created_at'][:19]}  {h['member']}  {h['sku']} locker {h['locker']}"
        f"  {h['price']} coins  {h['state']}"
        for h in found
    ]
    emit(args, {"holds": found}, "\n".join(lines) or "no holds")
    return 0


def register(sub: Any) -> None:
    hold = add_group(sub, "hold", "holds kiosks placed on members' coins")
    lst = add_command(hold, "list", cmd_hold_list, help="holds, oldest first")
    lst.add_argument("--member", metavar="ID", help="only this member's holds")
    lst.add_argument("--state", choices=STATES, help="only holds in this state")

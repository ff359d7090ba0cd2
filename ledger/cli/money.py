"""`timebank-ledger grant-month|credit-hours|adjust|reverse|refund|expire-holds`: money."""

from __future__ import annotations

import argparse
from datetime import UTC, datetime
from typing import Any

from sqlalchemy.orm import Session

from ledger import corrections, expiry, income
from ledger.cli.base import add_command, emit, with_book
from ledger.db import LedgerTransaction
from ledger.limits import MAX_COINS, MAX_COINS_PER_HOUR, MAX_ROW_ID, Bounded


def tx_json(tx: LedgerTransaction) -> dict[str, Any]:
    return {
        "tx": tx.id,
        "kind": tx.kind,
        "memo": tx.memo,
        "actor": tx.actor,
        "hold": tx.hold_id,
        "reverses": tx.reverses_id,
        "at": tx.created_at.isoformat(),
    }


def cmd_grant_month(args: argparse.Namespace) -> int:
    month = args.month or datetime.now(UTC).strftime("%Y-%m")
    data = with_book(args.db, lambda s: income.grant_month(s, month, args.coins))
    emit(
        args,
        data,
        f"{data['month']}: {data['coins']} coins to {len(data['granted'])} members"
        f" ({len(data['already_granted'])} already had this month's grant)",
    )
    return 0


def cmd_credit_hours(args: argparse.Namespace) -> int:
    def work(s: Session) -> dict[str, Any]:
        tx = income.credit_hours(s, args.member, args.hours, args.rate, args.note)
        _, coins = income.coins_for_hours(args.hours, args.rate)
        return {**tx_json(tx), "member": args.member, "coins": coins, "hours": args.hours}

    data = with_book(args.db, work)
    emit(args, data, f"{data['member']}: +{data['coins']} coins for {data['hours']} hours")
    return 0


def cmd_adjust(args: argparse.Namespace) -> int:
    def work(s: Session) -> dict[str, Any]:
        actor = corrections.resolve_actor(s, args.by)
        tx = corrections.adjust(s, args.member, args.coins, args.reason, actor)
        return {**tx_json(tx), "member": args.member, "coins": args.coins}

    data = with_book(args.db, work)
    emit(args, data, f"{data['member']}: {data['coins']:+d} coins (tx {data['tx']})")
    return 0


def cmd_reverse(args: argparse.Namespace) -> int:
    def work(s: Session) -> dict[str, Any]:
        actor = corrections.resolve_actor(s, args.by)
        return tx_json(corrections.reverse(s, args.tx, args.reason, actor))

    data = with_book(args.db, work)
    emit(args, data, f"transaction {data['reverses']} reversed by transaction {data['tx']}")
    return 0


def cmd_refund(args: argparse.Namespace) -> int:
    def work(s: Session) -> dict[str, Any]:
        actor = corrections.resolve_actor(s, args.by)
        tx = corrections.refund(s, args.hold, args.reason, actor)
        return {"hold": args.hold, "state": "refunded", "tx": tx.id if tx else None}

    data = with_book(args.db, work)
    emit(args, data, f"hold {data['hold']} refunded (tx {data['tx']})")
    return 0


def cmd_expire_holds(args: argparse.Namespace) -> int:
    expired = with_book(args.db, expiry.expire_holds)
    emit(args, {"expired": expired}, f"{len(expired)} stale holds expired")
    return 0


def register(sub: Any) -> None:
    grant = add_command(sub, "grant-month", cmd_grant_month, help="the monthly grant, once")
    grant.add_argument("--month", metavar="YYYY-MM", help="default: this month (UTC)")
    grant.add_argument("--coins", type=Bounded(1, MAX_COINS), default=income.DEFAULT_MONTHLY_GRANT)

    hours = add_command(
        sub,
        "credit-hours",
        cmd_credit_hours,
        help="pay volunteer hours in coins (fractions rounded down to whole coins)",
    )
    hours.add_argument("member", metavar="MEMBER")
    # Decimal hours are read and bounded (0 < h <= MAX_HOURS_PER_CREDIT) by income.coins_for_hours,
    # whose messages say which bound; the rest of the numbers here are `Bounded`.
    hours.add_argument("hours", metavar="HOURS", help="e.g. 2 or 1.5")
    hours.add_argument(
        "--rate", type=Bounded(1, MAX_COINS_PER_HOUR), default=income.DEFAULT_COINS_PER_HOUR
    )
    hours.add_argument("--note", default="", help="what the work was")

    by_help = "the staff member's id making it (default: your OS account)"
    adj = add_command(sub, "adjust", cmd_adjust, help="staff correction of a member's coins")
    adj.add_argument("member", metavar="MEMBER")
    adj.add_argument(
        "coins",
        metavar="COINS",
        type=Bounded(-MAX_COINS, MAX_COINS),
        help="positive adds, negative takes",
    )
    adj.add_argument("--reason", required=True)
    adj.add_argument("--by", help=by_help)

    rev = add_command(sub, "reverse", cmd_reverse, help="reverse a transaction, once")
    rev.add_argument("tx", metavar="TX", type=Bounded(1, MAX_ROW_ID))
    rev.add_argument("--reason", required=True)
    rev.add_argument("--by", help=by_help)

    ref = add_command(sub, "refund", cmd_refund, help="give back a captured hold's coins, once")
    ref.add_argument("hold", metavar="HOLD")
    ref.add_argument("--reason", default="refund")
    ref.add_argument("--by", help=by_help)

    add_command(sub, "expire-holds", cmd_expire_holds, help="expire stale holds now")

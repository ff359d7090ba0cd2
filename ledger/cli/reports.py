"""`timebank-ledger report|idle|ranking`: the time bank's monthly figures, the members who have
not exchanged for months, and a member's consent to be named in the volunteers' ranking."""

from __future__ import annotations

import argparse
from datetime import date
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy.orm import Session

from ledger import audit, reports, statement
from ledger.audit import CLI_ACTOR_ADDRESS, AuditAction
from ledger.cli.base import add_command, emit, with_book
from ledger.cli.export import time_zone
from ledger.cli.staff import cli_actor
from ledger.db import utcnow
from ledger.limits import Bounded


def _this_month(zone: ZoneInfo) -> str:
    return utcnow().astimezone(zone).strftime("%Y-%m")


def cmd_report(args: argparse.Namespace) -> int:
    zone = time_zone(args.tz, args.db)
    last = args.last or _this_month(zone)
    first = args.first or reports.months_before(statement.month_start(last), 11).strftime("%Y-%m")
    period = statement.months_period(first, last, zone)
    data = with_book(args.db, lambda s: reports.summary(s, period))
    lines = ["month     exchanges  coins-out  issued  redeemed  outstanding  hours"]
    for ex, co, ho in zip(data["exchanges"], data["coins"], data["hours"], strict=True):
        lines.append(
            f"{ex['month']}  {ex['count']:9}  {ex['coins']:9}  {co['issued']:6}  "
            f"{co['redeemed']:8}  {co['outstanding']:11}  {ho['hours']}"
        )
    lines += [f"item {e['key']}: {e['count']} ({e['coins']} coins)" for e in data["by_item"]]
    lines += [f"kiosk {e['key']}: {e['count']} ({e['coins']} coins)" for e in data["by_kiosk"]]
    lines += [f"#{r['place']} {r['name']} {r['hours']} h" for r in data["ranking"]["listed"]]
    emit(args, _plain(data), "\n".join(lines))
    return 0


def _plain(value: Any) -> Any:
    """Decimals (hours) as JSON numbers' text: exact, as the ledger keeps them."""
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    if isinstance(value, date):
        return value.isoformat()
    return str(value) if type(value).__name__ == "Decimal" else value


def cmd_idle(args: argparse.Namespace) -> int:
    period = statement.Period(tz=time_zone(args.tz, args.db))
    rows = with_book(args.db, lambda s: reports.idle_members(s, args.months, utcnow(), period))
    lines = [
        f"{r['member']}  {r['name']}  last exchange {r['last_exchange'] or 'never'}  "
        f"{r['balance']} coins"
        for r in rows
    ]
    lines.append(f"{len(rows)} members with no exchange for {args.months} months")
    emit(args, {"months": args.months, "members": rows}, "\n".join(lines))
    return 0


def cmd_ranking(args: argparse.Namespace) -> int:
    opt_in = args.consent == "yes"

    def work(s: Session) -> bool:
        changed = reports.set_ranking_opt_in(s, args.member, opt_in)
        audit.record(
            s,
            AuditAction.RANKING_CONSENT,
            cli_actor(),
            CLI_ACTOR_ADDRESS,
            utcnow(),
            member=args.member,
            opt_in=opt_in,
        )
        return changed

    changed = with_book(args.db, work)
    said = "is named in" if opt_in else "is left out of"
    emit(
        args,
        {"member": args.member, "opt_in": opt_in, "changed": changed},
        f"member {args.member} {said} the volunteers' ranking",
    )
    return 0


def register(sub: Any) -> None:
    rep = add_command(sub, "report", cmd_report, help="monthly exchanges, coins and hours")
    rep.add_argument("--from", dest="first", metavar="YYYY-MM", help="default: 11 months earlier")
    rep.add_argument("--to", dest="last", metavar="YYYY-MM", help="default: this month")
    rep.add_argument("--tz", help="a time zone (default: the office's)")
    idle = add_command(sub, "idle", cmd_idle, help="members with no exchange for N months")
    idle.add_argument("--months", type=Bounded(1, reports.MAX_IDLE_MONTHS), default=3)
    idle.add_argument("--tz", help="a time zone (default: the office's)")
    rank = add_command(
        sub, "ranking", cmd_ranking, help="record a member's consent to the volunteers' ranking"
    )
    rank.add_argument("member", metavar="MEMBER")
    rank.add_argument("consent", choices=("yes", "no"), help="yes: named in it; no: left out")

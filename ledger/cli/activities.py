"""`timebank-ledger activity-import FILE` and `settings show|set`: an activity's sign-in sheet
credited as the console does it (ledger.activities: every row's result shown first, then the
creditable rows credited once per activity and member), and the office's settings."""

from __future__ import annotations

import argparse
import sys
from dataclasses import asdict
from datetime import date
from pathlib import Path
from typing import Any

from sqlalchemy.orm import Session

from ledger import activities, approval, settings, sheet
from ledger.activity_reasons import Reason
from ledger.audit import AuditAction
from ledger.cli.base import add_command, add_group, emit, with_book
from ledger.cli.confirm import add_yes, confirm
from ledger.cli.money import record
from ledger.cli.staff import cli_actor
from ledger.errors import BadRequest
from ledger.limits import MAX_COINS_PER_HOUR, Bounded

STATUS = {"credit": "credit", "already": "already credited", "needs_manager": "large"}


def _day(raw: str) -> date:
    try:
        return date.fromisoformat(raw)
    except ValueError:
        raise BadRequest(f"--day {raw!r} is not a date like 2026-01-31") from None


def _lines(data: dict[str, Any], done: bool = False) -> list[str]:
    lines = []
    for r in data["rows"]:
        said = ""
        if r["reason"] and r["status"] != "already":
            values = {k: v for k, v in r["reason"].items() if k != "code"}
            said = f" ({Reason(r['reason']['code'], **values).text('en')})"
        who = " ".join(x for x in (r["member"], r["name"]) if x) or "?"
        status = "credited" if done and r["status"] == "credit" else STATUS.get(r["status"])
        coins = f" +{r['coins']} coins" if r["coins"] else ""
        lines.append(f"row {r['row']}: {who} {status or 'refused'}{coins}{said}")
    return lines


def cmd_activity_import(args: argparse.Namespace) -> int:
    path = Path(args.file)
    with path.open("rb") as f:
        raw = f.read(sheet.MAX_SHEET_BYTES + 1)
    rows = sheet.parse_csv(sheet.decode(raw))

    def judge(s: Session, commit: bool) -> dict[str, Any]:
        rules = settings.load(s)
        draft = activities.Draft(
            args.name, _day(args.day), args.hours, args.rate or rules.coins_per_hour
        )
        # The command runs with the database's own rights: a large row is confirmed, not refused.
        if not commit:
            found = activities.judge(s, draft, rows, rules, manager=True).as_dict()
            found["large"] = any(approval.large(rules, r["coins"]) for r in found["rows"])
            return found
        outcome = activities.commit(s, draft, rows, rules, True, cli_actor())
        record(
            s,
            AuditAction.ACTIVITY_CREDITED,
            activity=outcome.activity_id,
            name=outcome.draft.name,
            day=outcome.draft.day.isoformat(),
            credited=outcome.count("credit"),
            coins=outcome.coins,
            already=outcome.count("already"),
            refused=outcome.count("refused"),
            file=path.name,
        )
        return outcome.as_dict()

    plan = with_book(args.db, lambda s: judge(s, False))
    heading = (
        f"{plan['name']} {plan['day']}: {plan['credit']} to credit ({plan['coins']} coins), "
        f"{plan['already']} already credited, {plan['refused']} refused"
    )
    if args.dry_run or not plan["credit"]:
        emit(args, plan, "\n".join([heading + " (nothing written)", *_lines(plan)]))
        return 0
    if plan["large"] and not args.yes:
        print("\n".join([heading, *_lines(plan)]), file=sys.stderr)
        confirm(args, "Some rows are over the office's threshold of coins. Credit them all?")
    done = with_book(args.db, lambda s: judge(s, True))
    emit(
        args,
        done,
        "\n".join(
            [
                f"{done['name']} {done['day']}: credited {done['credit']} ({done['coins']} coins), "
                f"{done['already']} already credited, {done['refused']} refused",
                *_lines(done, done=True),
            ]
        ),
    )
    return 0


def cmd_settings_show(args: argparse.Namespace) -> int:
    data = with_book(args.db, lambda s: asdict(settings.load(s)))
    emit(args, data, "\n".join(f"{k} = {v}" for k, v in data.items()))
    return 0


def cmd_settings_set(args: argparse.Namespace) -> int:
    def work(s: Session) -> dict[str, Any]:
        before = getattr(settings.load(s), args.key, None)
        after = asdict(settings.change(s, args.key, args.value))
        record(s, AuditAction.SETTING_CHANGED, setting=args.key, old=before, new=after[args.key])
        return after

    data = with_book(args.db, work)
    emit(args, data, f"{args.key} = {data[args.key]}")
    return 0


def register(sub: Any) -> None:
    imp = add_command(
        sub,
        "activity-import",
        cmd_activity_import,
        help="credit an activity's hours from its sign-in sheet (CSV), once per member",
    )
    imp.add_argument("file", metavar="FILE", help="CSV: UTF-8 (BOM or not) or GBK, a header row")
    imp.add_argument("--name", required=True, help="the activity, e.g. 社区清洁日")
    imp.add_argument("--day", required=True, metavar="YYYY-MM-DD")
    imp.add_argument("--hours", required=True, help="each attendee's, unless the sheet says")
    imp.add_argument("--rate", type=Bounded(1, MAX_COINS_PER_HOUR), help="default: settings")
    imp.add_argument("--dry-run", action="store_true", help="show every row's result only")
    add_yes(imp)

    group = add_group(sub, "settings", "the office's settings (time zone, threshold, grant, rate)")
    add_command(group, "show", cmd_settings_show, help="every setting")
    put = add_command(group, "set", cmd_settings_set, help="change one setting")
    put.add_argument("key", choices=list(asdict(settings.Settings())))
    put.add_argument("value")

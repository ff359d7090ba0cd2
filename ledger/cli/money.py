"""`timebank-ledger grant-month|credit-hours|adjust|reverse|refund|expire-holds`: money.

The same services as the console's coin pages (ledger.web.coin_pages, grant_pages): months are
the office's (ledger.settings), an amount over the threshold is confirmed at the terminal (or
with --yes), a past month's grant needs --past; every action is audited as the CLI's user."""

from __future__ import annotations

import argparse
from datetime import date
from typing import Any

from sqlalchemy.orm import Session

from ledger import activities, approval, audit, corrections, expiry, grants, income, settings, sheet
from ledger.audit import CLI_ACTOR_ADDRESS, AuditAction
from ledger.cli.base import add_command, emit, with_book
from ledger.cli.confirm import add_yes, confirm
from ledger.cli.staff import cli_actor
from ledger.db import LedgerTransaction, utcnow
from ledger.errors import BadRequest
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
    now = utcnow()

    def look(s: Session) -> dict[str, Any]:
        rules = settings.load(s)
        month = args.month or grants.office_month(now, rules)
        coins = args.coins or rules.monthly_grant_coins
        when = grants.month_is(income.check_month(month), now, rules)
        if when == "past" and not args.past:
            raise BadRequest(
                f"{month} is a past month ({rules.office_tz}): paying it is a manager's "
                "decision; add --past to pay it"
            )
        grants.check(month, coins, now, rules, manager=True)
        large = approval.large(rules, coins)
        return {
            **grants.preview(s, month, coins),
            "large": large,
            "threshold": rules.manager_above_coins,
        }

    plan = with_book(args.db, look)
    if plan["large"] or (plan["to_pay"] and args.past):
        why = f" Each is more than {plan['threshold']}." if plan["large"] else ""
        confirm(
            args,
            f"Pay {plan['coins']} coins to each of {plan['to_pay']} members for {plan['month']}"
            f" ({plan['total']} coins)?{why}",
        )

    def pay(s: Session) -> dict[str, Any]:
        done = grants.run(s, plan["month"], plan["coins"], now, settings.load(s), manager=True)
        record(
            s,
            AuditAction.GRANT_PAID,
            month=done["month"],
            coins=done["coins"],
            members=len(done["granted"]),
            total=done["total"],
            month_is=done["month_is"],
        )
        return done

    data = with_book(args.db, pay)
    emit(
        args,
        data,
        f"{data['month']}: {data['coins']} coins to {len(data['granted'])} members"
        f" ({len(data['already_granted'])} already had this month's grant)",
    )
    return 0


def _large(args: argparse.Namespace, coins: int, what: str) -> None:
    """Ask before moving more coins than the office's threshold (ledger.settings)."""
    rules = with_book(args.db, settings.load)
    if approval.large(rules, coins):
        confirm(args, f"{what}: {abs(coins)} coins, more than {rules.manager_above_coins}. Go on?")


def record(s: Session, action: AuditAction, **detail: Any) -> None:
    """Audit what this command did, as the CLI's user (ledger.cli.staff.cli_actor)."""
    audit.record(s, action, cli_actor(), CLI_ACTOR_ADDRESS, utcnow(), **detail)


DEFAULT_ACTIVITY = "志愿服务"  # what the work was, when the command does not say


def _credit_day(raw: str | None, rules: settings.Settings) -> date:
    if raw is None:
        return rules.local(utcnow()).date()  # today at the office
    try:
        return date.fromisoformat(raw)
    except ValueError:
        raise BadRequest(f"--date {raw!r} is not a date like 2026-01-31") from None


def cmd_credit_hours(args: argparse.Namespace) -> int:
    """One member's hours as an activity of one, as the console's form credits them: once per
    (activity, day, member), so the same command run again pays nothing twice and says so."""
    rules = with_book(args.db, settings.load)
    rate = args.rate or rules.coins_per_hour
    _, coins = income.coins_for_hours(args.hours, rate)
    draft = activities.Draft(
        args.activity or DEFAULT_ACTIVITY, _credit_day(args.day, rules), args.hours, rate
    ).checked()
    rows = [sheet.SheetRow(1, args.member, "", "", args.hours)]
    judged = with_book(args.db, lambda s: activities.judge(s, draft, rows, rules, True))
    _credit_refused(judged)
    if judged.rows[0].status != "already":  # nothing to confirm for what will not be paid
        _large(args, coins, f"credit {args.member} {args.hours} hours")

    def work(s: Session) -> dict[str, Any]:
        # The command runs with the database's own rights: a large amount was confirmed above.
        outcome = activities.commit(s, draft, rows, rules, True, cli_actor())
        row = outcome.rows[0]
        _credit_refused(outcome)
        said = {"member": args.member, "hours": row.hours, "activity": draft.name}
        said |= {"day": draft.day.isoformat(), "activity_id": outcome.activity_id}
        if row.status == "already":
            return {**said, "status": "already", "coins": 0, "tx": None}
        assert row.tx is not None
        record(
            s,
            AuditAction.HOURS_CREDITED,
            member=args.member,
            hours=row.hours,
            coins=row.coins,
            day=draft.day.isoformat(),
            activity=outcome.activity_id,
            tx=row.tx,
        )
        tx = s.get(LedgerTransaction, row.tx)
        assert tx is not None
        return {**tx_json(tx), **said, "status": "credited", "coins": row.coins}

    data = with_book(args.db, work)
    when = f"{data['activity']} on {data['day']}"
    if data["status"] == "already":
        emit(args, data, f"{data['member']}: already credited for {when}: nothing credited again")
        return 0
    emit(args, data, f"{data['member']}: +{data['coins']} coins for {data['hours']} hours ({when})")
    return 0


def _credit_refused(outcome: activities.Outcome) -> None:
    """A row the activity would not credit (an unknown or deactivated member) is an error."""
    row = outcome.rows[0]
    if row.status == "refused":
        assert row.reason is not None
        raise BadRequest(row.reason.text("en"))


def cmd_adjust(args: argparse.Namespace) -> int:
    _large(args, args.coins, f"adjust {args.member}")

    def work(s: Session) -> dict[str, Any]:
        actor = corrections.resolve_actor(s, args.by)
        tx = corrections.adjust(s, args.member, args.coins, args.reason, actor)
        record(
            s,
            AuditAction.COINS_ADJUSTED,
            member=args.member,
            coins=args.coins,
            reason=args.reason,
            tx=tx.id,
        )
        return {**tx_json(tx), "member": args.member, "coins": args.coins}

    data = with_book(args.db, work)
    emit(args, data, f"{data['member']}: {data['coins']:+d} coins (tx {data['tx']})")
    return 0


def cmd_reverse(args: argparse.Namespace) -> int:
    _large(
        args,
        with_book(args.db, lambda s: approval.transaction_coins(s, args.tx)),
        f"reverse transaction {args.tx}",
    )

    def work(s: Session) -> dict[str, Any]:
        actor = corrections.resolve_actor(s, args.by)
        tx = corrections.reverse(s, args.tx, args.reason, actor)
        record(s, AuditAction.TX_REVERSED, reverses=args.tx, reason=args.reason, tx=tx.id)
        return tx_json(tx)

    data = with_book(args.db, work)
    emit(args, data, f"transaction {data['reverses']} reversed by transaction {data['tx']}")
    return 0


def cmd_refund(args: argparse.Namespace) -> int:
    _large(
        args,
        with_book(args.db, lambda s: approval.hold_coins(s, args.hold)),
        f"refund hold {args.hold}",
    )

    def work(s: Session) -> dict[str, Any]:
        actor = corrections.resolve_actor(s, args.by)
        tx = corrections.refund(s, args.hold, args.reason, actor)
        record(
            s,
            AuditAction.HOLD_REFUNDED,
            hold=args.hold,
            reason=args.reason,
            tx=tx.id if tx else None,
        )
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
    grant.add_argument(
        "--month", metavar="YYYY-MM", help="default: this month in the office's time zone"
    )
    grant.add_argument(
        "--coins", type=Bounded(1, MAX_COINS), help="each member's (default: settings)"
    )
    grant.add_argument(
        "--past", action="store_true", help="pay a month already past (a manager's decision)"
    )
    add_yes(grant)

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
        "--rate", type=Bounded(1, MAX_COINS_PER_HOUR), help="coins an hour (default: settings)"
    )
    hours.add_argument(
        "--activity",
        "--note",
        dest="activity",
        default="",
        metavar="NAME",
        help=f"what the work was (default {DEFAULT_ACTIVITY}): credited once per activity, day"
        " and member, as the console does; run again, it credits nothing and says so",
    )
    hours.add_argument(
        "--date",
        "--day",
        dest="day",
        metavar="YYYY-MM-DD",
        help="the day of the work (default: today in the office's time zone)",
    )
    add_yes(hours)

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
    add_yes(adj)

    rev = add_command(sub, "reverse", cmd_reverse, help="reverse a transaction, once")
    rev.add_argument("tx", metavar="TX", type=Bounded(1, MAX_ROW_ID))
    rev.add_argument("--reason", required=True)
    rev.add_argument("--by", help=by_help)
    add_yes(rev)

    ref = add_command(sub, "refund", cmd_refund, help="give back a captured hold's coins, once")
    ref.add_argument("hold", metavar="HOLD")
    ref.add_argument("--reason", required=True, help="why, e.g. the item was returned")
    ref.add_argument("--by", help=by_help)
    add_yes(ref)

    add_command(sub, "expire-holds", cmd_expire_holds, help="expire stale holds now")

"""The time bank's reports, from the business events (ledger.statement): exchanges per month,
item and kiosk; coins issued, redeemed and outstanding; volunteer hours and the volunteers'
ranking (only members who agreed to be listed); members who have not exchanged for months."""

from __future__ import annotations

from collections import defaultdict
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ledger import book
from ledger.db import Account, LedgerTransaction, Member, Posting, Role
from ledger.errors import BadRequest, UnknownMember
from ledger.statement import Period, events, next_month

MAX_MONTHS = 120  # a report's period, at most ten years
MAX_IDLE_MONTHS = 120
RANKING_SIZE = 20


def months_of(period: Period) -> list[str]:
    """Every YYYY-MM of a bounded period, in order."""
    if period.start is None or period.end is None:
        raise BadRequest("a report needs its first and last month")
    months, day = [], period.start
    while day < period.end:
        months.append(day.strftime("%Y-%m"))
        day = next_month(day)
        if len(months) > MAX_MONTHS:
            raise BadRequest(f"a report covers at most {MAX_MONTHS} months")
    return months


def _month(row: dict[str, Any], period: Period) -> str:
    return str(row["at"].astimezone(period.tz).strftime("%Y-%m"))


def _outstanding_before(s: Session, period: Period) -> int:
    start, _ = period.bounds()
    if start is None:
        return 0
    total = s.scalar(
        select(func.sum(Posting.amount))
        .join(LedgerTransaction, Posting.transaction_id == LedgerTransaction.id)
        .where(
            LedgerTransaction.created_at < start,
            Posting.account_id.startswith(book.MEMBER_ACCOUNT_PREFIX),
        )
    )
    return int(total or 0)


def summary(s: Session, period: Period) -> dict[str, Any]:
    """Everything the reports page draws, for the months of `period`."""
    months = months_of(period)
    rows = events(s, period)
    exchanges = {m: {"count": 0, "coins": 0} for m in months}
    by_item: dict[str, dict[str, Any]] = {}
    by_kiosk: dict[str, dict[str, Any]] = {}
    coins = {m: {"issued": 0, "redeemed": 0, "outstanding": 0} for m in months}
    hours = {m: Decimal(0) for m in months}
    volunteers: dict[str, Decimal] = defaultdict(Decimal)
    for row in rows:
        month = _month(row, period)
        if row["redeemed"]:
            # An exchange takes coins (-); its refund gives them back and un-counts it.
            step = 1 if row["coins"] < 0 else -1
            spent = -row["coins"]
            exchanges[month]["count"] += step
            exchanges[month]["coins"] += spent
            coins[month]["redeemed"] += spent
            for table, key, label in (
                (by_item, row["sku"] or "", row["item"]),
                (by_kiosk, row["kiosk"] or "", {"zh": row["kiosk_name"], "en": row["kiosk_name"]}),
            ):
                entry = table.setdefault(key, {"key": key, "label": label, "count": 0, "coins": 0})
                entry["count"] += step
                entry["coins"] += spent
        else:
            coins[month]["issued"] += row["coins"]
        if row["hours"] is not None:
            hours[month] += row["hours"]
            volunteers[row["member"]] += row["hours"]
    outstanding = _outstanding_before(s, period)
    for month in months:
        outstanding += coins[month]["issued"] - coins[month]["redeemed"]
        coins[month]["outstanding"] = outstanding
    return {
        "months": months,
        "exchanges": [{"month": m, **exchanges[m]} for m in months],
        "by_item": sorted(by_item.values(), key=lambda e: (-e["count"], e["key"])),
        "by_kiosk": sorted(by_kiosk.values(), key=lambda e: (-e["count"], e["key"])),
        "coins": [{"month": m, **coins[m]} for m in months],
        "hours": [{"month": m, "hours": hours[m]} for m in months],
        "ranking": ranking(s, volunteers),
    }


def ranking(s: Session, volunteers: dict[str, Decimal]) -> dict[str, Any]:
    """The volunteers by hours: named only with their consent; the others are only counted,
    with their member numbers for staff to ask them (never on the published list)."""
    found = (
        {m.id: m for m in s.scalars(select(Member).where(Member.id.in_(list(volunteers))))}
        if volunteers
        else {}
    )
    listed: list[dict[str, Any]] = []
    unlisted: list[dict[str, Any]] = []
    for member_id, total in sorted(volunteers.items(), key=lambda kv: (-kv[1], kv[0])):
        member = found.get(member_id)
        if member is None or total <= 0 or member.deactivated_at is not None:
            continue
        entry = {"member": member_id, "name": member.name, "hours": total}
        (listed if member.ranking_opt_in else unlisted).append(entry)
    for place, entry in enumerate(listed, 1):
        entry["place"] = place
    return {"listed": listed[:RANKING_SIZE], "not_opted_in": unlisted}


def set_ranking_opt_in(s: Session, member_id: str, opt_in: bool) -> bool:
    """Record the member's consent to be named in the ranking (or its withdrawal); returns
    whether it changed."""
    member = s.get(Member, member_id[:16])
    if member is None:
        raise UnknownMember(f"no member {member_id!r}")
    changed = member.ranking_opt_in != opt_in
    member.ranking_opt_in = opt_in
    s.flush()
    return changed


def months_before(day: date, months: int) -> date:
    """The first day of the month `months` before `day`'s month."""
    index = day.year * 12 + day.month - 1 - months
    return date(index // 12, index % 12 + 1, 1)


def idle_members(s: Session, months: int, now: datetime, period: Period) -> list[dict[str, Any]]:
    """Active members (role member) with no exchange since the start of the month `months`
    months ago (in the office's calendar), with their last exchange and their balance."""
    if not 1 <= months <= MAX_IDLE_MONTHS:
        raise BadRequest(f"months must be 1 to {MAX_IDLE_MONTHS}, got {months}")
    since = Period(months_before(now.astimezone(period.tz).date(), months), None, period.tz)
    cutoff, _ = since.bounds()
    assert cutoff is not None
    last = dict(
        s.execute(
            select(Account.member_id, func.max(LedgerTransaction.created_at))
            .join(Posting, Posting.account_id == Account.id)
            .join(LedgerTransaction, Posting.transaction_id == LedgerTransaction.id)
            .where(LedgerTransaction.kind == "redemption", Account.member_id.is_not(None))
            .group_by(Account.member_id)
        ).all()
    )
    balances = dict(
        s.execute(
            select(Account.member_id, func.coalesce(func.sum(Posting.amount), 0))
            .outerjoin(Posting, Posting.account_id == Account.id)
            .where(Account.member_id.is_not(None))
            .group_by(Account.member_id)
        ).all()
    )
    rows = []
    # Members only: a technician's or staff badge is not someone the office calls about coins.
    query = (
        select(Member)
        .where(Member.deactivated_at.is_(None), Member.role == Role.MEMBER)
        .order_by(Member.id)
    )
    for member in s.scalars(query):
        when = last.get(member.id)
        if when is not None and when >= cutoff:
            continue
        rows.append(
            {
                "member": member.id,
                "name": member.name,
                "phone": member.phone or "",
                "last_exchange": when.astimezone(period.tz).strftime("%Y-%m-%d") if when else "",
                "balance": int(balances.get(member.id, 0)),
            }
        )
    return rows

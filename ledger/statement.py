"""The book as staff read it: one row per business event (a grant, an exchange at a kiosk,
volunteer hours, a refund...), not one per posting, in the office's local time, with the
member's and the item's names. The exports (ledger.exports) and the reports read it."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, time
from decimal import Decimal, InvalidOperation
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ledger import book
from ledger.audit import OFFICE_TZ
from ledger.db import (
    Account,
    ActivityCredit,
    CatalogItem,
    Hold,
    Kiosk,
    LedgerTransaction,
    Member,
    Posting,
)
from ledger.errors import BadRequest

# ledger.income writes "1.5 volunteer hours at 10 coins an hour": the hours of a credit made
# before activities kept theirs in activity_credits.
HOURS_MEMO = re.compile(r"^(\d+(?:\.\d+)?) volunteer hours\b")
REDEMPTIONS = book.SystemAccount.REDEMPTIONS.value


@dataclass(frozen=True)
class Period:
    """[start, end) as the office's calendar says; None is open on that side."""

    start: date | None = None
    end: date | None = None
    tz: ZoneInfo = OFFICE_TZ

    def bounds(self) -> tuple[datetime | None, datetime | None]:
        def instant(day: date | None) -> datetime | None:
            return None if day is None else datetime.combine(day, time(), self.tz).astimezone(UTC)

        return instant(self.start), instant(self.end)


def month_start(text: str, what: str = "month") -> date:
    """The first day of a month written YYYY-MM."""
    try:
        year, month = text.split("-")
        if len(year) != 4 or len(month) != 2:
            raise ValueError
        return date(int(year), int(month), 1)
    except ValueError:
        raise BadRequest(f"the {what} {text!r} is not a month written like 2026-01") from None


def next_month(day: date) -> date:
    return date(day.year + day.month // 12, day.month % 12 + 1, 1)


def months_period(first: str | None, last: str | None, tz: ZoneInfo = OFFICE_TZ) -> Period:
    """The months FIRST to LAST, both included (YYYY-MM; either may be left open)."""
    start = month_start(first, "first month") if first else None
    end = next_month(month_start(last, "last month")) if last else None
    if start and end and end <= start:
        raise BadRequest(f"the last month {last} comes before the first month {first}")
    return Period(start, end, tz)


def _hours(memo: str, credited: str | None) -> Decimal | None:
    raw = credited
    if raw is None:
        found = HOURS_MEMO.match(memo)
        raw = found.group(1) if found else None
    try:
        return Decimal(raw) if raw is not None else None
    except InvalidOperation:
        return None


def _opening_balances(s: Session, before: datetime | None) -> dict[str, int]:
    if before is None:
        return {}
    query = (
        select(Posting.account_id, func.sum(Posting.amount))
        .join(LedgerTransaction, Posting.transaction_id == LedgerTransaction.id)
        .where(LedgerTransaction.created_at < before)
        .group_by(Posting.account_id)
    )
    return {account: int(total) for account, total in s.execute(query)}


def _reversed_hours(s: Session, reversed_ids: list[int]) -> dict[int, Decimal]:
    """The hours of each volunteer-hours transaction among `reversed_ids`."""
    found: dict[int, Decimal] = {}
    for chunk in (reversed_ids[i : i + 500] for i in range(0, len(reversed_ids), 500)):
        query = (
            select(LedgerTransaction.id, LedgerTransaction.memo, ActivityCredit.hours)
            .outerjoin(ActivityCredit, ActivityCredit.transaction_id == LedgerTransaction.id)
            .where(LedgerTransaction.id.in_(chunk), LedgerTransaction.kind == "volunteer_hours")
        )
        for tx_id, memo, credited in s.execute(query):
            hours = _hours(memo, credited)
            if hours is not None:
                found[tx_id] = hours
    return found


def events(s: Session, period: Period, member_id: str | None = None) -> list[dict[str, Any]]:
    """Every business event of `period` (of one member, or all), oldest first. A row's
    `coins` is what the member's balance moved (+ in, - out) and `balance_after` their
    balance after it; `redeemed` is true for an event on the redemptions account (an exchange,
    or its refund, negative)."""
    start, end = period.bounds()
    txs = select(LedgerTransaction).order_by(LedgerTransaction.id)
    if start is not None:
        txs = txs.where(LedgerTransaction.created_at >= start)
    if end is not None:
        txs = txs.where(LedgerTransaction.created_at < end)
    if member_id is not None:
        theirs = select(Posting.transaction_id).where(
            Posting.account_id == book.member_account_id(member_id)
        )
        txs = txs.where(LedgerTransaction.id.in_(theirs))
    transactions = list(s.scalars(txs))
    ids = [tx.id for tx in transactions]
    postings: dict[int, list[tuple[str, int]]] = {}
    credits: dict[int, str] = {}
    for chunk in (ids[i : i + 500] for i in range(0, len(ids), 500)):
        for p in s.scalars(select(Posting).where(Posting.transaction_id.in_(chunk))):
            postings.setdefault(p.transaction_id, []).append((p.account_id, p.amount))
        for tx_id, credited in s.execute(
            select(ActivityCredit.transaction_id, ActivityCredit.hours).where(
                ActivityCredit.transaction_id.in_(chunk)
            )
        ):
            credits[tx_id] = credited
    members = {
        a.id: (m.id, m.name)
        for a, m in s.execute(select(Account, Member).join(Member, Account.member_id == Member.id))
    }
    holds = {h.id: (h.sku, h.kiosk_id) for h in s.scalars(select(Hold))} if ids else {}
    items = {i.sku: (i.name_zh, i.name_en) for i in s.scalars(select(CatalogItem))}
    kiosk_names = {k.id: k.name for k in s.scalars(select(Kiosk))}
    running = _opening_balances(s, start)
    undone_hours = _reversed_hours(s, [tx.reverses_id for tx in transactions if tx.reverses_id])
    rows = []
    for tx in transactions:
        lines = postings.get(tx.id, [])
        own = [(acc, amt) for acc, amt in lines if acc in members]
        for acc, amt in own:
            running[acc] = running.get(acc, 0) + amt
        if member_id is not None:
            own = [(a, m) for a, m in own if a == book.member_account_id(member_id)]
        sku, kiosk = holds.get(tx.hold_id or "", (None, None))
        hours: Decimal | None = None
        if tx.kind == "volunteer_hours":
            hours = _hours(tx.memo, credits.get(tx.id))
        if tx.reverses_id in undone_hours:  # a reversal of volunteer hours takes them back
            hours = -undone_hours[tx.reverses_id]
        rows.append(
            {
                "event": tx.id,
                "at": tx.created_at,
                "local_time": tx.created_at.astimezone(period.tz).strftime("%Y-%m-%d %H:%M:%S"),
                "kind": tx.kind,
                "member": ", ".join(members[a][0] for a, _ in own),
                "member_name": ", ".join(members[a][1] for a, _ in own),
                "coins": sum(amt for _, amt in own),
                "balance_after": running[own[0][0]] if len(own) == 1 else None,
                "sku": sku,
                "item": {"zh": items.get(sku, (sku, sku))[0], "en": items.get(sku, (sku, sku))[1]}
                if sku
                else None,
                "kiosk": kiosk,
                "kiosk_name": kiosk_names.get(kiosk or "", kiosk),
                "hours": hours,
                "redeemed": any(acc == REDEMPTIONS for acc, _ in lines),
                "memo": tx.memo,
                "actor": tx.actor,
                "reverses": tx.reverses_id,
            }
        )
    return rows

"""The monthly grant as the office runs it: months are the office's (ledger.settings, Asia/Shanghai
by default), a preview says who gets how much and the total before anything is paid, a month
not yet begun is refused, and a month already past needs a manager (ledger.approval).

Paying is ledger.income.grant_month: once per member and month, whoever runs it.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from ledger import approval, income
from ledger.db import Member, MonthlyGrant
from ledger.errors import BadRequest
from ledger.settings import Settings


def office_month(now: datetime, settings: Settings) -> str:
    """The month the office's calendar shows at `now` (YYYY-MM)."""
    return settings.local(now).strftime("%Y-%m")


def month_is(month: str, now: datetime, settings: Settings) -> str:
    """'past', 'current' or 'future', by the office's calendar."""
    current = office_month(now, settings)
    return "current" if month == current else "past" if month < current else "future"


def preview(s: Session, month: str, coins: int) -> dict[str, Any]:
    """Who would be paid for `month` and how much, and who has this month's grant already;
    nothing is written."""
    income.check_month(month)
    eligible = s.scalars(
        select(Member)
        .where(Member.grant_eligible, Member.deactivated_at.is_(None))
        .order_by(Member.id)
    )
    paid = set(s.scalars(select(MonthlyGrant.member_id).where(MonthlyGrant.month == month)))
    rows = [{"member": m.id, "name": m.name, "already": m.id in paid} for m in eligible]
    to_pay = [r for r in rows if not r["already"]]
    return {
        "month": month,
        "coins": coins,
        "members": rows,
        "to_pay": len(to_pay),
        "already": len(rows) - len(to_pay),
        "total": coins * len(to_pay),
    }


def check(month: str, coins: int, now: datetime, settings: Settings, manager: bool) -> str:
    """Refuse what may not be paid (a month not begun; a past month or a large grant without a
    manager); returns 'past' or 'current'."""
    income.check_month(month)
    when = month_is(month, now, settings)
    if when == "future":
        raise BadRequest(
            f"{month} has not begun in the office's time zone ({settings.office_tz}); "
            "its grant is paid once it has"
        )
    if when == "past" and not manager:
        raise approval.NeedsManager(
            f"{month} is a past month: only a manager may pay its grant", extra={"month": month}
        )
    approval.check_amount(settings, coins, manager, "a monthly grant")
    return when


def run(
    s: Session, month: str, coins: int, now: datetime, settings: Settings, manager: bool
) -> dict[str, Any]:
    """Pay `month`'s grant to every eligible member who has not had it."""
    when = check(month, coins, now, settings, manager)
    result = income.grant_month(s, month, coins)
    return {**result, "month_is": when, "total": coins * len(result["granted"])}

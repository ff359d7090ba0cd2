"""Activities as the console lists them: newest first with the members credited and the
coins, and one activity's credits (ledger.activities writes them)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ledger.db import Activity, ActivityCredit, Member


def count(s: Session) -> int:
    return int(s.scalar(select(func.count(Activity.id))) or 0)


def recent(s: Session, offset: int, limit: int) -> list[dict[str, Any]]:
    """Activities newest day first, with how many members were credited and the coins."""
    credited = (
        select(
            ActivityCredit.activity_id,
            func.count(ActivityCredit.member_id).label("people"),
            func.sum(ActivityCredit.coins).label("coins"),
        )
        .group_by(ActivityCredit.activity_id)
        .subquery()
    )
    rows = s.execute(
        select(Activity, credited.c.people, credited.c.coins)
        .outerjoin(credited, credited.c.activity_id == Activity.id)
        .order_by(Activity.day.desc(), Activity.id.desc())
        .offset(offset)
        .limit(limit)
    )
    return [
        {
            "activity": a.id,
            "name": a.name,
            "day": a.day.isoformat(),
            "hours": a.hours,
            "people": int(people or 0),
            "coins": int(coins or 0),
            "by": a.created_by,
        }
        for a, people, coins in rows
    ]


def credits(s: Session, activity_id: int) -> tuple[Activity, list[dict[str, Any]]] | None:
    """An activity and the members it credited (by member number), or None."""
    activity = s.get(Activity, activity_id)
    if activity is None:
        return None
    rows = s.execute(
        select(ActivityCredit, Member.name)
        .join(Member, Member.id == ActivityCredit.member_id)
        .where(ActivityCredit.activity_id == activity_id)
        .order_by(ActivityCredit.member_id)
    )
    return activity, [
        {
            "member": c.member_id,
            "name": name,
            "hours": c.hours,
            "coins": c.coins,
            "tx": c.transaction_id,
            "by": c.created_by,
        }
        for c, name in rows
    ]

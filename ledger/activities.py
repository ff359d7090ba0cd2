"""Volunteer hours for a whole activity (a name, a day, each attendee's hours), from a sign-in
sheet (ledger.sheet) or a typed list: first a preview of every row's result, nothing written;
then, once the clerk confirms, the rows that can be credited are, each in its own savepoint.

Crediting is idempotent per (activity, member): the activity is found by its name and day, and
the primary key of activity_credits refuses a second credit, so importing the same sheet again
credits nobody twice. Coins are ledger.income's (hours times the rate, rounded down); a row
worth more than the office's threshold needs a manager (ledger.approval).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from ledger import approval, income, members
from ledger.activity_reasons import Reason
from ledger.db import Activity, ActivityCredit, Member
from ledger.errors import BadRequest
from ledger.settings import Settings
from ledger.sheet import SheetRow

MAX_NAME = 200


@dataclass(frozen=True)
class Draft:
    """The activity the rows belong to, as the form or the command gives it."""

    name: str
    day: date
    hours: str  # each attendee's, unless the row says otherwise
    rate: int

    def checked(self) -> Draft:
        name = self.name.strip()
        if not name:
            raise BadRequest("an activity needs a name")
        if len(name) > MAX_NAME:
            raise BadRequest(f"an activity's name is longer than {MAX_NAME} characters")
        amount, _ = income.coins_for_hours(self.hours, self.rate)
        return Draft(name, self.day, str(amount), self.rate)


@dataclass
class RowResult:
    number: int
    status: str  # "credit", "already", "needs_manager" or "refused"
    member: str = ""
    name: str = ""
    hours: str = ""
    coins: int = 0
    reason: Reason | None = None
    tx: int | None = None

    def as_dict(self) -> dict[str, Any]:
        reason = {"code": self.reason.code, **self.reason.values} if self.reason else None
        return {
            "row": self.number,
            "status": self.status,
            "member": self.member,
            "name": self.name,
            "hours": self.hours,
            "coins": self.coins,
            "reason": reason,
            "tx": self.tx,
        }


@dataclass
class Outcome:
    draft: Draft
    rows: list[RowResult] = field(default_factory=list)
    activity_id: int | None = None

    def count(self, status: str) -> int:
        return sum(1 for r in self.rows if r.status == status)

    @property
    def coins(self) -> int:
        return sum(r.coins for r in self.rows if r.status == "credit")

    def as_dict(self) -> dict[str, Any]:
        return {
            "activity": self.activity_id,
            "name": self.draft.name,
            "day": self.draft.day.isoformat(),
            "hours": self.draft.hours,
            "rate": self.draft.rate,
            "rows": [r.as_dict() for r in self.rows],
            "credit": self.count("credit"),
            "already": self.count("already"),
            "needs_manager": self.count("needs_manager"),
            "refused": self.count("refused"),
            "coins": self.coins,
        }


def find(s: Session, draft: Draft) -> Activity | None:
    return s.scalar(select(Activity).where(Activity.name == draft.name, Activity.day == draft.day))


def _member_of(s: Session, row: SheetRow) -> Member | Reason:
    if row.member:
        number = row.member.strip().lower()
        member = s.get(Member, number) if len(number) <= 16 else None
        if member is None:
            return Reason("unknown_member", member=row.member[:40])
        if row.name and row.name != member.name:
            return Reason("name_differs", member=member.id, name=member.name, sheet=row.name[:40])
        return member
    if not (row.name and row.phone):
        return Reason("no_member")
    try:
        phone = members.clean_phone(row.phone)
    except BadRequest:
        return Reason("bad_phone", phone=row.phone[:40])
    found = list(s.scalars(select(Member).where(Member.phone == phone, Member.name == row.name)))
    if not found:
        return Reason("no_match", name=row.name[:40], phone=row.phone[:40])
    if len(found) > 1:
        return Reason("several", name=row.name, phone=row.phone[:40])
    return found[0]


def _hours(row: SheetRow, draft: Draft) -> tuple[str, int] | Reason:
    raw = row.hours or draft.hours
    try:
        amount, coins = income.coins_for_hours(raw.replace("小时", "").strip(), draft.rate)
    except BadRequest:
        return Reason("bad_hours", hours=raw[:20])
    return str(amount), coins


def judge(
    s: Session, draft: Draft, rows: list[SheetRow], settings: Settings, manager: bool
) -> Outcome:
    """Every row's result, as a commit now would have it; writes nothing."""
    draft = draft.checked()
    activity = find(s, draft)
    credited = (
        set(
            s.scalars(
                select(ActivityCredit.member_id).where(ActivityCredit.activity_id == activity.id)
            )
        )
        if activity is not None
        else set()
    )
    outcome = Outcome(draft, activity_id=activity.id if activity else None)
    first_row: dict[str, int] = {}
    for row in rows:
        found = _member_of(s, row)
        if isinstance(found, Reason):
            outcome.rows.append(
                RowResult(row.number, "refused", row.member, row.name, reason=found)
            )
            continue
        result = RowResult(row.number, "refused", found.id, found.name)
        outcome.rows.append(result)
        if found.deactivated_at is not None:
            result.reason = Reason("deactivated", member=found.id)
            continue
        if found.id in first_row:
            result.reason = Reason("repeated", member=found.id, row=first_row[found.id])
            continue
        first_row[found.id] = row.number
        hours = _hours(row, draft)
        if isinstance(hours, Reason):
            result.reason = hours
            continue
        result.hours, result.coins = hours
        if found.id in credited:
            result.status, result.coins = "already", 0
            result.reason = Reason("already", member=found.id)
        elif approval.large(settings, result.coins) and not manager:
            result.status = "needs_manager"
            result.reason = Reason(
                "needs_manager", coins=result.coins, threshold=settings.manager_above_coins
            )
        else:
            result.status = "credit"
    return outcome


def _new_activity(s: Session, draft: Draft, actor: str) -> Activity:
    """The activity's row; a concurrent import that made it first (PostgreSQL: the unique name
    and day) leaves us its row instead of failing the import."""
    try:
        with s.begin_nested():
            activity = Activity(
                name=draft.name, day=draft.day, hours=draft.hours, rate=draft.rate, created_by=actor
            )
            s.add(activity)
            s.flush()
            return activity
    except IntegrityError:
        found = find(s, draft)
        if found is None:
            raise
        return found


def commit(
    s: Session, draft: Draft, rows: list[SheetRow], settings: Settings, manager: bool, actor: str
) -> Outcome:
    """Credit every row `judge` finds creditable; the rest are reported, not written."""
    outcome = judge(s, draft, rows, settings, manager)
    draft = outcome.draft
    if not outcome.count("credit"):
        return outcome  # nothing to credit: no activity row is made for it
    activity = find(s, draft) or _new_activity(s, draft, actor)
    outcome.activity_id = activity.id
    memo_head = f"{draft.name} {draft.day.isoformat()}"
    for row in outcome.rows:
        if row.status != "credit":
            continue
        try:
            # The (activity, member) key: a concurrent import that got there first makes our
            # insert fail and the savepoint undo our transfer.
            with s.begin_nested():
                tx = income.credit_hours(s, row.member, row.hours, draft.rate, memo_head)
                s.add(
                    ActivityCredit(
                        activity_id=activity.id,
                        member_id=row.member,
                        hours=row.hours,
                        coins=row.coins,
                        transaction_id=tx.id,
                        created_by=actor,
                    )
                )
                s.flush()
        except IntegrityError:
            row.status, row.coins, row.reason = "already", 0, Reason("already", member=row.member)
            continue
        row.tx = tx.id
    return outcome

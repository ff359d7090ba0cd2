"""Coins in: the monthly grant to eligible members and volunteer hours turned into coins.

Who is eligible for the monthly grant is a flag on the member (`member add --grant`,
`member set ID --grant`): registered low-income residents, as the time bank decides.
"""

from __future__ import annotations

import math
import re
from decimal import Decimal, InvalidOperation
from typing import Any

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from ledger import book
from ledger.db import LedgerTransaction, Member, MonthlyGrant
from ledger.errors import BadRequest, UnknownMember
from ledger.limits import MAX_COINS, MAX_COINS_PER_HOUR, MAX_HOURS_PER_CREDIT

DEFAULT_MONTHLY_GRANT = 15  # coins
DEFAULT_COINS_PER_HOUR = 10
MONTH_PATTERN = re.compile(r"(\d{4})-(0[1-9]|1[0-2])")


def check_month(month: str) -> str:
    if not MONTH_PATTERN.fullmatch(month):
        raise BadRequest(f"month {month!r} must be YYYY-MM, e.g. 2026-03")
    return month


def grant_month(s: Session, month: str, coins: int = DEFAULT_MONTHLY_GRANT) -> dict[str, Any]:
    """Grant `coins` to every eligible member for `month`, once per member and month."""
    check_month(month)
    if not 0 < coins <= MAX_COINS:
        raise BadRequest(f"the monthly grant must be 1 to {MAX_COINS} coins, got {coins}")
    granted, already = [], []
    # A deactivated member is paid nothing (they can spend nowhere).
    eligible = s.scalars(
        select(Member)
        .where(Member.grant_eligible, Member.deactivated_at.is_(None))
        .order_by(Member.id)
    )
    for member in eligible:
        if s.get(MonthlyGrant, (member.id, month)) is not None:
            already.append(member.id)
            continue
        try:
            # The primary key (member, month) is what makes this idempotent: a concurrent
            # run that got there first makes our insert fail and the savepoint undo our grant.
            with s.begin_nested():
                tx = book.grant(s, member.id, coins, memo=f"monthly grant {month}")
                s.add(MonthlyGrant(member_id=member.id, month=month, transaction_id=tx.id))
                s.flush()
        except IntegrityError:
            already.append(member.id)
            continue
        granted.append(member.id)
    return {"month": month, "coins": coins, "granted": granted, "already_granted": already}


def coins_for_hours(hours: str | Decimal, rate: int) -> tuple[Decimal, int]:
    """(hours, coins): fractional hours are allowed and rounded DOWN to whole coins."""
    try:
        amount = Decimal(str(hours))
    except InvalidOperation:
        raise BadRequest(f"hours {hours!r} is not a number") from None
    if not amount.is_finite() or amount <= 0:
        raise BadRequest(f"hours must be more than 0, got {hours}")
    if amount > MAX_HOURS_PER_CREDIT:
        raise BadRequest(f"{hours} hours at once is more than {MAX_HOURS_PER_CREDIT}; split it")
    if not 0 < rate <= MAX_COINS_PER_HOUR:
        raise BadRequest(f"the rate must be 1 to {MAX_COINS_PER_HOUR} coins an hour, got {rate}")
    coins = math.floor(amount * rate)
    if coins == 0:
        raise BadRequest(f"{hours} hours at {rate} coins an hour is less than one coin")
    return amount, coins


def credit_hours(
    s: Session,
    member_id: str,
    hours: str | Decimal,
    rate: int = DEFAULT_COINS_PER_HOUR,
    note: str = "",
) -> LedgerTransaction:
    """Pay a volunteer for `hours` of work at `rate` coins an hour (rounded down)."""
    amount, coins = coins_for_hours(hours, rate)
    if s.get(Member, member_id) is None:
        raise UnknownMember(f"no member {member_id!r}")
    memo = f"{amount} volunteer hours at {rate} coins an hour" + (f": {note}" if note else "")
    return book.transfer(
        s,
        "volunteer_hours",
        book.SystemAccount.VOLUNTEER_HOURS.value,
        book.member_account_id(member_id),
        coins,
        memo,
    )

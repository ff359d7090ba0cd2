"""Staff corrections: reversals, refunds of captured holds and adjustments, each with a reason.

History is never edited: a correction is a new transaction that names what it reverses, why,
and who made it. A transaction is reversed at most once (a unique key, not only a check).
"""

from __future__ import annotations

import getpass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from ledger import book
from ledger.db import Account, Hold, HoldState, LedgerTransaction, Member, Posting, Role, utcnow
from ledger.errors import (
    AlreadyReversed,
    BadRequest,
    InsufficientFunds,
    NotRefundable,
    NotStaff,
    UnknownHold,
    UnknownMember,
    UnknownTransaction,
)
from ledger.totp import MEMBER_ID_PATTERN


def resolve_actor(s: Session, by: str | None) -> str:
    """Who is making a correction: a staff member's id, or else the OS account running it."""
    if by is None:
        return "os:" + getpass.getuser()
    if not MEMBER_ID_PATTERN.fullmatch(by):
        raise BadRequest(f"--by {by!r} must be a staff member's id (m and 6 digits)")
    member = s.get(Member, by)
    if member is None:
        raise UnknownMember(f"--by names no member {by!r}")
    if member.role != Role.STAFF:
        raise NotStaff(f"--by {by} is {member.role.value}, not staff")
    return by


def _need_reason(reason: str | None) -> str:
    if not reason or not reason.strip():
        raise BadRequest("a correction needs a reason (--reason)")
    return reason.strip()


def _check_members_stay_covered(s: Session, lines: list[tuple[str, int]], what: str) -> None:
    for account_id, amount in lines:
        account = s.get(Account, account_id)
        if amount >= 0 or account is None or account.member_id is None:
            continue
        book.lock_member_account(s, account.member_id)
        spendable = book.spendable_balance(s, account.member_id)
        if spendable + amount < 0:
            raise InsufficientFunds(
                f"{what} would take {-amount} coins from member {account.member_id}, "
                f"who has {spendable} spendable"
            )


def reverse(
    s: Session,
    tx_id: int,
    reason: str | None,
    actor: str,
    kind: str = "reversal",
    now: datetime | None = None,
) -> LedgerTransaction:
    """A new transaction with every posting of `tx_id` negated; once per transaction."""
    reason = _need_reason(reason)
    original = s.scalar(
        select(LedgerTransaction).where(LedgerTransaction.id == tx_id).with_for_update()
    )
    if original is None:
        raise UnknownTransaction(f"no transaction {tx_id}")
    earlier = s.scalar(select(LedgerTransaction.id).where(LedgerTransaction.reverses_id == tx_id))
    if earlier is not None:
        raise AlreadyReversed(f"transaction {tx_id} was already reversed by transaction {earlier}")
    lines = [
        (p.account_id, -p.amount)
        for p in s.scalars(select(Posting).where(Posting.transaction_id == tx_id))
    ]
    _check_members_stay_covered(s, lines, f"reversing transaction {tx_id}")
    try:
        with s.begin_nested():  # a concurrent twin may win the unique key (PostgreSQL)
            tx = book.post(
                s,
                kind,
                lines,
                memo=reason,
                hold_id=original.hold_id,
                reverses_id=tx_id,
                actor=actor,
            )
    except IntegrityError:
        raise AlreadyReversed(f"transaction {tx_id} was already reversed") from None
    if original.hold_id is not None:
        hold = s.get(Hold, original.hold_id)
        if hold is not None and hold.state == HoldState.CAPTURED:
            hold.state, hold.settled_at = HoldState.REFUNDED, now or utcnow()
    s.flush()
    return tx


def refund(s: Session, hold_id: str, reason: str | None, actor: str) -> LedgerTransaction | None:
    """Give back the coins of a captured hold (item returned, wrong item...); once only, with
    a reason.

    Returns the refund transaction, or None for a free item (nothing to give back).
    """
    reason = _need_reason(reason)
    hold = s.scalar(select(Hold).where(Hold.id == hold_id).with_for_update())
    if hold is None:
        raise UnknownHold(f"no hold {hold_id!r}")
    if hold.state == HoldState.REFUNDED:
        raise AlreadyReversed(f"hold {hold_id} was already refunded")
    if hold.state != HoldState.CAPTURED:
        raise NotRefundable(
            f"hold {hold_id} is {hold.state.value}; only a captured hold is refunded"
        )
    redemption = s.scalar(
        select(LedgerTransaction).where(
            LedgerTransaction.hold_id == hold_id, LedgerTransaction.kind == "redemption"
        )
    )
    if redemption is None:  # a free item: no coins moved
        hold.state, hold.settled_at = HoldState.REFUNDED, utcnow()
        s.flush()
        return None
    return reverse(s, redemption.id, reason, actor, kind="refund")


def adjust(
    s: Session, member_id: str, coins: int, reason: str | None, actor: str
) -> LedgerTransaction:
    """Staff add (positive) or take (negative) coins, against the adjustments account."""
    reason = _need_reason(reason)
    if coins == 0:
        raise BadRequest("an adjustment of 0 coins changes nothing")
    if s.get(Member, member_id) is None:
        raise UnknownMember(f"no member {member_id!r}")
    lines = [
        (book.SystemAccount.ADJUSTMENTS.value, -coins),
        (book.member_account_id(member_id), coins),
    ]
    _check_members_stay_covered(s, lines, f"an adjustment of {coins}")
    return book.post(s, "adjustment", lines, memo=reason, actor=actor)

"""The double-entry book: accounts, zero-sum transactions, derived balances, and holds.

Balances are never stored: a balance is the sum of an account's postings. Nothing here is
ever updated or deleted except a hold's state; a correction is a new reversing transaction.
"""

from __future__ import annotations

import enum
import secrets
from collections.abc import Iterable
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import func, insert, select
from sqlalchemy.orm import Session

from ledger.db import (
    Account,
    AccountKind,
    CatalogItem,
    Hold,
    HoldState,
    LedgerTransaction,
    Posting,
    utcnow,
)
from ledger.errors import (
    Forbidden,
    HoldExpired,
    HoldNotOpen,
    InsufficientFunds,
    PriceChanged,
    UnbalancedTransaction,
    UnknownHold,
    UnknownMember,
    UnknownSku,
)


class SystemAccount(enum.Enum):
    """The ledger's own accounts; they may go negative (they are where coins come from)."""

    GRANT_POOL = "sys:grant_pool"
    VOLUNTEER_HOURS = "sys:volunteer_hours"
    REDEMPTIONS = "sys:redemptions"
    ADJUSTMENTS = "sys:adjustments"


def member_account_id(member_id: str) -> str:
    return f"mem:{member_id}"


def ensure_system_accounts(s: Session) -> None:
    for acc in SystemAccount:
        if s.get(Account, acc.value) is None:
            s.add(Account(id=acc.value, kind=AccountKind.SYSTEM, name=acc.name.lower()))
    s.flush()


def open_member_account(s: Session, member_id: str, name: str) -> Account:
    account = Account(
        id=member_account_id(member_id), kind=AccountKind.MEMBER, member_id=member_id, name=name
    )
    s.add(account)
    s.flush()
    return account


def post(
    s: Session,
    kind: str,
    postings: Iterable[tuple[str, int]],
    memo: str = "",
    hold_id: str | None = None,
    reverses_id: int | None = None,
    actor: str = "",
) -> LedgerTransaction:
    """Record one transaction; its postings must be non-zero whole coins that sum to zero."""
    lines = list(postings)
    if len(lines) < 2 or sum(amount for _, amount in lines) != 0:
        raise UnbalancedTransaction(f"postings of a {kind} transaction do not balance: {lines}")
    if any(not isinstance(amount, int) or amount == 0 for _, amount in lines):
        raise UnbalancedTransaction(f"postings must be non-zero whole coins: {lines}")
    tx = LedgerTransaction(
        kind=kind, memo=memo, hold_id=hold_id, reverses_id=reverses_id, actor=actor
    )
    s.add(tx)
    s.flush()
    # A bulk insert: the postings are never read back as objects in this transaction.
    rows = [{"transaction_id": tx.id, "account_id": acc, "amount": amt} for acc, amt in lines]
    s.execute(insert(Posting), rows)
    return tx


def transfer(
    s: Session, kind: str, debit: str, credit: str, coins: int, memo: str = "", **kw: Any
) -> LedgerTransaction:
    """Move `coins` from account `debit` to account `credit`."""
    return post(s, kind, [(debit, -coins), (credit, coins)], memo=memo, **kw)


def grant(s: Session, member_id: str, coins: int, memo: str = "grant") -> LedgerTransaction:
    """Give a member coins from the grant pool."""
    return transfer(
        s, "grant", SystemAccount.GRANT_POOL.value, member_account_id(member_id), coins, memo
    )


def _posted_sum(account_id: str) -> Any:
    # Index-only on ix_postings_account_amount: no table row is read per posting.
    total = select(func.sum(Posting.amount)).where(Posting.account_id == account_id)
    return func.coalesce(total.scalar_subquery(), 0)


def _open_holds_sum(member_id: str, now: datetime) -> Any:
    # ix_holds_member_state narrows this to the member's held holds, not their whole history.
    total = select(func.sum(Hold.price)).where(
        Hold.member_id == member_id, Hold.state == HoldState.HELD, Hold.expires_at > now
    )
    return func.coalesce(total.scalar_subquery(), 0)


def posted_balance(s: Session, account_id: str) -> int:
    return int(s.scalar(select(_posted_sum(account_id))) or 0)


def open_holds_total(s: Session, member_id: str, now: datetime) -> int:
    return int(s.scalar(select(_open_holds_sum(member_id, now))) or 0)


def spendable_balance(s: Session, member_id: str, now: datetime | None = None) -> int:
    """Posted balance minus open (held, unexpired) holds: what the member may still spend."""
    now = now or utcnow()
    # One statement, not two: this runs twice per hold, inside the write transaction.
    spendable = _posted_sum(member_account_id(member_id)) - _open_holds_sum(member_id, now)
    return int(s.scalar(select(spendable)) or 0)


def lock_member_account(s: Session, member_id: str) -> Account:
    # FOR UPDATE serialises holds of one member on PostgreSQL; SQLite ignores it and relies on
    # BEGIN IMMEDIATE (see ledger.db), which already serialises every write transaction.
    account = s.scalar(select(Account).where(Account.member_id == member_id).with_for_update())
    if account is None:
        raise UnknownMember(f"no member {member_id}")
    return account


def place_hold(
    s: Session,
    *,
    member_id: str,
    kiosk_id: str,
    sku: str,
    locker: Any,
    price: int,
    ttl: timedelta,
    now: datetime | None = None,
) -> Hold:
    """Reserve `price` coins of the member for one item: check and insert in one transaction."""
    now = now or utcnow()
    lock_member_account(s, member_id)
    item = s.get(CatalogItem, sku)
    if item is None:
        raise UnknownSku(f"no item {sku!r} in the catalog")
    if item.price != price:
        raise PriceChanged(
            f"the price of {sku} is now {item.price}, not {price}", extra={"price": item.price}
        )
    spendable = spendable_balance(s, member_id, now)
    if spendable < price:
        raise InsufficientFunds(f"balance {spendable} is less than the price {price}")
    hold = Hold(
        id="h" + secrets.token_hex(8),
        member_id=member_id,
        kiosk_id=kiosk_id,
        sku=sku,
        locker=locker,
        price=price,
        state=HoldState.HELD,
        created_at=now,
        expires_at=now + ttl,
    )
    s.add(hold)
    s.flush()
    return hold


def get_hold(s: Session, hold_id: str, kiosk_id: str, now: datetime | None = None) -> Hold:
    """The hold, locked for this transaction, with a lapsed hold marked expired."""
    hold = s.scalar(select(Hold).where(Hold.id == hold_id).with_for_update())
    if hold is None:
        raise UnknownHold(f"no hold {hold_id}")
    if hold.kiosk_id != kiosk_id:
        raise Forbidden(f"hold {hold_id} was placed by another kiosk")
    now = now or utcnow()
    if hold.state == HoldState.HELD and hold.expires_at <= now:
        hold.state, hold.settled_at = HoldState.EXPIRED, hold.expires_at
        s.flush()
    return hold


def capture_hold(s: Session, hold_id: str, kiosk_id: str, now: datetime | None = None) -> Hold:
    """Debit the held coins to redemptions; capturing twice is harmless."""
    now = now or utcnow()
    hold = get_hold(s, hold_id, kiosk_id, now)
    if hold.state == HoldState.CAPTURED:
        return hold
    if hold.state == HoldState.EXPIRED:
        raise HoldExpired(
            f"hold {hold_id} expired at {hold.expires_at.isoformat()}; its coins were released"
        )
    if hold.state != HoldState.HELD:
        raise HoldNotOpen(f"hold {hold_id} is {hold.state.value}, it cannot be captured")
    if hold.price:
        transfer(
            s,
            "redemption",
            member_account_id(hold.member_id),
            SystemAccount.REDEMPTIONS.value,
            hold.price,
            memo=f"{hold.sku} at {hold.kiosk_id}",
            hold_id=hold.id,
        )
    hold.state, hold.settled_at = HoldState.CAPTURED, now
    s.flush()
    return hold


def void_hold(
    s: Session, hold_id: str, kiosk_id: str, reason: str | None, now: datetime | None = None
) -> Hold:
    """Release the held coins; voiding twice, or voiding an expired hold, is harmless."""
    now = now or utcnow()
    hold = get_hold(s, hold_id, kiosk_id, now)
    if hold.state in (HoldState.VOIDED, HoldState.EXPIRED):
        return hold
    if hold.state != HoldState.HELD:
        raise HoldNotOpen(f"hold {hold_id} is {hold.state.value}, it cannot be voided")
    hold.state, hold.settled_at, hold.void_reason = HoldState.VOIDED, now, reason
    s.flush()
    return hold

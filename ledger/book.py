"""The double-entry book: accounts, zero-sum transactions, derived balances, and holds.

Balances are never stored: a balance is the sum of an account's postings. Nothing here is
ever updated or deleted except a hold's state; a correction is a new reversing transaction.
"""

from __future__ import annotations

import enum
import secrets
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from types import SimpleNamespace
from typing import Any

from sqlalchemy import Connection, insert, select
from sqlalchemy.orm import Session

from ledger import book_sql as sql
from ledger.db import (
    Account,
    AccountKind,
    Hold,
    HoldState,
    LedgerTransaction,
    Posting,
    utcnow,
)
from ledger.errors import (
    BadRequest,
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
from ledger.limits import MAX_BALANCE, MAX_COINS, well_formed_id


class SystemAccount(enum.Enum):
    """The ledger's own accounts; they may go negative (they are where coins come from)."""

    GRANT_POOL = "sys:grant_pool"
    VOLUNTEER_HOURS = "sys:volunteer_hours"
    REDEMPTIONS = "sys:redemptions"
    ADJUSTMENTS = "sys:adjustments"


MEMBER_ACCOUNT_PREFIX = "mem:"

# The money calls' functions take either: a Core Connection on the hot path (the group
# writer, ledger.group_commit), an ORM Session elsewhere (CLI, console, sweeper).
Tx = Session | Connection


def member_account_id(member_id: str) -> str:
    return MEMBER_ACCOUNT_PREFIX + member_id


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


def _balanced(kind: str, postings: Iterable[tuple[str, int]]) -> list[tuple[str, int]]:
    lines = list(postings)
    if len(lines) < 2 or sum(amount for _, amount in lines) != 0:
        raise UnbalancedTransaction(f"postings of a {kind} transaction do not balance: {lines}")
    if any(not isinstance(amount, int) or amount == 0 for _, amount in lines):
        raise UnbalancedTransaction(f"postings must be non-zero whole coins: {lines}")
    for _, amount in lines:
        if abs(amount) > MAX_COINS:  # the database refuses it too (CHECK on postings.amount)
            raise BadRequest(f"{abs(amount)} coins in one transaction is more than {MAX_COINS}")
    return lines


def _check_balances_stay_bounded(s: Session, lines: list[tuple[str, int]]) -> None:
    for account_id, amount in lines:
        if amount > 0 and account_id.startswith(MEMBER_ACCOUNT_PREFIX):
            after = posted_balance(s, account_id) + amount
            if after > MAX_BALANCE:
                raise BadRequest(
                    f"account {account_id} would hold {after} coins, more than {MAX_BALANCE}"
                )


def post_rows(
    s: Tx, kind: str, postings: Iterable[tuple[str, int]], memo: str, hold_id: str
) -> int:
    """`post` in Core statements (no ORM object): the transaction's id. For the hot path."""
    lines = _balanced(kind, postings)
    created = s.execute(sql.INSERT_TRANSACTION, {"kind": kind, "memo": memo, "hold_id": hold_id})
    tx_id = int(created.inserted_primary_key[0])  # type: ignore[attr-defined]
    rows = [{"transaction_id": tx_id, "account_id": acc, "amount": amt} for acc, amt in lines]
    s.execute(sql.INSERT_POSTINGS, rows)
    return tx_id


def post(
    s: Session,
    kind: str,
    postings: Iterable[tuple[str, int]],
    memo: str = "",
    hold_id: str | None = None,
    reverses_id: int | None = None,
    actor: str = "",
) -> LedgerTransaction:
    """Record one transaction; its postings must be non-zero whole coins that sum to zero,
    and no member's balance may pass MAX_BALANCE (ledger.limits)."""
    lines = _balanced(kind, postings)
    _check_balances_stay_bounded(s, lines)
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


def _balance_params(member_id: str, now: datetime) -> dict[str, Any]:
    return {"account": member_account_id(member_id), "member": member_id, "now": now}


def posted_balance(s: Session, account_id: str) -> int:
    return int(s.scalar(select(sql.posted_sum(account_id))) or 0)


def open_holds_total(s: Session, member_id: str, now: datetime) -> int:
    return int(s.scalar(select(sql.open_holds_sum(member_id, now))) or 0)


def spendable_balance(s: Tx, member_id: str, now: datetime | None = None) -> int:
    """Posted balance minus open (held, unexpired) holds: what the member may still spend."""
    # One statement, not two: this runs twice per hold, inside the write transaction.
    return int(s.scalar(sql.SPENDABLE, _balance_params(member_id, now or utcnow())) or 0)


def lock_member_account(s: Tx, member_id: str) -> str:
    """The member's account id, row-locked for this transaction.

    FOR UPDATE serialises holds of one member on PostgreSQL; SQLite ignores it and relies on
    BEGIN IMMEDIATE (see ledger.db), which already serialises every write transaction. It is
    its own statement: a balance read in the same statement would use the snapshot taken
    before the lock was granted.
    """
    account = s.scalar(sql.LOCK_MEMBER, {"member": member_id})
    if account is None:
        raise UnknownMember(f"no member {member_id}")
    return str(account)


@dataclass(frozen=True)
class HoldSnapshot:
    """A hold as a money call left it, and the member's spendable balance where known."""

    id: str
    member_id: str
    state: HoldState
    expires_at: datetime
    balance: int | None = None  # after the call; None: read it when needed


def place_hold(
    s: Tx,
    *,
    member_id: str,
    kiosk_id: str,
    sku: str,
    locker: Any,
    price: int,
    ttl: timedelta,
    now: datetime | None = None,
) -> HoldSnapshot:
    """Reserve `price` coins of the member for one item: check and insert in one transaction."""
    now = now or utcnow()
    lock_member_account(s, member_id)
    # Core statements, not the ORM: this runs on every redemption, under the write lock.
    params = {**_balance_params(member_id, now), "sku": sku}
    item_price, spendable = s.execute(sql.PRICE_AND_SPENDABLE, params).one()
    if item_price is None:
        raise UnknownSku(f"no item {sku!r} in the catalog")
    if item_price != price:
        raise PriceChanged(
            f"the price of {sku} is now {item_price}, not {price}", extra={"price": item_price}
        )
    if spendable < price:
        raise InsufficientFunds(f"balance {spendable} is less than the price {price}")
    hold_id, expires_at = "h" + secrets.token_hex(8), now + ttl
    s.execute(
        sql.INSERT_HOLD,
        {
            "id": hold_id,
            "member_id": member_id,
            "kiosk_id": kiosk_id,
            "sku": sku,
            "locker": locker,
            "price": price,
            "state": HoldState.HELD,
            "created_at": now,
            "expires_at": expires_at,
        },
    )
    # The new hold counts against the balance only while it is unexpired.
    balance = int(spendable) - price if expires_at > now else int(spendable)
    return HoldSnapshot(hold_id, member_id, HoldState.HELD, expires_at, balance)


def get_hold(s: Session, hold_id: str, kiosk_id: str, now: datetime | None = None) -> Hold:
    """The hold, locked for this transaction, with a lapsed hold marked expired."""
    if not well_formed_id(hold_id):
        raise UnknownHold()  # not an id the ledger hands out; not echoed (it may be anything)
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


def _settle(
    s: Tx, hold_id: str, state: HoldState, now: datetime, reason: str | None = None
) -> None:
    params = {"hold": hold_id, "new_state": state, "when": now}
    if state == HoldState.VOIDED:
        s.execute(sql.SETTLE_HOLD_WITH_REASON, {**params, "reason": reason})
    else:
        s.execute(sql.SETTLE_HOLD, params)


def _locked_hold(s: Tx, hold_id: str, kiosk_id: str, now: datetime) -> Any:
    """The hold's row (Core, locked for this transaction), a lapsed hold marked expired."""
    if not well_formed_id(hold_id):
        raise UnknownHold()  # not an id the ledger hands out; not echoed (it may be anything)
    row = s.execute(sql.LOCK_HOLD, {"hold": hold_id}).first()
    if row is None:
        raise UnknownHold(f"no hold {hold_id}")
    if row.kiosk_id != kiosk_id:
        raise Forbidden(f"hold {hold_id} was placed by another kiosk")
    if row.state == HoldState.HELD and row.expires_at <= now:
        _settle(s, hold_id, HoldState.EXPIRED, row.expires_at)
        return SimpleNamespace(**{**row._asdict(), "state": HoldState.EXPIRED})
    return row


def _snapshot(row: Any, state: HoldState) -> HoldSnapshot:
    return HoldSnapshot(row.id, row.member_id, state, row.expires_at)


def capture_hold(s: Tx, hold_id: str, kiosk_id: str, now: datetime | None = None) -> HoldSnapshot:
    """Debit the held coins to redemptions; capturing twice is harmless."""
    now = now or utcnow()
    hold = _locked_hold(s, hold_id, kiosk_id, now)
    if hold.state == HoldState.CAPTURED:
        return _snapshot(hold, hold.state)
    if hold.state == HoldState.EXPIRED:
        raise HoldExpired(
            f"hold {hold_id} expired at {hold.expires_at.isoformat()}; its coins were released"
        )
    if hold.state != HoldState.HELD:
        raise HoldNotOpen(f"hold {hold_id} is {hold.state.value}, it cannot be captured")
    if hold.price:
        lines = [
            (member_account_id(hold.member_id), -hold.price),
            (SystemAccount.REDEMPTIONS.value, hold.price),
        ]
        post_rows(s, "redemption", lines, memo=f"{hold.sku} at {kiosk_id}", hold_id=hold_id)
    _settle(s, hold_id, HoldState.CAPTURED, now)
    return _snapshot(hold, HoldState.CAPTURED)


def void_hold(
    s: Tx, hold_id: str, kiosk_id: str, reason: str | None, now: datetime | None = None
) -> HoldSnapshot:
    """Release the held coins; voiding twice, or voiding an expired hold, is harmless."""
    now = now or utcnow()
    hold = _locked_hold(s, hold_id, kiosk_id, now)
    if hold.state in (HoldState.VOIDED, HoldState.EXPIRED):
        return _snapshot(hold, hold.state)
    if hold.state != HoldState.HELD:
        raise HoldNotOpen(f"hold {hold_id} is {hold.state.value}, it cannot be voided")
    _settle(s, hold_id, HoldState.VOIDED, now, reason)
    return _snapshot(hold, HoldState.VOIDED)

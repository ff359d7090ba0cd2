"""Coin pools: members pool coins into one redemption (e.g. water for sanitation workers).

The design, step by step, each step one database transaction and each money step one
double-entry transaction:

- **start**: the organiser names an item and a quantity; the pool gets its own account
  `pool:<id>` (kind system, never below 0) and a target of quantity x price.
- **pledge**: a giver's coins move member -> pool (`pool_pledge`), never more than the giver
  may spend, than the day's phone limit, or than the pool still needs.
- **full**: the pledge that fills it is followed, in the same commit, by one redemption
  pool -> redemptions (`pool_redemption`); the goods then wait to be collected, at a kiosk
  by the organiser or at the office by staff (ledger.pool_pickups), no coins moving again.
- **drop-out**: a giver withdraws, or the organiser cancels, or the pool expires unfilled:
  each live pledge is given back pool -> member in its own transaction (`pool_refund`).

So at every commit the pool's account holds exactly its live pledges (0 once closed), and
nothing is half-done: a step that fails leaves no trace.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from ledger import book, members, phone_limits
from ledger.db import Account, AccountKind, CatalogItem
from ledger.errors import ApiError, BadRequest, InsufficientFunds, NotFound, UnknownSku
from ledger.limits import MAX_COINS
from ledger.phone_tables import Pool, PoolPledge, PoolState

POOL_ACCOUNT_PREFIX = "pool:"
MAX_QUANTITY = 100_000


class UnknownPool(NotFound):
    code, default_message = "unknown_pool", "no such pool"


class PoolClosed(ApiError, ValueError):
    """The pool takes no more pledges (full, cancelled, expired)."""

    code, status, default_message = "pool_closed", 409, "the pool is closed"


class PoolRefused(ApiError, ValueError):
    """A pledge, withdrawal or cancel the pool's rules do not allow (named in `reason`)."""

    code, status = "pool_refused", 409

    def __init__(self, reason: str, message: str, **extra: Any) -> None:
        super().__init__(message, extra={"reason": reason, **extra})
        self.reason = reason


def pool_account_id(pool_id: str) -> str:
    return POOL_ACCOUNT_PREFIX + pool_id


def _new_id(s: Session) -> str:
    while True:  # six digits: a number a giver can read out and type
        candidate = f"p{secrets.randbelow(900_000) + 100_000}"
        if s.get(Pool, candidate) is None:
            return candidate


def start(s: Session, organiser_id: str, sku: str, quantity: int, now: datetime) -> Pool:
    members.active_member(s, organiser_id)
    item = s.get(CatalogItem, sku) if isinstance(sku, str) and len(sku) <= 64 else None
    if item is None or getattr(item, "retired_at", None) is not None:
        raise UnknownSku(f"no item {sku!r} in the catalog")
    if isinstance(quantity, bool) or not 0 < quantity <= MAX_QUANTITY:
        raise BadRequest(f"quantity must be 1 to {MAX_QUANTITY}, not {quantity}")
    if item.price <= 0:
        raise BadRequest(f"{sku} is free: there is nothing to pool")
    limits = phone_limits.load(s)
    target = item.price * quantity
    if target > min(limits.pool_max_coins, MAX_COINS):
        raise PoolRefused(
            "too_large",
            f"{quantity} x {item.price} = {target} coins is more than a pool may gather "
            f"({limits.pool_max_coins})",
            most=limits.pool_max_coins,
        )
    pool = Pool(
        id=_new_id(s),
        organiser_id=organiser_id,
        sku=item.sku,
        item_zh=item.name_zh,
        item_en=item.name_en,
        quantity=quantity,
        unit_price=item.price,
        target=target,
        state=PoolState.OPEN,
        created_at=now,
        expires_at=now + timedelta(days=limits.pool_days),
    )
    s.add(pool)
    s.add(Account(id=pool_account_id(pool.id), kind=AccountKind.SYSTEM, name=f"pool {pool.id}"))
    s.flush()
    return pool


def _live_pledges(s: Session, pool_id: str) -> list[PoolPledge]:
    return list(
        s.scalars(
            select(PoolPledge)
            .where(PoolPledge.pool_id == pool_id, PoolPledge.refund_tx_id.is_(None))
            .order_by(PoolPledge.id)
        )
    )


def gathered(s: Session, pool: Pool) -> int:
    """Coins in the pool now; a full pool counts its target (they went to the redemption)."""
    if pool.state in (PoolState.FULL, PoolState.COLLECTED):
        return pool.target
    return book.posted_balance(s, pool_account_id(pool.id))


def _refund(s: Session, pool: Pool, pledge: PoolPledge, now: datetime, why: str) -> None:
    tx = book.transfer(
        s,
        "pool_refund",
        pool_account_id(pool.id),
        book.member_account_id(pledge.member_id),
        pledge.coins,
        memo=f"pool {pool.id} {why}",
    )
    pledge.refund_tx_id, pledge.refunded_at = tx.id, now


def _close(s: Session, pool: Pool, state: PoolState, now: datetime, why: str) -> None:
    for pledge in _live_pledges(s, pool.id):
        _refund(s, pool, pledge, now, why)
    pool.state, pool.closed_at = state, now
    s.flush()


def locked(s: Session, pool_id: str, now: datetime) -> Pool:
    """The pool, row-locked for this transaction; an open pool past its time is expired
    first (its pledges given back)."""
    if not isinstance(pool_id, str) or len(pool_id) > 16:
        raise UnknownPool()
    pool = s.scalar(select(Pool).where(Pool.id == pool_id).with_for_update(key_share=True))
    if pool is None:
        raise UnknownPool(f"no pool {pool_id!r}")
    if pool.state == PoolState.OPEN and pool.expires_at <= now:
        _close(s, pool, PoolState.EXPIRED, now, "expired")
    return pool


def _need_open(pool: Pool) -> None:
    if pool.state != PoolState.OPEN:
        raise PoolClosed(f"pool {pool.id} is {pool.state.value}", extra={"state": pool.state.value})


@dataclass(frozen=True)
class Pledged:
    pledge: PoolPledge
    pool: Pool
    filled: bool  # this pledge filled the pool: its redemption was made


def pledge(
    s: Session, pool_id: str, member_id: str, coins: int, now: datetime, device_id: str = ""
) -> Pledged:
    """The member's coins into the pool (one transaction); if that fills it, the pool's one
    redemption follows in the same commit."""
    if isinstance(coins, bool) or not 0 < coins <= MAX_COINS:
        raise BadRequest(f"pledge 1 to {MAX_COINS} coins, not {coins}")
    members.active_member(s, member_id)
    # Always the member before the pool: one order of locks, so no deadlock.
    phone_limits.lock_spender(s, member_id)
    pool = locked(s, pool_id, now)
    _need_open(pool)
    live = _live_pledges(s, pool.id)
    if any(p.member_id == member_id for p in live):
        raise PoolRefused("already_pledged", f"member {member_id} already gives to {pool.id}")
    limits = phone_limits.load(s)
    if len(live) >= limits.pool_max_givers:
        raise PoolRefused("too_many_givers", f"pool {pool.id} has {len(live)} givers already")
    needed = pool.target - gathered(s, pool)
    if coins > needed:
        raise PoolRefused("more_than_needed", f"the pool needs {needed} more", needed=needed)
    spendable = book.spendable_balance(s, member_id, now)
    if spendable < coins:
        raise InsufficientFunds(
            f"balance {spendable} is less than {coins}", extra={"balance": spendable}
        )
    phone_limits.check_spend(s, member_id, coins, now)
    tx = book.transfer(
        s,
        "pool_pledge",
        book.member_account_id(member_id),
        pool_account_id(pool.id),
        coins,
        memo=f"pledge to pool {pool.id}",
        actor=f"device:{device_id}" if device_id else "",
    )
    row = PoolPledge(
        pool_id=pool.id, member_id=member_id, coins=coins, pledge_tx_id=tx.id, created_at=now
    )
    s.add(row)
    s.flush()
    filled = coins == needed
    if filled:
        redemption = book.transfer(
            s,
            "pool_redemption",
            pool_account_id(pool.id),
            book.SystemAccount.REDEMPTIONS.value,
            pool.target,
            memo=f"pool {pool.id}: {pool.quantity} x {pool.sku}",
        )
        pool.state, pool.closed_at, pool.redemption_tx_id = PoolState.FULL, now, redemption.id
        s.flush()
    return Pledged(row, pool, filled)


def withdraw(s: Session, pool_id: str, member_id: str, now: datetime) -> PoolPledge:
    """A giver drops out of an open pool: their pledge given back in one transaction."""
    pool = locked(s, pool_id, now)
    _need_open(pool)
    mine = [p for p in _live_pledges(s, pool.id) if p.member_id == member_id]
    if not mine:
        raise PoolRefused("no_pledge", f"member {member_id} gives nothing to {pool.id}")
    _refund(s, pool, mine[0], now, "withdrawn")
    s.flush()
    return mine[0]


def cancel(s: Session, pool_id: str, member_id: str, now: datetime) -> Pool:
    """The organiser calls an open pool off: every live pledge given back, each on its own."""
    pool = locked(s, pool_id, now)
    if pool.organiser_id != member_id:
        raise PoolRefused("not_organiser", f"only the organiser cancels pool {pool.id}")
    _need_open(pool)
    _close(s, pool, PoolState.CANCELLED, now, "cancelled")
    return pool


def expire_due(s: Session, now: datetime) -> list[str]:
    """Expire every open pool past its time (their pledges given back); their ids."""
    due = s.scalars(
        select(Pool.id).where(Pool.state == PoolState.OPEN, Pool.expires_at <= now)
    ).all()
    return [pool_id for pool_id in due if locked(s, pool_id, now).state == PoolState.EXPIRED]

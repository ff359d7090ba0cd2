"""A full pool's goods collected at a kiosk: when its organiser signs in at a kiosk that holds
the pool's item, the units still to collect (as many as that kiosk holds) are set aside there
as reservations of the organiser, so the kiosk shows them first ("您预约的物品") and hands them
out through its ordinary reservation pick-up: journal, vend transaction, recovery, unchanged.

Each unit is one reservation with a hold of **0 coins**: the pool's coins went to redemptions
when it filled (ledger.pools), so capturing such a hold moves nothing, and voiding it gives
nothing back; the hold only records, by its capture, that the locker was opened for it. The
hold lasts a kiosk session (ledger.sessions.SESSION_TTL): units the organiser leaves behind go
back on sale soon, and stay to collect (docs/architecture.md, "Pools collected at a kiosk").
"""

from __future__ import annotations

import secrets
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from ledger import pool_tally, pools, reservations
from ledger.db import Hold, HoldState, Reservation, ReservationState
from ledger.errors import BadRequest
from ledger.phone_tables import Pool, PoolState
from ledger.sessions import SESSION_TTL

PICKUP_TTL: timedelta = SESSION_TTL  # how long units stay aside for the organiser's visit


def _kiosk_has(s: Session, kiosk_id: str, sku: str, now: datetime) -> int:
    """Units of `sku` this kiosk holds for general sale (its last report, less reservations)."""
    found = reservations.available(s, now)
    return sum(x.available for x in found if x.kiosk == kiosk_id and x.sku == sku)


def _keep_one(s: Session, pool: Pool, kiosk_id: str, now: datetime) -> Reservation:
    hold = Hold(
        id="h" + secrets.token_hex(8),
        member_id=pool.organiser_id,
        kiosk_id=kiosk_id,
        sku=pool.sku,
        locker="",  # the kiosk names the locker when it sets the unit aside
        price=0,  # paid when the pool filled: collecting takes no coins
        state=HoldState.HELD,
        created_at=now,
        expires_at=now + PICKUP_TTL,
    )
    s.add(hold)
    s.flush()
    res = Reservation(
        id="r" + secrets.token_hex(8),
        member_id=pool.organiser_id,
        kiosk_id=kiosk_id,
        sku=pool.sku,
        price=0,
        hold_id=hold.id,
        state=ReservationState.PENDING,
        created_at=now,
        updated_at=now,
        pool_id=pool.id,
    )
    s.add(res)
    return res


def set_aside_at_sign_in(s: Session, kiosk_id: str, member_id: str, now: datetime) -> int:
    """The organiser signed in at `kiosk_id`: keep there what this kiosk holds of each of their
    full pools' units still to collect. How many units were set aside now."""
    ids = s.scalars(
        select(Pool.id)
        .where(Pool.organiser_id == member_id, Pool.state == PoolState.FULL)
        .order_by(Pool.closed_at, Pool.id)
    ).all()
    made = 0
    for pool_id in ids:
        pool = pools.locked(s, pool_id, now)  # one at a time with the office's hand-out
        left = pool_tally.settle(s, pool, now).unplaced
        if pool.state != PoolState.FULL or left <= 0:
            continue
        for _ in range(min(left, _kiosk_has(s, kiosk_id, pool.sku, now))):
            _keep_one(s, pool, kiosk_id, now)
            made += 1
        s.flush()
    return made


def release_kept(s: Session, pool: Pool, now: datetime) -> int:
    """Before the office hands the rest out: units kept aside at kiosks, not yet being
    collected, are released (their 0-coin holds voided; each kiosk puts its unit back on sale
    at its next contact). Raises PoolRefused while a kiosk is handing one out."""
    rows = s.execute(
        select(Reservation, Hold)
        .join(Hold, Hold.id == Reservation.hold_id)
        .where(Reservation.pool_id == pool.id, Hold.state == HoldState.HELD)
        .with_for_update()
    ).all()
    released = 0
    for res, hold in rows:
        if hold.expires_at <= now and hold.awaiting_count_since is None:
            continue  # lapsed: nothing kept
        if res.state == ReservationState.COLLECTING:
            raise pools.PoolRefused(
                "at_kiosk", f"pool {pool.id}: a kiosk is handing a unit out right now"
            )
        hold.state, hold.settled_at, hold.void_reason = HoldState.VOIDED, now, "pool at office"
        res.state, res.updated_at = ReservationState.CANCELLED, now
        released += 1
    s.flush()
    return released


def collect_at_office(s: Session, pool_id: str, by: str, where: str, now: datetime) -> Pool:
    """Staff record the rest of a full pool handed out at the office: the units still to
    collect (those kept aside at a kiosk released first). No coins move."""
    pool = pools.locked(s, pool_id, now)
    pool_tally.settle(s, pool, now)  # every unit collected at kiosks: nothing left here
    if pool.state != PoolState.FULL:
        raise pools.PoolRefused("not_full", f"pool {pool.id} is {pool.state.value}, not full")
    where = where.strip()
    if not where or len(where) > 200 or "\x00" in where:
        raise BadRequest("say where the goods were handed out (--where, up to 200 characters)")
    release_kept(s, pool, now)
    pool.office_quantity = pool_tally.tally(s, pool, now).to_collect
    pool.collected_by, pool.collected_where = by[:100], where
    pool.state, pool.collected_at = PoolState.COLLECTED, now
    s.flush()
    return pool

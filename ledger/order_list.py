"""Reservations and pools as the office sees them (the console's /staff/orders): newest first,
each with the member, the item, the kiosk and what became of it, grouped as staff ask about
them: open (waiting at a kiosk or for its givers), collected, failed (refused by the kiosk,
cancelled, or the vend voided) and expired. Read only: reservations and pools are moved by
the members' phones, the kiosks and `timebank-ledger pool collect`."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Literal

from sqlalchemy import select
from sqlalchemy.orm import Session, aliased

from ledger import reservations
from ledger.db import CatalogItem, Hold, Kiosk, Member, Reservation
from ledger.phone_tables import Pool, PoolState
from ledger.pools import gathered

Group = Literal["open", "collected", "failed", "expired"]
GROUPS: tuple[Group, ...] = ("open", "collected", "failed", "expired")
NEWEST = 300  # rows of each kind looked at: the page says so when there are more

_RESERVATION_GROUP: dict[str, Group] = {
    "pending": "open",
    "set_aside": "open",
    "collecting": "open",
    "collected": "collected",
    "failed": "failed",
    "cancelled": "failed",
    "not_collected": "failed",
    "expired": "expired",
}
_POOL_GROUP: dict[PoolState, Group] = {
    PoolState.OPEN: "open",
    PoolState.FULL: "open",  # the redemption made; the goods wait to be collected
    PoolState.COLLECTED: "collected",
    PoolState.CANCELLED: "failed",
    PoolState.EXPIRED: "expired",
}


@dataclass(frozen=True)
class ReservationLine:
    id: str
    status: str  # as the member's page says it (ledger.reservations.status)
    group: Group
    member: str
    member_name: str
    kiosk_name: str
    sku: str
    name_zh: str
    name_en: str
    price: int
    locker: str | None
    note: str | None
    made_at: datetime
    until: datetime  # the hold's expiry: when an open one lapses


@dataclass(frozen=True)
class PoolLine:
    id: str
    state: str
    group: Group
    organiser: str
    organiser_name: str
    name_zh: str
    name_en: str
    quantity: int
    target: int
    gathered: int
    made_at: datetime
    until: datetime
    collected_where: str | None


@dataclass(frozen=True)
class Orders:
    reservations: list[ReservationLine]
    pools: list[PoolLine]
    more: bool  # more than NEWEST of a kind: the oldest are not looked at


def listed(s: Session, now: datetime, group: Group | None = None) -> Orders:
    """The newest reservations and pools, those of `group` only when given."""
    res_rows = s.execute(
        select(Reservation, Hold, Member.name, Kiosk.name, CatalogItem.name_zh, CatalogItem.name_en)
        .join(Hold, Hold.id == Reservation.hold_id)
        .join(Member, Member.id == Reservation.member_id)
        .join(Kiosk, Kiosk.id == Reservation.kiosk_id)
        .outerjoin(CatalogItem, CatalogItem.sku == Reservation.sku)
        .where(Reservation.pool_id.is_(None))  # a pool's units kept at a kiosk: under the pool
        .order_by(Reservation.created_at.desc(), Reservation.id)
        .limit(NEWEST + 1)
    ).all()
    lines = []
    for res, hold, member_name, kiosk_name, zh, en in res_rows[:NEWEST]:
        status = reservations.status(res, hold, now)
        lines.append(
            ReservationLine(
                id=res.id,
                status=status,
                group=_RESERVATION_GROUP.get(status, "failed"),
                member=res.member_id,
                member_name=member_name,
                kiosk_name=kiosk_name,
                sku=res.sku,
                name_zh=zh or res.sku,
                name_en=en or res.sku,
                price=res.price,
                locker=res.locker,
                note=res.note,
                made_at=res.created_at,
                until=hold.expires_at,
            )
        )
    organiser = aliased(Member)
    pool_rows = s.execute(
        select(Pool, organiser.name)
        .join(organiser, organiser.id == Pool.organiser_id)
        .order_by(Pool.created_at.desc(), Pool.id)
        .limit(NEWEST + 1)
    ).all()
    pools = []
    for pool, organiser_name in pool_rows[:NEWEST]:
        # An open pool past its time is expired (the sweeper closes it on its next round).
        state = pool.state
        if state == PoolState.OPEN and pool.expires_at <= now:
            state = PoolState.EXPIRED
        pools.append(
            PoolLine(
                id=pool.id,
                state=state.value,
                group=_POOL_GROUP[state],
                organiser=pool.organiser_id,
                organiser_name=organiser_name,
                name_zh=pool.item_zh,
                name_en=pool.item_en,
                quantity=pool.quantity,
                target=pool.target,
                gathered=gathered(s, pool),
                made_at=pool.created_at,
                until=pool.expires_at,
                collected_where=pool.collected_where,
            )
        )
    more = len(res_rows) > NEWEST or len(pool_rows) > NEWEST
    if group is not None:
        lines = [r for r in lines if r.group == group]
        pools = [p for p in pools if p.group == group]
    return Orders(lines, pools, more)

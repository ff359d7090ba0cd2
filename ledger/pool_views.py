"""Pools as members and staff see them: one pool's state and givers, a member's pools, and
the office's list (ledger.pools makes and moves them)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import desc, or_, select
from sqlalchemy.orm import Session

from ledger.db import Member
from ledger.phone_tables import Pool, PoolPledge, PoolState
from ledger.pools import gathered


def describe(s: Session, pool: Pool) -> dict[str, Any]:
    organiser = s.get(Member, pool.organiser_id)
    pledges = list(
        s.execute(
            select(PoolPledge, Member.name)
            .join(Member, PoolPledge.member_id == Member.id)
            .where(PoolPledge.pool_id == pool.id)
            .order_by(PoolPledge.id)
        )
    )
    got = gathered(s, pool)
    return {
        "pool": pool.id,
        "state": pool.state.value,
        "sku": pool.sku,
        "item": {"zh": pool.item_zh, "en": pool.item_en},
        "quantity": pool.quantity,
        "unit_price": pool.unit_price,
        "target": pool.target,
        "gathered": got,
        "needed": pool.target - got,
        "organiser": {"id": pool.organiser_id, "name": organiser.name if organiser else ""},
        "pledges": [
            {
                "member": p.member_id,
                "name": name,
                "coins": p.coins,
                "given_back": p.refund_tx_id is not None,
            }
            for p, name in pledges
        ],
        "created_at": pool.created_at.isoformat(),
        "expires_at": pool.expires_at.isoformat(),
        "closed_at": pool.closed_at.isoformat() if pool.closed_at else None,
        "redemption_tx": pool.redemption_tx_id,
        "collected_at": pool.collected_at.isoformat() if pool.collected_at else None,
        "collected_by": pool.collected_by,
        "collected_where": pool.collected_where,
    }


def pools_of(s: Session, member_id: str, limit: int = 20) -> list[Pool]:
    """Pools the member started or gave to, newest first."""
    given = select(PoolPledge.pool_id).where(PoolPledge.member_id == member_id)
    return list(
        s.scalars(
            select(Pool)
            .where(or_(Pool.organiser_id == member_id, Pool.id.in_(given)))
            .order_by(Pool.created_at.desc(), Pool.id)
            .limit(limit)
        )
    )


def all_pools(s: Session, state: PoolState | None = None, limit: int = 200) -> list[Pool]:
    query = select(Pool).order_by(Pool.created_at.desc(), Pool.id).limit(limit)
    if state is not None:
        query = query.where(Pool.state == state)
    return list(s.scalars(query))


OFFICE_NEWEST = 100  # pools of each finished kind the office's page lists


def _newest(s: Session, states: tuple[PoolState, ...], order: Any, limit: int) -> list[Pool]:
    query = select(Pool).where(Pool.state.in_(states)).order_by(order, Pool.id).limit(limit)
    return list(s.scalars(query))


def office_groups(s: Session, newest: int = OFFICE_NEWEST) -> dict[str, list[dict[str, Any]]]:
    """The office's page (/staff/pools): every full pool, the longest waiting first, then the
    newest `newest` open, collected, and cancelled or expired ones."""
    found = {
        "full": _newest(s, (PoolState.FULL,), Pool.closed_at, 10 * newest),
        "open": _newest(s, (PoolState.OPEN,), desc(Pool.created_at), newest),
        "collected": _newest(s, (PoolState.COLLECTED,), desc(Pool.collected_at), newest),
        "ended": _newest(s, (PoolState.CANCELLED, PoolState.EXPIRED), desc(Pool.closed_at), newest),
    }
    return {group: [describe(s, pool) for pool in rows] for group, rows in found.items()}

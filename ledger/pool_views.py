"""Pools as members and staff see them: one pool's state and givers, a member's pools, and
the office's list (ledger.pools makes and moves them)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import desc, or_, select
from sqlalchemy.orm import Session

from ledger import pool_tally
from ledger.db import Member, utcnow
from ledger.phone_tables import Pool, PoolPledge, PoolState
from ledger.pools import gathered


def _iso(moment: datetime | None) -> str | None:
    return moment.isoformat() if moment else None


def describe(s: Session, pool: Pool, now: datetime | None = None) -> dict[str, Any]:
    counts = pool_tally.tally(s, pool, now or utcnow())
    done = pool.state == PoolState.FULL and counts.to_collect <= 0
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
        # A full pool whose units all went from kiosks is collected, before anything stores it.
        "state": PoolState.COLLECTED.value if done else pool.state.value,
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
        "collected_at": _iso(counts.last_at if done else pool.collected_at),
        "collected_by": pool.collected_by,
        "collected_where": pool.collected_where,
        # Where the goods went (a full or collected pool): units collected at each kiosk, kept
        # aside at one for the organiser now, handed out at the office, still to collect.
        "at_kiosks": [{"kiosk": name, "count": n} for name, n in counts.at_kiosks],
        "kept": [{"kiosk": name, "count": n} for name, n in counts.kept],
        "at_office": counts.at_office,
        "to_collect": counts.to_collect,
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
    groups = {group: [describe(s, pool) for pool in rows] for group, rows in found.items()}
    # Full pools whose every unit went from kiosks are collected: listed there, newest first.
    gone = [p for p in groups["full"] if p["state"] == PoolState.COLLECTED.value]
    groups["full"] = [p for p in groups["full"] if p not in gone]
    collected = gone + groups["collected"]
    groups["collected"] = sorted(collected, key=lambda p: p["collected_at"] or "", reverse=True)
    return groups

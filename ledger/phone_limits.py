"""How far a member's phone may move coins: a per-day spend limit (gifts and pool pledges,
counted in the office's days), and the bounds of a pool. Kept in the ledger (ledger_meta, key
"phone_limits") so every ledger process and `timebank-ledger phone-limits` read the same."""

from __future__ import annotations

from dataclasses import asdict, dataclass, fields, replace
from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ledger import book, members
from ledger.db import Account, LedgerTransaction, Meta, Posting, Reservation, ReservationState
from ledger.errors import ApiError, BadRequest
from ledger.limits import MAX_COINS

KEY = "phone_limits"
# The office's time zone, where the office keeps it (ledger_meta "settings", office_tz).
OFFICE_SETTINGS_KEY, DEFAULT_OFFICE_TZ = "settings", "Asia/Shanghai"
# What a phone spends, by transaction kind: a gift out of the member's account, a pledge
# into a pool; and the prices of reservations made on the phone (ledger.reservations).
# Gross: a pledge given back or a reservation cancelled still counts on its day (a thief's
# reach); only a reservation the kiosk could not fill (failed) does not.
PHONE_SPEND_KINDS = ("gift", "pool_pledge")
BOUNDS = {
    "daily_spend": (1, MAX_COINS),
    "pool_max_coins": (1, MAX_COINS),
    "pool_days": (1, 90),
    "pool_max_givers": (2, 1000),
}


@dataclass(frozen=True)
class PhoneLimits:
    # Coins one member's phones may give or pledge in one office day. 1,500: the largest
    # pledge seen (eight volunteers, 11,200 coins of water: 1,400 each) fits in one day.
    daily_spend: int = 1500
    pool_max_coins: int = 50_000  # one pool's target
    pool_days: int = 7  # a pool not full by then expires, every pledge given back
    pool_max_givers: int = 100


class SpendLimitReached(ApiError, ValueError):
    """The member's phones have spent as much today as the office allows."""

    code, status = "spend_limit", 403
    default_message = "the per-day spend limit of the member's phones is reached"


def load(s: Session) -> PhoneLimits:
    row = s.get(Meta, KEY)
    stored = row.value if row is not None and isinstance(row.value, dict) else {}
    known = {f.name for f in fields(PhoneLimits)}
    return PhoneLimits(**{k: int(v) for k, v in stored.items() if k in known})


def change(s: Session, name: str, raw: str) -> PhoneLimits:
    """Set one limit (checked); returns all of them."""
    if name not in BOUNDS:
        raise BadRequest(f"no phone limit {name!r}; the limits are {', '.join(BOUNDS)}")
    low, high = BOUNDS[name]
    text = raw.strip()
    if not text.isascii() or not text.isdigit():
        raise BadRequest(f"{name} must be a whole number, got {raw!r}")
    value = int(text)
    if not low <= value <= high:
        raise BadRequest(f"{name} must be {low} to {high}, got {value}")
    updated = replace(load(s), **{name: value})
    row = s.get(Meta, KEY)
    if row is None:
        s.add(Meta(key=KEY, value=asdict(updated)))
    else:
        row.value = asdict(updated)
    s.flush()
    return updated


def office_zone(s: Session) -> ZoneInfo:
    row = s.get(Meta, OFFICE_SETTINGS_KEY)
    name = row.value.get("office_tz") if row is not None and isinstance(row.value, dict) else None
    try:
        return ZoneInfo(name or DEFAULT_OFFICE_TZ)
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo(DEFAULT_OFFICE_TZ)


def day_start(s: Session, now: datetime) -> datetime:
    """Midnight of the office's day holding `now`, in UTC."""
    zone = office_zone(s)
    local = now.astimezone(zone)
    return datetime.combine(local.date(), time(), zone).astimezone(UTC)


def spent_today(s: Session, member_id: str, now: datetime) -> int:
    """Coins the member's phones gave, pledged or reserved since the office's midnight."""
    since = day_start(s, now)
    total = s.scalar(
        select(func.coalesce(func.sum(-Posting.amount), 0))
        .join(LedgerTransaction, Posting.transaction_id == LedgerTransaction.id)
        .where(
            Posting.account_id == book.member_account_id(member_id),
            Posting.amount < 0,
            LedgerTransaction.kind.in_(PHONE_SPEND_KINDS),
            LedgerTransaction.created_at >= since,
            LedgerTransaction.created_at < since + timedelta(days=2),  # bounds the index scan
        )
    )
    reserved = s.scalar(
        select(func.coalesce(func.sum(Reservation.price), 0)).where(
            Reservation.member_id == member_id,
            Reservation.created_at >= since,
            Reservation.state != ReservationState.FAILED,
        )
    )
    return int(total or 0) + int(reserved or 0)


def check_spend(s: Session, member_id: str, coins: int, now: datetime) -> None:
    """Refuse `coins` more if they pass today's limit. Call it under the member's row lock
    (book.lock_member_account), as the balance check, so two taps cannot both pass."""
    limit = load(s).daily_spend
    spent = spent_today(s, member_id, now)
    if spent + coins > limit:
        raise SpendLimitReached(
            f"{coins} coins more would pass today's limit of {limit} (spent {spent})",
            extra={"limit": limit, "spent": spent, "left": max(0, limit - spent)},
        )


def lock_spender(s: Session, member_id: str) -> None:
    """The member's account row locked FOR NO KEY UPDATE: serialises this member's spending
    (against holds' FOR UPDATE too) without blocking the foreign-key checks of postings that
    credit the account, so crossed gifts and refunds cannot deadlock on PostgreSQL."""
    found = s.scalar(
        select(Account.id).where(Account.member_id == member_id).with_for_update(key_share=True)
    )
    if found is None:
        members.get_member(s, member_id)  # names the unknown member
        raise BadRequest(f"member {member_id} has no account")

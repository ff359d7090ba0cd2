"""Reservations (预约兑换): a member reserves an item at one kiosk from the phone.

The coins are held at once, by an ordinary hold placed for that kiosk, whose lapse is the
reservation's (default 24 h): the hold sweeper (ledger.expiry) expiring it is the reservation
expiring. The kiosk learns of new reservations when it next asks (`for_kiosk`), sets an item
aside (`set_aside`) or, with none left, refuses (`refuse`: the hold voided, the member told).
At the kiosk the member's tap claims it (`claim`): the hold is kept alive for the vend, which
captures or voids it as any vend (docs/architecture.md, "Reservations").
"""

from __future__ import annotations

import secrets
from collections import Counter
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from ledger import book, phone_limits
from ledger.db import (
    CatalogItem,
    EventKind,
    Hold,
    HoldState,
    Kiosk,
    KioskEvent,
    Reservation,
    ReservationState,
)
from ledger.errors import ApiError, Forbidden, HoldExpired, NotFound
from ledger.limits import well_formed_id

DEFAULT_TTL_S = 24 * 3600  # how long a reserved item waits at the kiosk
MAX_OPEN = 3  # open reservations per member: a stolen phone cannot empty every kiosk
OPEN = (ReservationState.PENDING, ReservationState.SET_ASIDE, ReservationState.COLLECTING)
_COLLECTING = {"status": "collecting"}


class UnknownReservation(NotFound):
    """No reservation with this id (for this kiosk or member)."""

    code, default_message = "unknown_reservation", "no such reservation"


class ReservationNotOpen(ApiError, ValueError):
    """The reservation was cancelled, failed, expired or collected already."""

    code, status, default_message = "reservation_not_open", 409, "the reservation is not open"


class NoneLeft(ApiError, ValueError):
    """The kiosk's last report shows none of the item left to reserve."""

    code, status, default_message = "none_left", 409, "none of this item left at that kiosk"


class TooManyReservations(ApiError, ValueError):
    code, status = "too_many_reservations", 409
    default_message = f"at most {MAX_OPEN} open reservations at once"


@dataclass(frozen=True)
class Stock:
    """One item a kiosk holds now, by its last inventory report, less what is reserved."""

    kiosk: str
    kiosk_name: str
    location: str
    sku: str
    name_zh: str
    name_en: str
    price: int
    available: int


def status(res: Reservation, hold: Hold, now: datetime) -> str:
    """What the member's page says: the reservation's own state, completed by its hold's."""
    if hold.state == HoldState.CAPTURED:
        return "collected"
    if res.state in (ReservationState.CANCELLED, ReservationState.FAILED):
        return res.state.value
    if hold.state == HoldState.EXPIRED or (hold.state == HoldState.HELD and hold.expires_at <= now):
        return "expired"
    if hold.state != HoldState.HELD:
        return "not_collected"  # the vend at the kiosk was voided: nothing handed out
    return res.state.value


def _reported(s: Session, kiosk_id: str) -> Counter[str]:
    """Items on sale at the kiosk by its newest inventory report (in date, not flagged)."""
    event = s.scalar(
        select(KioskEvent)
        .where(KioskEvent.kiosk_id == kiosk_id, KioskEvent.kind == EventKind.INVENTORY)
        .order_by(KioskEvent.id.desc())
        .limit(1)
    )
    counts: Counter[str] = Counter()
    lockers = event.data.get("lockers", []) if event is not None else []
    for locker in lockers if isinstance(lockers, list) else []:
        if not isinstance(locker, dict) or locker.get("expired") or locker.get("inspect"):
            continue
        count, sku = locker.get("count"), locker.get("sku")
        if isinstance(sku, str) and isinstance(count, int) and count > 0:
            counts[sku] += count
    return counts


def _open_at(s: Session, kiosk_id: str, now: datetime) -> Counter[str]:
    """Open reservations at the kiosk, by item: the kiosk's report still counts them."""
    rows = s.execute(
        select(Reservation.sku)
        .join(Hold, Hold.id == Reservation.hold_id)
        .where(
            Reservation.kiosk_id == kiosk_id,
            Reservation.state.in_(OPEN),
            Hold.state == HoldState.HELD,
            Hold.expires_at > now,
        )
    ).scalars()
    return Counter(rows)


def available(s: Session, now: datetime) -> list[Stock]:
    """What each kiosk holds now (its last report) less the reservations it keeps aside."""
    found = []
    catalog = {c.sku: c for c in s.scalars(select(CatalogItem))}
    for kiosk in s.scalars(select(Kiosk).where(Kiosk.revoked_at.is_(None)).order_by(Kiosk.name)):
        reported, reserved = _reported(s, kiosk.id), _open_at(s, kiosk.id, now)
        for sku, count in sorted(reported.items()):
            item = catalog.get(sku)
            if item is None or getattr(item, "retired_at", None) is not None:
                continue
            found.append(
                Stock(
                    kiosk.id,
                    kiosk.name,
                    kiosk.location,
                    sku,
                    item.name_zh,
                    item.name_en,
                    item.price,
                    max(count - reserved[sku], 0),
                )
            )
    return found


def reserve(
    s: Session, member_id: str, kiosk_id: str, sku: str, now: datetime, ttl: timedelta
) -> Reservation:
    """Hold the item's price now and ask the kiosk to set one aside."""
    stock = next((x for x in available(s, now) if x.kiosk == kiosk_id and x.sku == sku), None)
    if stock is None or stock.available <= 0:
        raise NoneLeft()
    open_now = s.scalar(
        select(Reservation.id)
        .join(Hold, Hold.id == Reservation.hold_id)
        .where(
            Reservation.member_id == member_id,
            Reservation.pool_id.is_(None),  # a pool's units kept for its organiser do not count
            Reservation.state.in_(OPEN),
            Hold.state == HoldState.HELD,
            Hold.expires_at > now,
        )
        .offset(MAX_OPEN - 1)
        .limit(1)
    )
    if open_now is not None:
        raise TooManyReservations()
    hold = book.place_hold(
        s,
        member_id=member_id,
        kiosk_id=kiosk_id,
        sku=sku,
        locker="",  # the kiosk names the locker when it sets the item aside
        price=stock.price,
        ttl=ttl,
        now=now,
    )
    # Under the member's lock place_hold took: the phone's per-day limit (ledger.phone_limits).
    phone_limits.check_spend(s, member_id, stock.price, now)
    res = Reservation(
        id="r" + secrets.token_hex(8),
        member_id=member_id,
        kiosk_id=kiosk_id,
        sku=sku,
        price=stock.price,
        hold_id=hold.id,
        state=ReservationState.PENDING,
        created_at=now,
        updated_at=now,
    )
    s.add(res)
    s.flush()
    return res


def of_member(s: Session, member_id: str, now: datetime, limit: int = 20) -> list[dict[str, Any]]:
    """The member's newest reservations, with what the page says of each (a pool's units
    kept for its organiser are on the pool's page instead)."""
    rows = s.execute(
        select(Reservation, Hold, Kiosk.name, CatalogItem.name_zh, CatalogItem.name_en)
        .join(Hold, Hold.id == Reservation.hold_id)
        .join(Kiosk, Kiosk.id == Reservation.kiosk_id)
        .outerjoin(CatalogItem, CatalogItem.sku == Reservation.sku)
        .where(Reservation.member_id == member_id, Reservation.pool_id.is_(None))
        .order_by(Reservation.created_at.desc(), Reservation.id)
        .limit(limit)
    ).all()
    return [
        {
            "id": res.id,
            "status": status(res, hold, now),
            "kiosk_name": kiosk_name,
            "name_zh": zh or res.sku,
            "name_en": en or res.sku,
            "price": res.price,
            "locker": res.locker,
            "expires_at": hold.expires_at,
            "note": res.note,
        }
        for res, hold, kiosk_name, zh, en in rows
    ]


def _locked(s: Session, reservation_id: str) -> Reservation:
    if not well_formed_id(reservation_id):
        raise UnknownReservation()
    res = s.scalar(select(Reservation).where(Reservation.id == reservation_id).with_for_update())
    if res is None:
        raise UnknownReservation(f"no reservation {reservation_id}")
    return res


def _open_hold(s: Session, res: Reservation, now: datetime) -> Hold:
    """The reservation's hold, if both are still open; else ReservationNotOpen."""
    hold = book.get_hold(s, res.hold_id, res.kiosk_id, now)
    if res.state not in OPEN or hold.state != HoldState.HELD:
        shown = status(res, hold, now)
        raise ReservationNotOpen(f"reservation {res.id} is {shown}", extra={"status": shown})
    return hold


def cancel(s: Session, member_id: str, reservation_id: str, now: datetime) -> Reservation:
    """The member cancels: the hold voided, the item back on sale at the kiosk's next contact.
    Not once the kiosk is handing it out (`collecting`)."""
    res = _locked(s, reservation_id)
    if res.member_id != member_id:
        raise UnknownReservation()  # another member's reservation is not there for this one
    _open_hold(s, res, now)
    if res.state == ReservationState.COLLECTING:
        raise ReservationNotOpen("the kiosk is handing this item out", extra=_COLLECTING)
    book.void_hold(s, res.hold_id, res.kiosk_id, "reservation cancelled", now)
    res.state, res.updated_at = ReservationState.CANCELLED, now
    return res


def kiosk_json(res: Reservation, hold: Hold) -> dict[str, Any]:
    return {
        "reservation": res.id,
        "member": res.member_id,
        "sku": res.sku,
        "price": res.price,
        "state": res.state.value,
        "locker": res.locker,
        "hold": res.hold_id,
        "expires_at": hold.expires_at.isoformat(),
    }


def for_kiosk(s: Session, kiosk_id: str, now: datetime) -> list[dict[str, Any]]:
    """The kiosk's reservations waiting for it: pending or set aside, their holds open. One the
    kiosk keeps aside and no longer finds here has ended: its item goes back on sale."""
    rows = s.execute(
        select(Reservation, Hold)
        .join(Hold, Hold.id == Reservation.hold_id)
        .where(
            Reservation.kiosk_id == kiosk_id,
            Reservation.state.in_((ReservationState.PENDING, ReservationState.SET_ASIDE)),
            Hold.state == HoldState.HELD,
            Hold.expires_at > now,
        )
        .order_by(Reservation.created_at, Reservation.id)
    ).all()
    return [kiosk_json(res, hold) for res, hold in rows]


def _kiosks(s: Session, kiosk_id: str, reservation_id: str) -> Reservation:
    res = _locked(s, reservation_id)
    if res.kiosk_id != kiosk_id:
        raise Forbidden(f"reservation {reservation_id} is for another kiosk")
    return res


def set_aside(
    s: Session, kiosk_id: str, reservation_id: str, locker: str, now: datetime
) -> dict[str, Any]:
    """The kiosk keeps one aside in `locker`; telling it twice is harmless."""
    res = _kiosks(s, kiosk_id, reservation_id)
    hold = _open_hold(s, res, now)
    if res.state == ReservationState.PENDING:
        res.state, res.locker, res.updated_at = ReservationState.SET_ASIDE, locker, now
        hold.locker = locker
    return kiosk_json(res, hold)


def refuse(
    s: Session, kiosk_id: str, reservation_id: str, reason: str, now: datetime
) -> dict[str, Any]:
    """The kiosk has none to set aside (it sold the last while it did not know): the hold is
    voided, the coins are the member's again, and the member's page says why."""
    res = _kiosks(s, kiosk_id, reservation_id)
    hold = book.get_hold(s, res.hold_id, kiosk_id, now)
    if res.state == ReservationState.FAILED:
        return kiosk_json(res, hold)
    hold = _open_hold(s, res, now)
    if res.state == ReservationState.COLLECTING:
        raise ReservationNotOpen("the reservation is being collected", extra=_COLLECTING)
    book.void_hold(s, res.hold_id, kiosk_id, f"reservation failed: {reason}", now)
    res.state, res.note, res.updated_at = ReservationState.FAILED, reason, now
    return kiosk_json(res, hold)


def claim(
    s: Session, kiosk_id: str, reservation_id: str, member_id: str, now: datetime, ttl: timedelta
) -> book.HoldSnapshot:
    """The member, signed in at the kiosk, taps to collect: the reservation's hold becomes the
    vend's hold (kept alive for `ttl`, as a new hold would be), to be captured or voided."""
    res = _kiosks(s, kiosk_id, reservation_id)
    if res.member_id != member_id:
        raise Forbidden("this reservation is another member's")
    hold = book.get_hold(s, res.hold_id, kiosk_id, now)
    if hold.state == HoldState.EXPIRED:
        raise HoldExpired(f"reservation {res.id} expired; its coins were released")
    _open_hold(s, res, now)
    if res.state != ReservationState.COLLECTING:
        res.state, res.updated_at = ReservationState.COLLECTING, now
        hold.expires_at = max(hold.expires_at, now + ttl)
    s.flush()
    balance = book.spendable_balance(s, member_id, now)
    return book.HoldSnapshot(hold.id, member_id, hold.state, hold.expires_at, balance)

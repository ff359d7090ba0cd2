"""Holds awaiting a locker count: a vend whose outcome the kiosk's sensors could not decide.

The kiosk marks such a hold instead of guessing; from then on the hold never lapses (its coins
stay held, neither charged nor given back) until a count of the locker tells the kiosk to
capture (one item fewer) or void (as many as before). Staff list them to send someone to count.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from ledger import book
from ledger.db import CatalogItem, Hold, HoldState, Kiosk, Member
from ledger.errors import HoldExpired, HoldNotOpen

# A hold awaiting a count does not expire: the count, not the clock, settles it.
UNTIL_COUNTED = datetime(9999, 12, 31, tzinfo=UTC)


def await_count(s: Session, hold_id: str, kiosk_id: str, now: datetime) -> Hold:
    """Keep an open hold alive until its locker is counted; marking it twice is harmless."""
    hold = book.get_hold(s, hold_id, kiosk_id, now)
    if hold.state == HoldState.EXPIRED:
        raise HoldExpired(f"hold {hold_id} expired before its locker could be counted")
    if hold.state != HoldState.HELD:
        raise HoldNotOpen(f"hold {hold_id} is {hold.state.value}; only an open hold can wait")
    if hold.awaiting_count_since is None:
        hold.awaiting_count_since = now
        hold.expires_at = UNTIL_COUNTED
        s.flush()
    return hold


def awaiting(s: Session) -> list[dict[str, Any]]:
    """Every open hold awaiting a count, oldest first, with where to count."""
    rows = s.execute(
        select(Hold, Kiosk.name, Member.name, CatalogItem.name_zh, CatalogItem.name_en)
        .join(Kiosk, Kiosk.id == Hold.kiosk_id)
        .join(Member, Member.id == Hold.member_id)
        .outerjoin(CatalogItem, CatalogItem.sku == Hold.sku)
        .where(Hold.state == HoldState.HELD, Hold.awaiting_count_since.is_not(None))
        .order_by(Hold.awaiting_count_since)
    ).all()
    return [
        {
            "hold": hold.id,
            "kiosk": hold.kiosk_id,
            "kiosk_name": kiosk_name,
            "locker": hold.locker,
            "sku": hold.sku,
            "item_zh": item_zh or hold.sku,  # a retired item keeps its code
            "item_en": item_en or hold.sku,
            "price": hold.price,
            "member": hold.member_id,
            "member_name": member_name,
            "since": hold.awaiting_count_since.isoformat() if hold.awaiting_count_since else None,
        }
        for hold, kiosk_name, member_name, item_zh, item_en in rows
    ]


def router(
    db: sessionmaker[Session],
    clock: Callable[[], datetime],
    current_kiosk: Callable[[Request], Kiosk],
    hold_json: Callable[[Hold], dict[str, Any]],
) -> APIRouter:
    """`POST /v1/holds/{hold}/await-count` for the kiosk that placed the hold."""
    api = APIRouter()

    @api.post(
        "/v1/holds/{hold_id}/await-count",
        summary="keep an open hold until its locker is counted",
        responses={404: {}, 403: {}, 409: {}, 410: {}},
    )
    def mark(hold_id: str, request: Request) -> JSONResponse:
        kiosk: Kiosk = current_kiosk(request)
        with db() as s, s.begin():
            return JSONResponse(hold_json(await_count(s, hold_id, kiosk.id, clock())))

    return api

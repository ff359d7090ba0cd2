"""The member's reservation pages under /m/ (预约兑换, ledger.reservations): what each kiosk
holds now, one item's confirm page, the member's reservations with their state, and cancel.
The phone's device cookie (ledger.web.phone) says who the member is; every form carries the
CSRF token (ledger.web.csrf) and is rate-limited per device."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from fastapi import APIRouter, Form, Request
from fastapi.responses import Response
from sqlalchemy.orm import Session

from ledger import book, devices, reservations
from ledger.errors import ApiError, Forbidden
from ledger.rate_limits import Buckets, Rate, whole_seconds
from ledger.web import layout
from ledger.web.errors import TooManyLogins
from ledger.web.layer import WebLayer, phone_router
from ledger.web.phone import DEVICE_COOKIE

OFFICE_TZ = ZoneInfo("Asia/Shanghai")  # the members' clock: pick-up times are said in it
# Reserving and cancelling from one phone: 10 at once, then one a minute. A member reserves a
# few items a week; a stolen phone cannot churn holds (and at most MAX_OPEN stay open).
PHONE_FORMS = Rate(burst=10, per_second=1 / 60)
# Errors the reserve form can meet, each with its words for the member.
REFUSAL_WORDS = {
    "insufficient_funds": "reserve.refused.funds",
    "none_left": "reserve.refused.none_left",
    "too_many_reservations": "reserve.refused.too_many",
    "unknown_sku": "reserve.refused.none_left",
    "reservation_not_open": "reserve.refused.not_open",
    "unknown_reservation": "reserve.refused.not_open",
    "spend_limit": "reserve.refused.spend_limit",  # ledger.phone_limits
}


class TooManyPhoneForms(TooManyLogins):
    """Reservation forms from one phone came faster than PHONE_FORMS."""


def local_time(moment: datetime) -> str:
    return moment.astimezone(OFFICE_TZ).strftime("%m-%d %H:%M")


def router(layer: WebLayer) -> APIRouter:
    r = phone_router()
    buckets = Buckets(PHONE_FORMS, lambda: layer.clock().timestamp())

    def member_of(s: Session, request: Request) -> str | None:
        device = devices.device_by_cookie(s, request.cookies.get(DEVICE_COOKIE, ""))
        return device.member_id if device is not None else None

    def not_enrolled(request: Request) -> Response:
        return layout.render(request, "m_refused.html", 401, words="phone.no_device")

    def limited(request: Request) -> None:
        key = request.cookies.get(DEVICE_COOKIE, "")[:64] or "none"
        wait = buckets.take(devices.digest(key))
        if wait:
            raise TooManyPhoneForms(whole_seconds(wait))

    def ttl(request: Request) -> Any:
        return request.app.state.reservation_ttl

    @r.get("/m/reserve", summary="what each kiosk holds now, to reserve (预约兑换)")
    def stock(request: Request) -> Response:
        """Every kiosk and what it holds now, as it last reported, less what is reserved."""
        now = layer.clock()
        with layer.db() as s, s.begin():
            member = member_of(s, request)
            if member is None:
                return not_enrolled(request)
            found = [x for x in reservations.available(s, now) if x.available > 0]
            balance = book.spendable_balance(s, member, now)
        kiosks: dict[str, list[reservations.Stock]] = {}
        for item in found:
            kiosks.setdefault(item.kiosk, []).append(item)
        return layout.render(request, "m_reserve.html", kiosks=kiosks, balance=balance)

    @r.get(
        "/m/reserve/{kiosk}/{sku}",
        summary="one item at one kiosk: price, pick-up time, reserve button",
    )
    def item(request: Request, kiosk: str, sku: str) -> Response:
        """One item: its price, the balance, until when it waits, and one button."""
        now = layer.clock()
        with layer.db() as s, s.begin():
            member = member_of(s, request)
            if member is None:
                return not_enrolled(request)
            stock = next(
                (x for x in reservations.available(s, now) if (x.kiosk, x.sku) == (kiosk, sku)),
                None,
            )
            balance = book.spendable_balance(s, member, now)
        if stock is None or stock.available <= 0:
            return layout.render(
                request, "m_reserve_note.html", 404, words="reserve.refused.none_left"
            )
        return layout.render(
            request,
            "m_reserve_item.html",
            item=stock,
            balance=balance,
            until=local_time(now + ttl(request)),
        )

    @r.post(
        "/m/reservations",
        summary="reserve an item: its coins are held at once, the kiosk sets one aside",
    )
    def reserve(request: Request, kiosk: str = Form(...), sku: str = Form(...)) -> Response:
        limited(request)
        now = layer.clock()
        try:
            with layer.db() as s, s.begin():
                member = member_of(s, request)
                if member is None:
                    raise Forbidden("no live device")
                if len(kiosk) > 16 or len(sku) > 64:  # no such kiosk or item: said as none left
                    raise reservations.NoneLeft()
                reservations.reserve(s, member, kiosk, sku, now, ttl(request))
        except Forbidden:
            return not_enrolled(request)
        except ApiError as e:
            words = REFUSAL_WORDS.get(e.code, "reserve.refused.other")
            return layout.render(request, "m_reserve_note.html", e.status, words=words)
        return layout.redirect(request, "/m/reservations")

    @r.get("/m/reservations", summary="the member's reservations and what became of each")
    def mine(request: Request) -> Response:
        now = layer.clock()
        with layer.db() as s, s.begin():
            member = member_of(s, request)
            if member is None:
                return not_enrolled(request)
            found = reservations.of_member(s, member, now)
            balance = book.spendable_balance(s, member, now)
        for row in found:
            row["until"] = local_time(row["expires_at"])
        return layout.render(request, "m_reservations.html", rows=found, balance=balance)

    @r.post(
        "/m/reservations/{reservation}/cancel",
        summary="cancel a reservation: its hold is voided, the item goes back on sale",
    )
    def cancel(request: Request, reservation: str) -> Response:
        limited(request)
        now = layer.clock()
        try:
            with layer.db() as s, s.begin():
                member = member_of(s, request)
                if member is None:
                    raise Forbidden("no live device")
                reservations.cancel(s, member, reservation, now)
        except Forbidden:
            return not_enrolled(request)
        except ApiError as e:
            words = REFUSAL_WORDS.get(e.code, "reserve.refused.other")
            return layout.render(request, "m_reserve_note.html", e.status, words=words)
        return layout.redirect(request, "/m/reservations")

    return r

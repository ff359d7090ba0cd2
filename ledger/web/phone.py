"""The member's phone pages under /m/: the one-time enrolment link and the code page, whose
QR code the phone computes itself (static/m/code.js), so it shows with no signal."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import FileResponse, JSONResponse, Response
from sqlalchemy.orm import Session

from ledger import book, devices, phone_limits, totp
from ledger.db import Member, MemberDevice
from ledger.web import layout
from ledger.web.layer import WebLayer, phone_router

# The phone's own credential for these pages: HttpOnly, so the page's script never sees it;
# only for /m/, so the console and the API never receive it.
DEVICE_COOKIE = "tb_device"
DEVICE_COOKIE_PATH = "/m/"
DEVICE_COOKIE_KEEP_S = 5 * 365 * 24 * 3600  # as long as the phone: revocation ends it
SERVICE_WORKER = layout.STATIC / "m" / "sw.js"
TOUCH_EVERY_S = 60  # last_seen_at is written at most this often


def _status(s: Session, device: MemberDevice, now: datetime) -> dict[str, Any]:
    member = s.get(Member, device.member_id)
    assert member is not None  # a device's foreign key
    if device.last_seen_at is None or (now - device.last_seen_at).total_seconds() >= TOUCH_EVERY_S:
        device.last_seen_at = now
    return {
        "member": member.id,
        "name": member.name,
        "balance": book.spendable_balance(s, member.id, now),
        "at": now.isoformat(),
    }


def _code_page(
    request: Request, layer: WebLayer, status: dict[str, Any] | None, **phone: Any
) -> Response:
    with layer.db() as s:
        zone = phone_limits.office_zone(s)
    now = layer.clock().astimezone(zone)
    return layout.render(
        request,
        "m_code.html",
        info=status,
        # "Balance as of" is told in the office's time, not the phone's: its zone, and its
        # offset now for a browser that does not know the zone by name.
        tz=zone.key,
        tz_offset_min=int((now.utcoffset() or timedelta(0)).total_seconds() // 60),
        digits=totp.DIGITS,
        step=totp.STEP_SECONDS,
        prefix=totp.PHONE_PREFIX,
        phone=phone,
    )


def router(layer: WebLayer) -> APIRouter:
    r = phone_router()

    def status_of(request: Request) -> dict[str, Any] | None:
        now = layer.clock()
        with layer.db() as s, s.begin():
            device = devices.device_by_cookie(s, request.cookies.get(DEVICE_COOKIE, ""))
            return _status(s, device, now) if device is not None else None

    @r.get(
        "/m/enrol/{token}",
        summary="open a one-time enrolment link: stores this phone's device "
        "cookie and shows its code page (410 when used or expired)",
    )
    def enrol(request: Request, token: str) -> Response:
        """Opening the link is the whole enrolment: no typing, no tap (the link is the secret,
        good once). The page hands the new secret to its script, which keeps it on the phone."""
        now = layer.clock()
        with layer.db() as s, s.begin():
            made = devices.redeem_link(s, token, now)
            device = s.get(MemberDevice, made.device) if made else None
            status = _status(s, device, now) if device is not None else None
        if made is None or status is None:
            return layout.render(request, "m_refused.html", 410, words="phone.link_gone")
        response = _code_page(request, layer, status, secret=made.secret, device=made.device)
        response.set_cookie(
            DEVICE_COOKIE,
            made.cookie,
            max_age=DEVICE_COOKIE_KEEP_S,
            path=DEVICE_COOKIE_PATH,
            httponly=True,
            samesite="lax",
            secure=request.url.scheme == "https",
        )
        return response

    @r.get("/m/", summary="the code page: the live member code as a QR, computed on the phone")
    def code_page(request: Request) -> Response:
        """The code page. With no live device (revoked, or never enrolled) the script forgets
        any secret it kept and the page says to ask staff for a new link."""
        status = status_of(request)
        return _code_page(request, layer, status, forget="" if status else "1")

    @r.get("/m/sw.js", summary="the service worker that keeps the code page working with no signal")
    def offline_copy() -> Response:
        """The service worker that keeps the code page for when there is no signal; served
        under /m/ so that its scope is the phone pages."""
        return FileResponse(SERVICE_WORKER, media_type="text/javascript")

    @r.get(
        "/m/status",
        summary="as JSON, the member's name and spendable balance now (the code page's sync)",
    )
    def status(request: Request) -> Response:
        """The name and balance the code page shows, as of now (polled while online)."""
        found = status_of(request)
        if found is None:
            return JSONResponse({"error": "device_revoked"}, status_code=401)
        return JSONResponse(found)

    return r

"""The console's side of members' phones (ledger.devices): a clerk makes a one-time enrolment
link and shows it as a QR code for the member to scan (the same link `timebank-ledger member
enrol` prints), and revokes a lost phone alone; the member's page lists the phones. The link's
token is shown once, in that answer, and never stored (only its hash is). Both audited."""

from __future__ import annotations

import base64
import io
from datetime import datetime
from typing import Annotated

import qrcode
from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response
from sqlalchemy.orm import Session

from ledger import audit, devices, members
from ledger.audit import AuditAction
from ledger.db import MemberDevice, StaffRole
from ledger.errors import UnknownMember
from ledger.web import layout
from ledger.web.access import SignedIn, signed_in
from ledger.web.errors import PageNotFound
from ledger.web.layer import WebLayer, web_router

Clerk = Annotated[SignedIn, Depends(signed_in(StaffRole.CLERK))]


def qr_png(text: str) -> str:
    """`text` as a QR code, a PNG data URI (the console's CSP allows data: images only)."""
    qr = qrcode.QRCode(error_correction=qrcode.constants.ERROR_CORRECT_M, box_size=8, border=4)
    qr.add_data(text)
    out = io.BytesIO()
    qr.make_image().save(out, format="PNG")
    return "data:image/png;base64," + base64.b64encode(out.getvalue()).decode()


def enrol_url(request: Request, token: str) -> str:
    """How the member's phone reaches the link: `serve --public-url`, else as this page was."""
    public = getattr(request.app.state, "public_url", None)
    base = public.rstrip("/") if public else str(request.base_url).rstrip("/")
    return base + devices.ENROL_PATH + token


def router(layer: WebLayer) -> APIRouter:
    web = web_router()

    def member_of(s: Session, member_id: str) -> dict[str, object]:
        try:
            return members.member_summary(s, member_id[:16])
        except UnknownMember as exc:
            raise PageNotFound(str(exc)) from exc

    @web.post("/staff/members/{member_id}/enrol")
    def enrol(request: Request, who: Clerk, member_id: str) -> Response:
        now = layer.clock()
        with layer.db() as s, s.begin():
            member = member_of(s, member_id)
            if not member["active"]:
                raise PageNotFound(f"member {member_id[:16]} is deactivated")
            token, expires = devices.create_link(s, str(member["member"]), now)
            audit.record(
                s, AuditAction.PHONE_LINK_MADE, who.staff.username, who.address, now,
                member=member["member"], expires_at=expires.isoformat(),
            )  # fmt: skip
        url = enrol_url(request, token)
        return layout.render(
            request, "member_enrol.html", member=member, url=url, qr=qr_png(url),
            expires=audit.local_time(expires)[:16],
        )  # fmt: skip

    @web.post("/staff/members/{member_id}/devices/{device_id}/revoke")
    def revoke(request: Request, who: Clerk, member_id: str, device_id: str) -> Response:
        now = layer.clock()
        with layer.db() as s, s.begin():
            member = member_of(s, member_id)
            device = s.get(MemberDevice, device_id[:16])
            if device is None or device.member_id != member["member"]:
                raise PageNotFound(f"member {member['member']} has no phone {device_id[:16]!r}")
            devices.revoke_device(s, device.id, now)
            audit.record(
                s, AuditAction.PHONE_REVOKED, who.staff.username, who.address, now,
                member=member["member"], device=device.id,
            )  # fmt: skip
        return layout.redirect(request, f"/staff/members/{member['member']}?done=phone_revoked")

    return web


def phone_rows(s: Session, member_id: str) -> list[dict[str, str]]:
    """The member's phones for their page, newest first, times in the office's clock."""

    def when(raw: str | None) -> str:
        return audit.local_time(datetime.fromisoformat(raw))[:16] if raw else ""

    return [
        {
            "device": d["device"],
            "enrolled": when(d["created_at"]),
            "seen": when(d["last_seen_at"]),
            "revoked": when(d["revoked_at"]),
        }
        for d in reversed(devices.list_devices(s, member_id))
    ]

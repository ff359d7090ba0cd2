"""The member's own phones, on the phone (issue 16 point 1): the phones enrolled for them (this
one marked), each switched off alone with one confirmed tap. A lost phone is switched off from
another phone of the member's, or by the office (ledger.web.phone_device_pages); the printed
card is untouched. Every post carries the session's CSRF token and is rate-limited."""

from __future__ import annotations

import logging
from datetime import datetime

from fastapi import APIRouter, Request
from fastapi.responses import Response

from ledger import devices, phone_limits
from ledger.db import MemberDevice
from ledger.web import layout
from ledger.web.layer import WebLayer, phone_router
from ledger.web.phone_forms import PhoneGate, message, no_phone, page, slow_down, when

log = logging.getLogger(__name__)


def router(layer: WebLayer) -> APIRouter:
    r = phone_router()
    gate = PhoneGate(layer)

    @r.get("/m/devices", summary="the member's phones, each revocable")
    def list_devices(request: Request, done: str = "") -> Response:
        phone = gate.phone(request)
        if phone is None:
            return no_phone(request)
        lang = layout.language(request)
        with layer.db() as s, s.begin():
            zone = phone_limits.office_zone(s)
            found = [d for d in devices.list_devices(s, phone.member) if not d["revoked_at"]]
        rows = [
            {
                "device": d["device"],
                "this": d["device"] == phone.device,
                "when": when(lang, datetime.fromisoformat(d["created_at"]), zone),
            }
            for d in reversed(found)
        ]
        return page(request, "m_devices.html", rows=rows, done=done == "1")

    @r.post("/m/devices/{device_id}/off", summary="switch off one of the member's phones at once")
    def switch_off(request: Request, device_id: str) -> Response:
        phone = gate.phone(request)
        if phone is None:
            return no_phone(request)
        wait = gate.wait(gate.posts, phone)
        if wait:
            return slow_down(request, wait)
        with layer.db() as s, s.begin():
            device = s.get(MemberDevice, device_id[:16])
            if device is None or device.member_id != phone.member:
                return message(request, 404, "devices.not_yours")
            devices.revoke_device(s, device.id, layer.clock())
        log.info("phone %s of %s switched off from phone %s", device.id, phone.member, phone.device)
        if device.id == phone.device:
            return message(request, 200, "devices.self_done")
        return layout.redirect(request, "/m/devices?done=1")

    return r

"""The console's kiosks and fleet: the kiosks (clerks see them; an administrator adds one, its
key shown once, renames or revokes one) and the fleet page: each kiosk's last contact, service
state, door alarm, faults and stock per locker, with the near-expiry and expired lockers across
the fleet on top (ledger.fleet). The same functions as `timebank-ledger kiosk|fleet`."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import Response

from ledger import audit, fleet, kiosks, settings
from ledger.audit import AuditAction, local_time
from ledger.db import StaffRole
from ledger.errors import BadRequest, UnknownKiosk
from ledger.web import layout
from ledger.web.access import SignedIn, signed_in
from ledger.web.errors import PageNotFound
from ledger.web.layer import WebLayer, web_router

Clerk = Annotated[SignedIn, Depends(signed_in(StaffRole.CLERK))]
Admin = Annotated[SignedIn, Depends(signed_in(StaffRole.ADMIN))]
Field = Annotated[str, Form(max_length=300)]
DONE = ("kiosk_renamed", "kiosk_revoked")


def router(layer: WebLayer) -> APIRouter:
    web = web_router()

    def found(s: Any, kiosk_id: str) -> Any:
        try:
            return kiosks.get_kiosk(s, kiosk_id[:16])
        except UnknownKiosk as exc:
            raise PageNotFound(str(exc)) from exc

    def record(s: Any, who: SignedIn, action: AuditAction, **detail: Any) -> None:
        audit.record(s, action, who.staff.username, who.address, layer.clock(), **detail)

    @web.get("/staff/kiosks")
    def kiosk_list(request: Request, who: Clerk) -> Response:
        with layer.db() as s, s.begin():
            rows = kiosks.list_kiosks(s)
        for row in rows:
            row["local_created"] = local_time(datetime.fromisoformat(row["created_at"]))
        done = request.query_params.get("done", "")
        return layout.render(request, "kiosks.html", kiosks=rows, done=done if done in DONE else "")

    @web.get("/staff/kiosks/new")
    def new_kiosk(request: Request, who: Admin) -> Response:
        form = {"name": "", "location": ""}
        return layout.render(request, "kiosk_form.html", form=form, kiosk=None, error="")

    @web.post("/staff/kiosks/new")
    def add_kiosk(request: Request, who: Admin, name: Field = "", location: Field = "") -> Response:
        try:
            with layer.db() as s, s.begin():
                kiosk, key = kiosks.add_kiosk(s, name, location.strip())
                record(s, who, AuditAction.KIOSK_ADDED, kiosk=kiosk.id, name=kiosk.name)
                shown = kiosks.kiosk_json(kiosk)
        except BadRequest as exc:
            form = {"name": name, "location": location}
            return layout.render(
                request, "kiosk_form.html", 400, form=form, kiosk=None, error=str(exc)
            )
        # The key exists only in this answer (no-store, like every page): never stored, never
        # logged, never shown again.
        return layout.render(request, "kiosk_key.html", kiosk=shown, key=key)

    @web.get("/staff/kiosks/{kiosk_id}/edit")
    def edit_kiosk(request: Request, who: Admin, kiosk_id: str) -> Response:
        with layer.db() as s, s.begin():
            kiosk = kiosks.kiosk_json(found(s, kiosk_id))
        form = {"name": kiosk["name"], "location": kiosk["location"]}
        return layout.render(request, "kiosk_form.html", form=form, kiosk=kiosk, error="")

    @web.post("/staff/kiosks/{kiosk_id}/edit")
    def rename_kiosk(
        request: Request, who: Admin, kiosk_id: str, name: Field = "", location: Field = ""
    ) -> Response:
        try:
            with layer.db() as s, s.begin():
                found(s, kiosk_id)
                kiosk = kiosks.rename_kiosk(s, kiosk_id, name, location)
                record(s, who, AuditAction.KIOSK_RENAMED, kiosk=kiosk.id, name=kiosk.name)
        except BadRequest as exc:
            form = {"name": name, "location": location}
            shown = {"kiosk": kiosk_id[:16], "name": name}
            return layout.render(
                request, "kiosk_form.html", 400, form=form, kiosk=shown, error=str(exc)
            )
        return layout.redirect(request, "/staff/kiosks?done=kiosk_renamed")

    @web.get("/staff/kiosks/{kiosk_id}/revoke")
    def confirm_revoke(request: Request, who: Admin, kiosk_id: str) -> Response:
        with layer.db() as s, s.begin():
            kiosk = kiosks.kiosk_json(found(s, kiosk_id))
        return layout.render(request, "kiosk_revoke.html", kiosk=kiosk)

    @web.post("/staff/kiosks/{kiosk_id}/revoke")
    def revoke_kiosk(request: Request, who: Admin, kiosk_id: str) -> Response:
        with layer.db() as s, s.begin():
            found(s, kiosk_id)
            kiosk = kiosks.revoke_kiosk(s, kiosk_id)
            record(s, who, AuditAction.KIOSK_REVOKED, kiosk=kiosk.id)
        return layout.redirect(request, "/staff/kiosks?done=kiosk_revoked")

    @web.get("/staff/fleet")
    def fleet_page(request: Request, who: Clerk) -> Response:
        with layer.db() as s, s.begin():
            query = fleet.FleetQuery(layer.clock(), tz=settings.load(s).zone)
            data = fleet.fleet(s, query)
        return layout.render(request, "fleet.html", fleet=data)

    return web

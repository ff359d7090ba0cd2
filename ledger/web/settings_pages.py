"""The office's settings in the console (/staff/settings): everyone signed in reads them,
only an administrator changes them (ledger.settings, the same as `timebank-ledger settings
set`); each change is audited with the value before and after."""

from __future__ import annotations

from dataclasses import asdict
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import Response

from ledger import audit, settings
from ledger.audit import AuditAction
from ledger.db import StaffRole
from ledger.errors import BadRequest
from ledger.web import layout
from ledger.web.access import SignedIn, signed_in
from ledger.web.layer import WebLayer, web_router

Clerk = Annotated[SignedIn, Depends(signed_in(StaffRole.CLERK))]
Admin = Annotated[SignedIn, Depends(signed_in(StaffRole.ADMIN))]
Field = Annotated[str, Form(max_length=100)]
NAMES = list(asdict(settings.Settings()))


def router(layer: WebLayer) -> APIRouter:
    web = web_router()

    def page(request: Request, who: SignedIn, status: int = 200, **extra: Any) -> Response:
        with layer.db() as s, s.begin():
            now = asdict(settings.load(s))
        context: dict[str, Any] = {"error": "", "changed": "", "form": now, **extra}
        return layout.render(
            request,
            "settings.html",
            status,
            names=NAMES,
            values=now,
            admin=who.may(StaffRole.ADMIN),
            **context,
        )

    @web.get("/staff/settings")
    def show(request: Request, who: Clerk) -> Response:
        changed = request.query_params.get("changed", "")
        return page(request, who, changed=changed if changed in NAMES else "")

    @web.post("/staff/settings")
    def change(
        request: Request,
        who: Admin,
        office_tz: Field = "",
        manager_above_coins: Field = "",
        monthly_grant_coins: Field = "",
        coins_per_hour: Field = "",
        lot_withdraw_days: Field = "",
        lot_warn_days: Field = "",
    ) -> Response:
        sent = {
            "office_tz": office_tz,
            "manager_above_coins": manager_above_coins,
            "monthly_grant_coins": monthly_grant_coins,
            "coins_per_hour": coins_per_hour,
            "lot_withdraw_days": lot_withdraw_days,
            "lot_warn_days": lot_warn_days,
        }
        changed: list[str] = []
        try:
            with layer.db() as s, s.begin():
                before = asdict(settings.load(s))
                for name, raw in sent.items():
                    if raw.strip() and raw.strip() != str(before[name]):
                        after = asdict(settings.change(s, name, raw))
                        audit.record(
                            s,
                            AuditAction.SETTING_CHANGED,
                            who.staff.username,
                            who.address,
                            layer.clock(),
                            setting=name,
                            old=before[name],
                            new=after[name],
                        )
                        changed.append(name)
        except BadRequest as exc:
            return page(request, who, 400, form=sent, error=str(exc))
        return layout.redirect(
            request, "/staff/settings" + (f"?changed={changed[0]}" if changed else "")
        )

    return web

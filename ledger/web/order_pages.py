"""The console's reservations and pools (/staff/orders, 预约与合买): what members reserved at
the kiosks and the pools they gathered, open, collected, failed or expired, for any staff to
read (clerks included); nothing on the page changes them (ledger.order_list)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response

from ledger import order_list, settings
from ledger.db import StaffRole
from ledger.web import layout
from ledger.web.access import SignedIn, signed_in
from ledger.web.layer import WebLayer, web_router

Clerk = Annotated[SignedIn, Depends(signed_in(StaffRole.CLERK))]
SHOWN = "open"  # what the page shows first: what still needs someone


def router(layer: WebLayer) -> APIRouter:
    web = web_router()

    @web.get("/staff/orders")
    def orders(request: Request, who: Clerk) -> Response:
        asked = request.query_params.get("show", SHOWN)
        group = next((g for g in order_list.GROUPS if g == asked), None)
        shown = group or ("all" if asked == "all" else SHOWN)
        with layer.db() as s, s.begin():
            found = order_list.listed(s, layer.clock(), group if shown != "all" else None)
            zone = settings.load(s).zone
        return layout.render(
            request,
            "orders.html",
            orders=found,
            shown=shown,
            choices=(*order_list.GROUPS, "all"),
            local=lambda moment: layout.office_minute(moment, zone),
            newest=order_list.NEWEST,
        )

    return web

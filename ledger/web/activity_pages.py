"""The console's list of activities (newest day first, the members credited and the coins) and
one activity's page (who was credited, how many hours and coins, by whom)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response

from ledger import activity_list
from ledger.db import StaffRole
from ledger.web import layout
from ledger.web.access import SignedIn, signed_in
from ledger.web.errors import PageNotFound
from ledger.web.layer import WebLayer, web_router
from ledger.web.paging import PAGE_SIZE, Page, offset, page_number

Clerk = Annotated[SignedIn, Depends(signed_in(StaffRole.CLERK))]


def router(layer: WebLayer) -> APIRouter:
    web = web_router()

    @web.get("/staff/coins/activities")
    def listed(request: Request, who: Clerk) -> Response:
        number = page_number(request.query_params.get("page"))
        with layer.db() as s, s.begin():
            total = activity_list.count(s)
            rows = activity_list.recent(s, offset(number), PAGE_SIZE)
        found = Page(rows, number, total, "/staff/coins/activities", {})
        return layout.render(request, "activities.html", found=found)

    @web.get("/staff/coins/activities/{activity_id}")
    def one(request: Request, who: Clerk, activity_id: str) -> Response:
        found = None
        if activity_id.isdigit() and len(activity_id) < 10:
            with layer.db() as s, s.begin():
                found = activity_list.credits(s, int(activity_id))
        if found is None:
            raise PageNotFound(f"no activity {activity_id[:20]!r}")
        activity, credited = found
        return layout.render(request, "activity.html", activity=activity, credited=credited)

    return web

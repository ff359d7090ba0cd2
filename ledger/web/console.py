"""The staff console's pages so far: home, the members list and a member's page (read-only),
the lockers waiting for a count, and the audit log for managers. Lists follow one pattern: a
filter form, a table, a pager."""

from __future__ import annotations

import json
from datetime import date, datetime
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response

from ledger import audit, card_batch, counting, member_history, member_search, members, staff
from ledger.db import StaffRole
from ledger.errors import UnknownMember
from ledger.web import layout, member_pages, phone_device_pages
from ledger.web.access import SignedIn, signed_in
from ledger.web.errors import PageNotFound
from ledger.web.layer import WebLayer, web_router
from ledger.web.paging import PAGE_SIZE, Page, offset, page_number
from ledger.web.phone_money import staff_sentence

Clerk = Annotated[SignedIn, Depends(signed_in(StaffRole.CLERK))]
Manager = Annotated[SignedIn, Depends(signed_in(StaffRole.MANAGER))]


def _day(raw: str) -> date | None:
    try:
        return date.fromisoformat(raw) if raw else None
    except ValueError:
        return None


def router(layer: WebLayer) -> APIRouter:
    web = web_router()

    def page(request: Request, template: str, who: SignedIn, **context: Any) -> Response:
        return layout.render(request, template, **context)

    @web.get("/staff/")
    def home(request: Request, who: Clerk) -> Response:
        from ledger import lot_summary, pool_views, settings
        from ledger.phone_tables import PoolState

        with layer.db() as s, s.begin():
            office = settings.load(s)
            day = office.local(layer.clock()).date()
            goods = lot_summary.daily_summary(s, day, office.lot_warn_days)
            full = len(pool_views.all_pools(s, PoolState.FULL))
        near = len(goods["expired"]) + len(goods["expiring"])
        return page(request, "home.html", who, lots_near=near, pools_waiting=full)

    @web.get("/staff/members")
    def member_list(request: Request, who: Clerk, q: str = "", nocard: str = "") -> Response:
        text, no_card = q.strip()[: member_search.MAX_QUERY], nocard == "1"
        number = page_number(request.query_params.get("page"))
        with layer.db() as s, s.begin():
            total = member_search.count(s, text, no_card)
            rows = member_search.search(s, text, offset(number), PAGE_SIZE, no_card)
            carded = card_batch.cards_in_use(s, [r["member"] for r in rows])
        for row in rows:
            row["has_card"] = row["member"] in carded
        filters = {"q": text, "nocard": "1" if no_card else ""}
        found = Page(rows, number, total, "/staff/members", filters)
        return page(
            request,
            "members.html",
            who,
            found=found,
            q=text,
            nocard=no_card,
            most=card_batch.MAX_BATCH,
        )

    @web.get("/staff/members/{member_id}")
    def member_page(request: Request, who: Clerk, member_id: str) -> Response:
        try:
            with layer.db() as s, s.begin():
                details = members.member_details(s, member_id[:16])
                phones = phone_device_pages.phone_rows(s, details["member"])
                said = member_history.entries(s, details["member"], limit=PAGE_SIZE)
        except UnknownMember as exc:
            raise PageNotFound(str(exc)) from exc
        recent = list(reversed(details["history"]))[:PAGE_SIZE]
        sentences = {e.tx: staff_sentence(layout.language(request), e) for e in said}
        for line in recent:
            line["local_time"] = audit.local_time(datetime.fromisoformat(line["at"]))
            # In the clerk's language; the stored memo (English, for the book) as a fallback.
            line["memo"] = sentences.get(line["tx"], line["memo"])
        done = request.query_params.get("done", "")
        done = done if done in member_pages.DONE else ""
        if done == "card_issued" and len(details["cards"]) == 1:
            done = "first_card"  # there was no old card to revoke
        return page(
            request, "member.html", who, member=details, recent=recent, done=done, phones=phones
        )

    @web.get("/staff/counts")
    def counts(request: Request, who: Clerk) -> Response:
        """Vends no kiosk could settle until a technician counts the locker (ledger.counting)."""
        with layer.db() as s, s.begin():
            waiting = counting.awaiting(s)
        for hold in waiting:
            hold["local_since"] = audit.local_time(datetime.fromisoformat(hold["since"]))
        return page(request, "counts.html", who, waiting=waiting)

    @web.get("/staff/audit")
    def audit_log(request: Request, who: Manager) -> Response:
        chosen = request.query_params.get("staff", "")[:40]
        raw_day = request.query_params.get("day", "")[:10]
        query = audit.AuditQuery(staff=chosen or None, day=_day(raw_day))
        number = page_number(request.query_params.get("page"))
        with layer.db() as s, s.begin():
            total = audit.count(s, query)
            rows = audit.entries(s, query, offset(number), PAGE_SIZE)
            accounts = [a.username for a in staff.list_staff(s)]
        for row in rows:
            row["detail_text"] = (
                json.dumps(row["detail"], ensure_ascii=False) if row["detail"] else ""
            )
        found = Page(rows, number, total, "/staff/audit", {"staff": chosen, "day": raw_day})
        return page(
            request,
            "audit.html",
            who,
            found=found,
            accounts=accounts,
            chosen=chosen,
            day=raw_day,
            bad_day=bool(raw_day) and query.day is None,
        )

    return web

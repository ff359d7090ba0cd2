"""The console's pools page (/staff/pools, 集体兑换): the full pools waiting for their goods,
the longest waiting first, each with the form that records them handed out at the office, then
the open, collected and ended ones. Collecting calls ledger.pool_pickups.collect_at_office and is
audited as the
signed-in clerk, as `timebank-ledger pool collect` is as its user. No coins move: a full pool
was paid when it filled."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import Response
from sqlalchemy.orm import Session

from ledger import audit, pool_pickups, pool_tally, pool_views, pools, settings, staff
from ledger.audit import AuditAction
from ledger.db import StaffRole
from ledger.errors import ApiError
from ledger.phone_tables import Pool, PoolState
from ledger.web import layout
from ledger.web.access import SignedIn, signed_in
from ledger.web.layer import WebLayer, web_router

Clerk = Annotated[SignedIn, Depends(signed_in(StaffRole.CLERK))]
Note = Annotated[str, Form(max_length=2000)]  # longer than NOTE_MAX: refused in words
NOTE_MAX = 200  # as ledger.pool_pickups.collect_at_office takes, and the column holds
Words = tuple[str, dict[str, Any]]  # a key of pool_words and its values


def staff_names(s: Session) -> dict[str, str]:
    """Who recorded a pool, as the clerks know them: a username's name ("cli:USER" as it is)."""
    return {account.username: account.name for account in staff.list_staff(s)}


def why_not(pool: Pool, s: Session, zone: Any) -> Words | None:
    """Why this pool's goods cannot be recorded handed out, in the page's words; None if they
    can (it is full)."""
    number = pool.id.removeprefix("p")
    if pool.state == PoolState.FULL:
        return None
    if pool.state == PoolState.COLLECTED:
        when = layout.office_minute(pool.collected_at, zone)
        if pool.collected_by is None:  # every unit went from kiosks
            return "pooldesk.err_kiosks", {"pool": number, "when": when}
        by = staff_names(s).get(pool.collected_by or "", pool.collected_by or "")
        note = pool.collected_where or ""
        return "pooldesk.err_collected", {"pool": number, "when": when, "by": by, "note": note}
    if pool.state == PoolState.OPEN:
        got = pools.gathered(s, pool)
        return "pooldesk.err_open", {"pool": number, "gathered": got, "target": pool.target}
    return f"pooldesk.err_{pool.state.value}", {"pool": number}


def note_of(typed: str) -> tuple[str, Words | None]:
    """The note as kept (one line, spaces collapsed), or why it is refused."""
    text = " ".join(typed.split())
    if not text or not text.isprintable():
        return text, ("pooldesk.err_note", {})
    if len(text) > NOTE_MAX:
        return text, ("pooldesk.err_note_long", {"most": NOTE_MAX})
    return text, None


def router(layer: WebLayer) -> APIRouter:
    web = web_router()

    def listing(
        request: Request,
        status: int = 200,
        error: Words | None = None,
        typed: str = "",  # the note typed into the failed pool's form, kept
        at: str = "",  # that pool
    ) -> Response:
        with layer.db() as s, s.begin():
            groups = pool_views.office_groups(s)
            zone = settings.load(s).zone
            names = staff_names(s)
        asked = request.query_params.get("done", "")
        done = next((p for p in groups["collected"] if p["pool"] == asked), None)
        return layout.render(
            request, "pools.html", status, groups=groups, done=done, error=error, typed=typed,
            failed=at, newest=pool_views.OFFICE_NEWEST, names=names,
            local=lambda moment: layout.office_minute(moment, zone),
        )  # fmt: skip

    @web.get("/staff/pools")
    def pool_list(request: Request, who: Clerk) -> Response:
        return listing(request)

    @web.post("/staff/pools/{pool_id}/collect")
    def collect(request: Request, who: Clerk, pool_id: str, note: Note = "") -> Response:
        text, bad = note_of(note)
        if bad is not None:
            return listing(request, 400, bad, text, pool_id)
        now = layer.clock()
        try:
            with layer.db() as s, s.begin():
                # Row-locked: of two clerks pressing at once, the second is told the first did.
                pool = pools.locked(s, pool_id, now)
                pool_tally.settle(s, pool, now)  # all collected at kiosks: nothing to record
                refused = why_not(pool, s, settings.load(s).zone)
                if refused is None:
                    pool_pickups.collect_at_office(s, pool.id, who.staff.username, text, now)
                    audit.record(
                        s, AuditAction.POOL_COLLECTED, who.staff.username, who.address, now,
                        pool=pool.id, where=text, quantity=pool.office_quantity, sku=pool.sku,
                    )  # fmt: skip
                collected = pool.id
        except pools.UnknownPool:
            number = pool_id.removeprefix("p")[:16]
            return listing(request, 404, ("pooldesk.err_unknown", {"pool": number}))
        except pools.PoolRefused:  # a kiosk is handing a unit out at this moment
            number = pool_id.removeprefix("p")[:16]
            return listing(request, 409, ("pooldesk.err_at_kiosk", {"pool": number}), text, pool_id)
        except ApiError:  # what collect_at_office refuses that note_of let by
            return listing(request, 400, ("pooldesk.err_note", {}), text, pool_id)
        if refused is not None:
            return listing(request, 409, refused)
        return layout.redirect(request, f"/staff/pools?done={collected}")

    return web

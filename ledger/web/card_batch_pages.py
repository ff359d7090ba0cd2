"""Printing cards for several members at once from the console: the members ticked on the
members list, a page saying who gets a card (and who not, and why), then the cards issued with
no PIN and their PDF answered once (an A4 sheet of eight with cut marks, or one card a page).

A clerk prints first cards only; replacing cards in use (which revokes them) needs a manager.
Each card issued is audited (card_issued, batch, no PIN); the PIN is set later by the member on
the on-screen pad (ledger.web.cards_pages), never by or in front of the clerk.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import Response

from ledger import audit, card_batch
from ledger.audit import AuditAction
from ledger.card_pdf import CardSheet, cards_pdf
from ledger.db import StaffRole
from ledger.web import layout
from ledger.web.access import SignedIn, signed_in
from ledger.web.layer import WebLayer, web_router

Clerk = Annotated[SignedIn, Depends(signed_in(StaffRole.CLERK))]
Members = Annotated[list[str], Form(max_length=16)]
Field = Annotated[str, Form(max_length=40)]


def _shown_at(raw: str) -> datetime | None:
    try:
        moment = datetime.fromisoformat(raw)
    except ValueError:
        return None
    return moment if moment.tzinfo is not None else None


def router(layer: WebLayer) -> APIRouter:
    web = web_router()

    def batch_page(
        request: Request, batch: card_batch.Batch, status: int = 200, **context: Any
    ) -> Response:
        return layout.render(
            request,
            "cards_batch.html",
            status,
            batch=batch,
            sheets=[c.value for c in CardSheet],
            shown_at=layer.clock().isoformat(),
            most=card_batch.MAX_BATCH,
            **{"note": "", **context},
        )

    @web.post("/staff/cards/batch")
    def choose(request: Request, who: Clerk, member: Members = []) -> Response:  # noqa: B006
        """The members ticked on the list: who gets a card, who not and why."""
        with layer.db() as s, s.begin():
            batch = card_batch.plan(s, member, who.may(StaffRole.MANAGER))
        status = 200 if batch.chosen else 400
        return batch_page(request, batch, status, note="" if member else "none_ticked")

    @web.post("/staff/cards/batch/print")
    def print_batch(
        request: Request,
        who: Clerk,
        member: Members = [],  # noqa: B006
        sheet: Field = CardSheet.A4.value,
        shown_at: Field = "",
    ) -> Response:
        """Issue the cards (no PIN yet) and answer their PDF: this once only."""
        chosen = CardSheet(sheet) if sheet in [c.value for c in CardSheet] else CardSheet.A4
        now = layer.clock()
        with layer.db() as s, s.begin():
            batch = card_batch.plan(s, member, who.may(StaffRole.MANAGER), _shown_at(shown_at))
            if not batch.chosen:
                return batch_page(request, batch, 409, note="nothing_left")
            issued = card_batch.issue(s, batch, now)
            for (card, _), pick in zip(issued, batch.chosen, strict=True):
                audit.record(
                    s,
                    AuditAction.CARD_ISSUED,
                    who.staff.username,
                    who.address,
                    now,
                    member=card.member_id,
                    card=card.id,
                    sheet=chosen.value,
                    batch=len(issued),
                    pin_set=False,
                    replaced=pick.replaces,
                )
        pdf = cards_pdf([printed for _, printed in issued], chosen)
        stamp = now.strftime("%Y%m%d-%H%M%S")
        return Response(
            pdf,
            media_type="application/pdf",
            headers={
                "Content-Disposition": f'attachment; filename="cards-{len(issued)}-{stamp}.pdf"'
            },
        )

    return web

"""Printed cards from the console: the on-screen PIN pad the clerk turns to the member (the
digits never shown, the PIN typed twice), then the card issued, the member's earlier cards
revoked and its print-ready PDF answered once (never stored); or a forgotten PIN reset on the
same pad, or the first PIN of a card printed in a batch (ledger.web.card_batch_pages). Every
issue and reset is audited.

The pad works without JavaScript: each key is a button of one form. The digits typed so far
live in the pin_pads row of this browser's session, never in the page; once typed, only
scrypt hashes are kept, and the row goes when the card is issued or the PIN reset.
"""

from __future__ import annotations

import enum
from datetime import timedelta
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import Response
from sqlalchemy import delete
from sqlalchemy.orm import Session

from ledger import audit, cards, members
from ledger.audit import AuditAction
from ledger.card_pdf import CardSheet, card_pdf
from ledger.db import PinPad, StaffRole
from ledger.errors import ApiError, UnknownMember
from ledger.web import layout
from ledger.web.access import SignedIn, signed_in
from ledger.web.errors import PageNotFound
from ledger.web.layer import WebLayer, web_router

Clerk = Annotated[SignedIn, Depends(signed_in(StaffRole.CLERK))]
Field = Annotated[str, Form(max_length=20)]
PAD_LIFETIME = timedelta(minutes=15)  # a pad left half-typed is forgotten after this
KEYS = "123456789"  # then ⌫, 0, OK on the last row
MAX_DIGITS = 8


class PadStage(enum.Enum):
    FIRST = "first"  # the member types the new PIN
    AGAIN = "again"  # and once more, to be sure
    DONE = "done"  # both agreed: back to the clerk to print (or save the reset)


def _stage(pad: PinPad) -> PadStage:
    if pad.pin_hash is not None:
        return PadStage.DONE
    return PadStage.AGAIN if pad.first_hash is not None else PadStage.FIRST


def _member(s: Session, member_id: str) -> dict[str, Any]:
    try:
        return members.member_summary(s, member_id[:16])
    except UnknownMember as exc:
        raise PageNotFound(str(exc)) from exc


def router(layer: WebLayer) -> APIRouter:
    web = web_router()

    def session_hash(request: Request) -> str:
        session = layer.sessions.find(request)
        assert session is not None  # signed_in found it
        return session.id_hash

    def the_pad(s: Session, request: Request) -> PinPad | None:
        pad = s.get(PinPad, session_hash(request))
        if pad is not None and pad.updated_at + PAD_LIFETIME < layer.clock():
            s.delete(pad)
            return None
        return pad

    def start(request: Request, member_id: str, card_id: str | None) -> Response:
        now = layer.clock()
        with layer.db() as s, s.begin():
            s.execute(delete(PinPad).where(PinPad.updated_at < now - PAD_LIFETIME))
            s.execute(delete(PinPad).where(PinPad.session_hash == session_hash(request)))
            s.add(
                PinPad(
                    session_hash=session_hash(request),
                    member_id=member_id,
                    card_id=card_id,
                    typed="",
                    updated_at=now,
                )
            )
        return layout.redirect(request, "/staff/pad")

    @web.post("/staff/members/{member_id}/card")
    def issue_card(request: Request, who: Clerk, member_id: str) -> Response:
        with layer.db() as s, s.begin():
            member = _member(s, member_id)
        if not member["active"]:
            raise PageNotFound(f"member {member_id} was deactivated")
        return start(request, member["member"], None)

    @web.post("/staff/members/{member_id}/pin")
    def reset_pin(request: Request, who: Clerk, member_id: str) -> Response:
        with layer.db() as s, s.begin():
            member = _member(s, member_id)
            card = cards.active_card(s, member["member"])
            card_id = card.id if card is not None else None
        if card_id is None:
            raise PageNotFound(f"member {member_id} has no card in use")
        return start(request, member["member"], card_id)

    def pad_page(request: Request, pad: PinPad, member: dict[str, Any], note: str) -> Response:
        return layout.render(
            request,
            "pin_pad.html",
            stage=_stage(pad).value,
            dots=len(pad.typed),
            keys=KEYS,
            member=member,
            reset=pad.card_id is not None,
            sheets=[c.value for c in CardSheet],
            note=note,
        )

    @web.get("/staff/pad")
    def show_pad(request: Request, who: Clerk) -> Response:
        with layer.db() as s, s.begin():
            pad = the_pad(s, request)
            if pad is None:
                return layout.redirect(request, "/staff/members")
            member = _member(s, pad.member_id)
            note = request.query_params.get("note", "")
            return pad_page(request, pad, member, note if note in ("short", "differ") else "")

    @web.post("/staff/pad")
    def press(request: Request, who: Clerk, key: Field = "") -> Response:
        note = ""
        with layer.db() as s, s.begin():
            pad = the_pad(s, request)
            if pad is None:
                return layout.redirect(request, "/staff/members")
            pad.updated_at = layer.clock()
            stage = _stage(pad)
            if key == "cancel":
                member_id = pad.member_id
                s.delete(pad)
                return layout.redirect(request, f"/staff/members/{member_id}")
            if stage is PadStage.DONE:
                pass  # the pad is finished; only the clerk's buttons act now
            elif key.isdigit() and len(key) == 1 and key.isascii():
                if len(pad.typed) < MAX_DIGITS:
                    pad.typed += key
            elif key == "back":
                pad.typed = pad.typed[:-1]
            elif key == "ok":
                note = _confirm(pad, stage)
        target = "/staff/pad" + (f"?note={note}" if note else "")
        return layout.redirect(request, target)

    @web.post("/staff/pad/print")
    def print_card(request: Request, who: Clerk, sheet: Field = CardSheet.CARD.value) -> Response:
        """Issue the card whose PIN the member set, and answer its PDF: this once only."""
        chosen = CardSheet(sheet) if sheet in [c.value for c in CardSheet] else CardSheet.CARD
        with layer.db() as s, s.begin():
            pad = the_pad(s, request)
            if pad is None or pad.pin_hash is None or pad.card_id is not None:
                return layout.redirect(request, "/staff/members")
            member = members.active_member(s, pad.member_id)
            card, code = cards.replace_card(s, member, pad.pin_hash, layer.clock())
            audit.record(
                s,
                AuditAction.CARD_ISSUED,
                who.staff.username,
                who.address,
                layer.clock(),
                member=member.id,
                card=card.id,
                sheet=chosen.value,
            )
            s.delete(pad)
            name, member_id, card_id = member.name, member.id, card.id
        pdf = card_pdf(code, name, member_id, chosen)
        return Response(
            pdf,
            media_type="application/pdf",
            headers={
                "Content-Disposition": f'attachment; filename="card-{member_id}-{card_id}.pdf"'
            },
        )

    @web.post("/staff/pad/save")
    def save_pin(request: Request, who: Clerk) -> Response:
        """Give the member's card the PIN they set (a reset)."""
        with layer.db() as s, s.begin():
            pad = the_pad(s, request)
            if pad is None or pad.pin_hash is None or pad.card_id is None:
                return layout.redirect(request, "/staff/members")
            card = cards.get_card(s, pad.card_id)
            first = not cards.has_pin(card)  # printed in a batch: its first PIN
            try:
                cards.set_pin_hash(s, card, pad.pin_hash)
            except ApiError as exc:
                raise PageNotFound(str(exc)) from exc
            audit.record(
                s,
                AuditAction.CARD_PIN_RESET,
                who.staff.username,
                who.address,
                layer.clock(),
                member=card.member_id,
                card=card.id,
                first_pin=first,
            )
            s.delete(pad)
            member_id = card.member_id
        done = "pin_set" if first else "pin_reset"
        return layout.redirect(request, f"/staff/members/{member_id}?done={done}")

    return web


def _confirm(pad: PinPad, stage: PadStage) -> str:
    """OK pressed: the first entry kept as a hash, or both compared; the note to show."""
    typed, pad.typed = pad.typed, ""
    if len(typed) < 4:
        return "short"
    if stage is PadStage.FIRST:
        pad.first_hash = cards.hash_pin(typed)
        return ""
    assert pad.first_hash is not None
    if cards.pin_matches(typed, pad.first_hash):
        pad.pin_hash = pad.first_hash
        return ""
    pad.first_hash = None  # start over: the member may have mistyped either one
    return "differ"

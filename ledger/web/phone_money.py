"""The member's money pages on the phone: the history in plain words, giving coins to another
member (type their number or scan their receive code, then confirm), and the receive code.
Server-rendered forms; every post carries the session's CSRF token and a one-use token."""

from __future__ import annotations

import base64
import io
import logging
from typing import Annotated, Any

import qrcode
import qrcode.image.svg
from fastapi import APIRouter, Form, Request
from fastapi.responses import Response
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from ledger import book, gifts, member_history, members, phone_actions, phone_limits
from ledger.db import LedgerTransaction, Posting
from ledger.errors import ApiError
from ledger.limits import MAX_ROW_ID
from ledger.web import layout
from ledger.web.layer import WebLayer, phone_router
from ledger.web.phone_forms import (
    Phone,
    PhoneGate,
    masked,
    message,
    no_phone,
    number,
    page,
    refusal,
    slow_down,
    when,
    whole,
)
from ledger.web.phone_words import PHONE_MONEY_WORDS
from ledger.web.words import translate

FormText = Annotated[str, Form(max_length=200)]
log = logging.getLogger(__name__)
# The kinds of transaction the history has a sentence for; any other reads "other: memo".
HISTORY_KINDS = {k.removeprefix("history.") for k in PHONE_MONEY_WORDS if k.startswith("history.")}


def qr_image(text: str) -> str:
    """`text` as a QR code, an SVG data: URI for an <img> (the pages run no script)."""
    code = qrcode.QRCode(error_correction=qrcode.constants.ERROR_CORRECT_M, border=2)
    code.add_data(text)
    svg = io.BytesIO()
    code.make_image(image_factory=qrcode.image.svg.SvgPathImage).save(svg)
    return "data:image/svg+xml;base64," + base64.b64encode(svg.getvalue()).decode()


def sentence(lang: str, entry: member_history.Entry, mask: bool = True) -> str:
    """The history line in plain words; `mask`: the other member's name as 王＊英 (the phone)."""
    values = {k: v for k, v in entry.values.items() if not k.startswith("item_")}
    values["item"] = entry.values.get("item_en" if lang == "en" else "item_zh", "")
    if "other" in values and mask:
        values["other"] = masked(str(values["other"]))
    known = entry.what in HISTORY_KINDS
    return translate(lang, "history." + (entry.what if known else "other"), **values)


def _gift_seen(s: Session, tx_id: int, member_id: str) -> dict[str, Any] | None:
    """The gift `tx_id` as its giver sees it, or None if it is not this member's gift."""
    tx = s.get(LedgerTransaction, tx_id)
    if tx is None or tx.kind != gifts.GIFT_KIND:
        return None
    lines = {p.account_id: p.amount for p in s.query(Posting).filter_by(transaction_id=tx.id)}
    if lines.get(book.member_account_id(member_id), 0) >= 0:
        return None
    other = next(a for a, amount in lines.items() if amount > 0).removeprefix("mem:")
    return {"name": masked(members.get_member(s, other).name), "coins": lines[f"mem:{other}"]}


def router(layer: WebLayer) -> APIRouter:
    r = phone_router()
    gate = PhoneGate(layer)

    def balance(s: Session, phone: Phone) -> int:
        return book.spendable_balance(s, phone.member, layer.clock())

    @r.get(
        "/m/history",
        summary="balance and history in plain words, newest first (page with ?before=)",
    )
    def history(request: Request, before: int | None = None) -> Response:
        phone = gate.phone(request)
        if phone is None:
            return no_phone(request)
        lang = layout.language(request)
        if before is not None:  # an id past every row's reads as "from the newest"
            before = min(before, MAX_ROW_ID + 1)
        with layer.db() as s, s.begin():
            found = member_history.entries(s, phone.member, before)
            zone = phone_limits.office_zone(s)
            coins = balance(s, phone)
        lines = [
            {
                "when": translate(lang, "history.when", **when(lang, e.at, zone)),
                "text": sentence(lang, e),
                "coins": e.coins,
            }
            for e in found
        ]
        more = found[-1].tx if len(found) == member_history.PAGE else None
        return page(request, "m_history.html", lines=lines, balance=coins, more=more)

    @r.get("/m/give", summary="give coins: the form (?to= from a scanned receive code)")
    def give_form(request: Request, to: str = "") -> Response:
        phone = gate.phone(request)
        if phone is None:
            return no_phone(request)
        with layer.db() as s, s.begin():
            coins = balance(s, phone)
        return page(request, "m_give.html", to=to[:40], balance=coins)

    @r.get("/m/give/confirm", summary="give coins: the confirmation page")
    def give_confirm(request: Request, to: str = "", coins: str = "") -> Response:
        phone = gate.phone(request)
        if phone is None:
            return no_phone(request)
        amount = whole(coins)
        if amount is None or amount <= 0:
            return message(request, 422, "refuse.bad_input")
        wait = gate.wait(gate.lookups, phone)
        if wait:
            return slow_down(request, wait)
        typed = to.translate({0xFF10 + i: 0x30 + i for i in range(10)})[:200]
        try:
            with layer.db() as s, s.begin():
                member = gifts.recipient(s, phone.member, typed)
                name, member_id = masked(member.name), member.id
        except ApiError as exc:
            return refusal(request, exc)
        return page(
            request,
            "m_give_confirm.html",
            name=name,
            to=member_id,
            shown=number(member_id),
            coins=amount,
            once=phone_actions.new_token(),
        )

    @r.post(
        "/m/give",
        summary="give coins to another member: one double-entry transaction, once per `once` token",
    )
    def give(
        request: Request, to: FormText = "", coins: FormText = "", once: FormText = ""
    ) -> Response:
        phone = gate.phone(request)
        if phone is None:
            return no_phone(request)
        amount = whole(coins)
        if amount is None or amount <= 0:
            return message(request, 422, "refuse.bad_input")
        wait = gate.wait(gate.posts, phone)
        if wait:
            return slow_down(request, wait)
        now = layer.clock()

        def act(s: Session) -> str:
            return str(gifts.give(s, phone.member, to, amount, now, phone.device).id)

        try:
            tx_id = run_once(layer, phone, once, "gift", act)
        except ApiError as exc:
            return refusal(request, exc)
        return layout.redirect(request, f"/m/give/done/{tx_id}")

    @r.get("/m/give/done/{tx_id}", summary="give coins: the receipt")
    def given(request: Request, tx_id: int) -> Response:
        phone = gate.phone(request)
        if phone is None:
            return no_phone(request)
        if not 0 < tx_id <= MAX_ROW_ID:  # a made-up address: no such receipt, no query
            return message(request, 404, "error.not_found")
        with layer.db() as s, s.begin():
            seen = _gift_seen(s, tx_id, phone.member)
            coins = balance(s, phone)
        if seen is None:
            return message(request, 404, "error.not_found")
        return page(request, "m_done.html", words="give.done", values=seen, balance=coins)

    @r.get("/m/receive", summary="receive coins: this member's number and QR for a giver to scan")
    def receive(request: Request) -> Response:
        phone = gate.phone(request)
        if phone is None:
            return no_phone(request)
        link = str(request.base_url).rstrip("/") + "/m/give?to=" + phone.member
        return page(request, "m_receive.html", qr=qr_image(link), number=number(phone.member))

    return r


def run_once(layer: WebLayer, phone: Phone, token: str, kind: str, act: Any) -> str:
    """`act(session)` once for this one-use token; a repeat gets the first one's result."""
    now = layer.clock()
    try:
        with layer.db() as s, s.begin():
            result, acted = phone_actions.act_once(
                s, token, phone.device, kind, now, lambda: act(s)
            )
        if acted:  # who, which phone, what: no cookie, code or token
            log.info("phone %s of %s: %s %s", phone.device, phone.member, kind, result)
        return result
    except IntegrityError:
        # A twin of this post committed first (PostgreSQL): show what it did.
        with layer.db() as s, s.begin():
            earlier = phone_actions.done_before(s, token, phone.device, kind)
            if earlier is None:
                raise
            return earlier.result


def staff_sentence(lang: str, entry: member_history.Entry) -> str:
    """The history line as the console shows it: the phone's words, the other member's whole
    name, and the activity an hours credit was for."""
    text = sentence(lang, entry, mask=False)
    note = str(entry.values.get("note") or "") if entry.what == "volunteer_hours" else ""
    if not note:
        return text
    return f"{text}：{note}" if lang == "zh" else f"{text}: {note}"

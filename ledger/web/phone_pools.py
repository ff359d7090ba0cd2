"""Coin pools on the phone: start one for an item and a quantity, open one by its number or
its QR code, give a share, leave (the share given back), or call it off as its organiser.
Each step is one form with the session's CSRF token and a one-use token (ledger.pools)."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter, Form, Request
from fastapi.responses import Response
from sqlalchemy import select
from sqlalchemy.orm import Session

from ledger import book, phone_actions, phone_limits, pool_views, pools, reservations
from ledger.db import CatalogItem
from ledger.errors import ApiError
from ledger.web import layout
from ledger.web.layer import WebLayer, phone_router
from ledger.web.phone_forms import (
    Phone,
    PhoneGate,
    masked,
    message,
    no_phone,
    page,
    refusal,
    slow_down,
    when,
    whole,
)
from ledger.web.phone_money import qr_image, run_once
from ledger.web.words import translate

FormText = Annotated[str, Form(max_length=200)]
DONE_WORDS = ("started", "pledged", "filled", "withdrawn", "cancelled")


def _items(s: Session) -> list[CatalogItem]:
    found = s.scalars(select(CatalogItem).where(CatalogItem.price > 0).order_by(CatalogItem.sku))
    return [i for i in found if getattr(i, "retired_at", None) is None]


def _shown(pool: dict[str, Any], me: str, lang: str) -> dict[str, Any]:
    """A pool as a member sees it: other givers' names masked, the item in the page's words."""
    givers = [
        {
            "name": translate(lang, "pool.you") if p["member"] == me else masked(p["name"]),
            "coins": p["coins"],
            "given_back": p["given_back"],
        }
        for p in pool["pledges"]
    ]
    mine = any(p["member"] == me and not p["given_back"] for p in pool["pledges"])
    return {
        **pool,
        "item_name": pool["item"]["en" if lang == "en" else "zh"],
        "number": pool["pool"].removeprefix("p"),  # what members read out and type
        "givers": givers,
        "mine": mine,
        "organiser_is_me": pool["organiser"]["id"] == me,
    }


def _kiosks_with(s: Session, pool: dict[str, Any], now: datetime) -> list[tuple[str, int]]:
    """For the organiser of a full pool: the kiosks that hold its item now, and how many."""
    if pool["state"] != "full" or not pool["organiser_is_me"]:
        return []
    found = reservations.available(s, now)
    return [(x.kiosk_name, x.available) for x in found if x.sku == pool["sku"] and x.available]


def router(layer: WebLayer) -> APIRouter:
    r = phone_router()
    gate = PhoneGate(layer)

    def step(request: Request, phone: Phone | None, kind: str, once: str, act: Any) -> Response:
        """One money step of a pool, once per one-use token; then the pool's page."""
        if phone is None:
            return no_phone(request)
        wait = gate.wait(gate.posts, phone)
        if wait:
            return slow_down(request, wait)
        try:
            result = run_once(layer, phone, once, kind, act)
        except ApiError as exc:
            return refusal(request, exc)
        pool_id, _, done = result.partition(":")
        return layout.redirect(request, f"/m/pools/{pool_id}?done={done}")

    @r.get(
        "/m/pools",
        summary="the member's pools; with ?number=, on to that pool",
    )
    def list_pools(request: Request, number: str = "") -> Response:
        phone = gate.phone(request)
        if phone is None:
            return no_phone(request)
        if number.strip():
            digits = whole(number.lower().removeprefix("p"))
            return layout.redirect(request, f"/m/pools/p{digits}" if digits else "/m/pools/p0")
        lang = layout.language(request)
        with layer.db() as s, s.begin():
            mine = [
                _shown(pool_views.describe(s, p), phone.member, lang)
                for p in pool_views.pools_of(s, phone.member)
            ]
        return page(request, "m_pools.html", pools=mine)

    @r.get(
        "/m/pools/new",
        summary="start a pool: the catalog's priced items and a quantity",
    )
    def new_pool(request: Request) -> Response:
        phone = gate.phone(request)
        if phone is None:
            return no_phone(request)
        with layer.db() as s, s.begin():
            items = [
                {"sku": i.sku, "zh": i.name_zh, "en": i.name_en, "price": i.price}
                for i in _items(s)
            ]
        once = phone_actions.new_token()
        return page(request, "m_pool_new.html", items=items, once=once)

    @r.post(
        "/m/pools",
        summary="start a pool for an item and a quantity (the member organises it)",
    )
    def start_pool(
        request: Request, sku: FormText = "", quantity: FormText = "", once: FormText = ""
    ) -> Response:
        phone = gate.phone(request)
        count = whole(quantity)
        if phone is not None and (count is None or count <= 0):
            return message(request, 422, "refuse.bad_input")

        def act(s: Session) -> str:
            assert phone is not None and count is not None
            return pools.start(s, phone.member, sku, count, layer.clock()).id + ":started"

        return step(request, phone, "pool_start", once, act)

    @r.get(
        "/m/pools/{pool_id}",
        summary="one pool: gathered and target, givers, the step open to this member",
    )
    def show_pool(request: Request, pool_id: str, done: str = "") -> Response:
        phone = gate.phone(request)
        if phone is None:
            return no_phone(request)
        wait = gate.wait(gate.lookups, phone) if not done else 0
        if wait:
            return slow_down(request, wait)
        lang = layout.language(request)
        now = layer.clock()
        try:
            with layer.db() as s, s.begin():
                pool = _shown(
                    pool_views.describe(s, pools.locked(s, pool_id, now)), phone.member, lang
                )
                zone = phone_limits.office_zone(s)
                coins = book.spendable_balance(s, phone.member, now)
                stock = _kiosks_with(s, pool, now)
        except ApiError as exc:
            return refusal(request, exc)
        expires = datetime.fromisoformat(pool["expires_at"])
        handed = pool["collected_at"] and datetime.fromisoformat(pool["collected_at"])
        link = str(request.base_url).rstrip("/") + f"/m/pools/{pool['pool']}"
        return page(
            request,
            "m_pool.html",
            pool=pool,
            balance=coins,
            done=done if done in DONE_WORDS else "",
            expires=translate(lang, "history.when", **when(lang, expires, zone)),
            collected=translate(lang, "history.when", **when(lang, handed, zone)) if handed else "",
            qr=qr_image(link),
            suggested=min(pool["needed"], coins),
            stock="、".join(translate(lang, "pool.kiosk_stock", kiosk=k, n=n) for k, n in stock),
            once=phone_actions.new_token(),
        )

    @r.post(
        "/m/pools/{pool_id}/pledge",
        summary="give a share to a pool (the share that fills it makes the redemption)",
    )
    def pledge(
        request: Request, pool_id: str, coins: FormText = "", once: FormText = ""
    ) -> Response:
        phone = gate.phone(request)
        amount = whole(coins)
        if phone is not None and (amount is None or amount <= 0):
            return message(request, 422, "refuse.bad_input")

        def act(s: Session) -> str:
            assert phone is not None and amount is not None
            made = pools.pledge(s, pool_id, phone.member, amount, layer.clock(), phone.device)
            return made.pool.id + (":filled" if made.filled else ":pledged")

        return step(request, phone, "pledge", once, act)

    @r.post(
        "/m/pools/{pool_id}/withdraw",
        summary="leave an open pool: the share is given back",
    )
    def withdraw(request: Request, pool_id: str, once: FormText = "") -> Response:
        phone = gate.phone(request)

        def act(s: Session) -> str:
            assert phone is not None
            return pools.withdraw(s, pool_id, phone.member, layer.clock()).pool_id + ":withdrawn"

        return step(request, phone, "withdraw", once, act)

    @r.post(
        "/m/pools/{pool_id}/cancel",
        summary="the organiser calls an open pool off: every share is given back",
    )
    def cancel(request: Request, pool_id: str, once: FormText = "") -> Response:
        phone = gate.phone(request)

        def act(s: Session) -> str:
            assert phone is not None
            return pools.cancel(s, pool_id, phone.member, layer.clock()).id + ":cancelled"

        return step(request, phone, "cancel", once, act)

    return r

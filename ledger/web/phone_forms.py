"""What the phone's money pages share: the phone behind a request (its device cookie, looked
up on every request, so a revoked phone is refused at once), the per-phone rate limits, the
page that says what went wrong in the member's words, and how names and times are shown."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from fastapi import Request
from fastapi.responses import Response
from sqlalchemy import select

from ledger import devices, phone_limits, pools, rate_limits
from ledger.db import MemberDevice
from ledger.errors import (
    ApiError,
    BadRequest,
    InsufficientFunds,
    MemberDeactivated,
    UnknownMember,
    UnknownSku,
)
from ledger.web import layout
from ledger.web.layer import WebLayer

DEVICE_COOKIE = "tb_device"  # as ledger.web.phone sets it (path /m/, HttpOnly)
# Money forms a phone may send: ten at once, then one every 30 s. A member taps a few a day.
MONEY_POSTS = rate_limits.Rate(burst=10, per_second=1 / 30)
# Member and pool numbers a phone may look up (each shows a masked name): twenty at once,
# then one every 10 s, so the numbers cannot be walked for names.
LOOKUPS = rate_limits.Rate(burst=20, per_second=0.1)


@dataclass(frozen=True)
class Phone:
    """The enrolled, live phone of a request and its member."""

    device: str
    member: str


class PhoneGate:
    """Finds the phone of a request and meters what it may do (one per web layer)."""

    def __init__(self, layer: WebLayer) -> None:
        self.layer = layer
        seconds = lambda: layer.clock().timestamp()  # noqa: E731
        self.posts = rate_limits.Buckets(MONEY_POSTS, seconds)
        self.lookups = rate_limits.Buckets(LOOKUPS, seconds)

    def phone(self, request: Request) -> Phone | None:
        """The live phone of this request; None for none, or for a revoked one (looked up on
        every request: revocation is effective at once). `request.state.phone_revoked` says
        which, for the page's words."""
        cookie = request.cookies.get(DEVICE_COOKIE, "")
        with self.layer.db() as s, s.begin():
            found = devices.device_by_cookie(s, cookie)
            if found is None and cookie and len(cookie) <= 64:
                gone = s.scalar(
                    select(MemberDevice.id).where(
                        MemberDevice.cookie_hash == devices.digest(cookie)
                    )
                )
                request.state.phone_revoked = gone is not None
            return Phone(found.id, found.member_id) if found is not None else None

    def wait(self, buckets: rate_limits.Buckets, phone: Phone) -> int:
        """0, or the whole seconds the phone must wait before this (which it then took)."""
        wait = buckets.take(phone.device)
        return rate_limits.whole_seconds(wait) if wait else 0


def page(request: Request, template: str, status: int = 200, **context: Any) -> Response:
    """A phone page (its own style sheet, the menu at the bottom)."""
    return layout.render(request, template, status, **context)


def message(request: Request, status: int, words: str, **values: Any) -> Response:
    """One sentence in large type, and the way back."""
    back = layout.local_path(request.url.path.rsplit("/", 1)[0] + "/", "/m/")
    return page(request, "m_message.html", status, words=words, values=values, back=back)


def no_phone(request: Request) -> Response:
    revoked = getattr(request.state, "phone_revoked", False)
    words = "phone.revoked" if revoked else "phone.no_device"
    return page(request, "m_message.html", 401, words=words, values={}, back="/m/")


def slow_down(request: Request, seconds: int) -> Response:
    response = message(request, 429, "refuse.slow_down", seconds=seconds)
    response.headers["Retry-After"] = str(seconds)
    return response


def refusal(request: Request, exc: ApiError) -> Response:
    """The page for a refused money step, in words the member can act on."""
    extra = exc.extra
    if isinstance(exc, InsufficientFunds):
        return message(request, 402, "refuse.no_funds", balance=extra.get("balance", 0))
    if isinstance(exc, phone_limits.SpendLimitReached):
        return message(request, 403, "refuse.spend_limit", limit=extra["limit"], left=extra["left"])
    if isinstance(exc, UnknownMember | MemberDeactivated):
        return message(request, 404, "refuse.no_member")
    if isinstance(exc, pools.UnknownPool):
        return message(request, 404, "refuse.no_pool")
    if isinstance(exc, UnknownSku):
        return message(request, 404, "refuse.no_item")
    if isinstance(exc, pools.PoolClosed):
        return message(request, 409, "refuse.pool_closed")
    if isinstance(exc, pools.PoolRefused):
        values = {k: v for k, v in extra.items() if k != "reason"}
        return message(request, 409, "refuse.pool." + exc.reason, **values)
    if isinstance(exc, BadRequest) and "oneself" in exc.message:
        return message(request, 422, "refuse.self")
    if isinstance(exc, BadRequest) and "member number" in exc.message:
        return message(request, 422, "refuse.no_member")
    if isinstance(exc, BadRequest) and "token" in exc.message:
        return message(request, 409, "refuse.form_used")
    return message(request, 422, "refuse.bad_input")


def masked(name: str) -> str:
    """A member's name as other members see it: 王秀英 -> 王＊英, 李伟 -> 李＊."""
    name = name.strip()
    if len(name) <= 1:
        return name
    if len(name) == 2:
        return name[0] + "＊"
    return name[0] + "＊" * (len(name) - 2) + name[-1]


def number(member_id: str) -> str:
    """The member number as printed on the card: the digits."""
    return member_id.removeprefix("m")


def when(lang: str, moment: datetime, zone: Any) -> dict[str, str]:
    local = moment.astimezone(zone)
    return {"month": str(local.month), "day": str(local.day), "time": local.strftime("%H:%M")}


def whole(text: str) -> int | None:
    """A whole number typed on the phone (ASCII or full-width digits), or None."""
    digits = text.strip().translate({0xFF10 + i: 0x30 + i for i in range(10)})
    if not digits.isascii() or not digits.isdigit() or len(digits) > 9:
        return None
    return int(digits)

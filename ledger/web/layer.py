"""The one web layer of the ledger, shared by the staff console (/staff/), the member pages
(/m/) and the pairing page (/pair/): its routers, static files, security headers and the
pages that answer a refusal. `install` puts it on the app."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from urllib.parse import quote

from fastapi import APIRouter, Depends, FastAPI, Request
from fastapi.responses import Response
from fastapi.staticfiles import StaticFiles
from sqlalchemy.orm import Session, sessionmaker
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from ledger import bodies
from ledger.web import csrf, layout
from ledger.web.errors import LoginRequired, TooManyLogins, WebRefusal
from ledger.web.sessions import WebSessions

WEB_PREFIXES = ("/staff", "/m/", "/pair/", "/static/", "/lang/")
# No script at all, no inline style: the pages work with JavaScript off and a stolen
# injection has nothing to run. Nothing may frame them (clickjacking a "confirm").
HEADERS = {
    b"content-security-policy": (
        b"default-src 'none'; style-src 'self'; img-src 'self' data:; form-action 'self'; "
        b"frame-ancestors 'none'; base-uri 'none'"
    ),
    b"x-frame-options": b"DENY",
    b"referrer-policy": b"no-referrer",
    b"x-content-type-options": b"nosniff",
}
# The member's phone pages (/m/) run one script of our own, from 'self' only (no inline script,
# no CDN): it computes the member code and asks for the balance (ledger.web.phone).
PHONE_CSP = (
    b"default-src 'none'; script-src 'self'; connect-src 'self'; style-src 'self'; "
    b"img-src 'self' data:; form-action 'self'; frame-ancestors 'none'; base-uri 'none'"
)
NO_STORE = (b"cache-control", b"no-store")  # pages hold balances and tokens: never cached


@dataclass
class WebLayer:
    db: sessionmaker[Session]
    clock: Callable[[], datetime]
    sessions: WebSessions = field(init=False)

    def __post_init__(self) -> None:
        self.sessions = WebSessions(self.db, self.clock)


def web_router(openapi_tag: str | None = None) -> APIRouter:
    """A router of web pages: bodies limited as ledger.bodies says, every POST CSRF-checked;
    in the served OpenAPI under `openapi_tag` only when given one."""
    return APIRouter(
        include_in_schema=openapi_tag is not None,
        tags=[openapi_tag] if openapi_tag is not None else None,
        route_class=bodies.CheckedBodyRoute,
        dependencies=[Depends(csrf.guard)],
    )


def phone_router() -> APIRouter:
    """A router of the member's phone pages (/m/): a web router in the served OpenAPI (tag
    "phone"), since a phone's calls move coins as the kiosk's do."""
    return web_router(openapi_tag="phone")


class SecurityHeaders:
    """Adds HEADERS to every answer under WEB_PREFIXES (pages, redirects, static files)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        path = scope.get("path", "") if scope["type"] == "http" else ""
        if not path.startswith(WEB_PREFIXES):
            await self.app(scope, receive, send)
            return

        async def with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = [h for h in message.get("headers", []) if h[0] not in HEADERS]
                headers += list(HEADERS.items())
                if path.startswith("/m/"):
                    csp = b"content-security-policy"
                    headers = [h for h in headers if h[0] != csp] + [(csp, PHONE_CSP)]
                if not path.startswith("/static/"):
                    headers = [h for h in headers if h[0] != NO_STORE[0]] + [NO_STORE]
                message = {**message, "headers": headers}
            await send(message)

        await self.app(scope, receive, with_headers)


def _refused(request: Request, exc: Exception) -> Response:
    if isinstance(exc, LoginRequired):
        return layout.redirect(request, "/staff/login?next=" + quote(layout.here(request)))
    assert isinstance(exc, WebRefusal)
    values = {"seconds": exc.retry_after} if isinstance(exc, TooManyLogins) else {}
    # A phone on the pairing page is not sent to the console.
    home = "/staff/" if request.url.path.startswith("/staff") else ""
    response = layout.render(
        request, "refused.html", exc.status, words=exc.words, values=values, home=home
    )
    if isinstance(exc, TooManyLogins):
        response.headers["Retry-After"] = str(exc.retry_after)
    return response


def install(app: FastAPI, db: sessionmaker[Session], clock: Callable[[], datetime]) -> WebLayer:
    from ledger.web import (  # late: they build on this module
        activity_pages,
        card_batch_pages,
        cards_pages,
        catalog_pages,
        coin_pages,
        console,
        grant_pages,
        kiosk_pages,
        language,
        login,
        lot_pages,
        member_pages,
        order_pages,
        phone,
        phone_device_pages,
        phone_devices,
        phone_money,
        phone_pools,
        pool_pages,
        report_pages,
        reserve_pages,
        settings_pages,
    )

    layer = WebLayer(db, clock)
    app.state.web = layer
    app.add_exception_handler(WebRefusal, _refused)
    app.add_middleware(SecurityHeaders)
    app.mount("/static", StaticFiles(directory=layout.STATIC), name="static")
    app.include_router(language.router())
    app.include_router(login.router(layer))
    # Before the console's: /staff/members/new is not the member page of a member "new".
    app.include_router(member_pages.router(layer))
    app.include_router(cards_pages.router(layer))
    app.include_router(card_batch_pages.router(layer))  # several members' cards at once
    app.include_router(phone_device_pages.router(layer))
    app.include_router(coin_pages.router(layer))
    app.include_router(activity_pages.router(layer))
    app.include_router(grant_pages.router(layer))
    app.include_router(settings_pages.router(layer))
    app.include_router(console.router(layer))
    app.include_router(catalog_pages.router(layer))
    app.include_router(lot_pages.router(layer))  # donated goods (lots, donors)
    app.include_router(kiosk_pages.router(layer))  # kiosks and the fleet
    app.include_router(report_pages.router(layer))  # reports, exports, ranking
    app.include_router(phone.router(layer))
    app.include_router(phone_money.router(layer))  # history, give, receive
    app.include_router(phone_pools.router(layer))
    app.include_router(phone_devices.router(layer))  # the member's own phones
    app.include_router(reserve_pages.router(layer))  # reservations (预约兑换)
    app.include_router(order_pages.router(layer))  # the office's view of them, and pools
    app.include_router(pool_pages.router(layer))  # full pools handed out (集体兑换)
    return layer

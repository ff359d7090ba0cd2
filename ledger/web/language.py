"""The language switch: a link that remembers the browser's choice in a cookie and goes back
to the page it came from (no JavaScript, no form)."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response

from ledger.web import layout
from ledger.web.words import LANGUAGES


def router() -> APIRouter:
    web = APIRouter(include_in_schema=False)

    @web.get("/lang/{code}")
    def switch(code: str, request: Request, next: str = "/staff/") -> Response:
        response = RedirectResponse(layout.local_path(next[:2000]), status_code=303)
        if code in LANGUAGES:
            response.set_cookie(
                layout.LANG_COOKIE,
                code,
                max_age=layout.LANG_KEEP_S,
                httponly=True,
                samesite="lax",
                secure=request.url.scheme == "https",
                path="/",
            )
        return response

    return web

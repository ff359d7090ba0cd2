"""CSRF: every POST of a web page carries its session's token in the form field `csrf`.

`guard` is a dependency of every web router (ledger.web.layer.web_router), so no form can be
added without it; a form without the token, with another session's, or from a browser with
no session is refused with a 403 page before its endpoint runs.
"""

from __future__ import annotations

import hmac

from fastapi import Request
from starlette.concurrency import run_in_threadpool

from ledger.web.errors import CsrfRefused

FIELD = "csrf"


async def guard(request: Request) -> None:
    if request.method in ("GET", "HEAD", "OPTIONS"):
        return
    # FastAPI has read the form already when the endpoint takes fields; Starlette keeps it.
    form = await request.form()
    sent = form.get(FIELD)
    # A database read: off the event loop, as FastAPI runs the plain `def` endpoints.
    session = await run_in_threadpool(request.app.state.web.sessions.find, request)
    expected = session.csrf_token if session is not None else ""
    if (
        not isinstance(sent, str)
        or not expected
        or not hmac.compare_digest(sent.encode(errors="replace"), expected.encode())
    ):
        raise CsrfRefused("a form without this session's CSRF token")

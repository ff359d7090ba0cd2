"""Request bodies as the ledger takes them: JSON whose strings are text, and a size limit per route.

A lone UTF-16 surrogate (`"\\ud800"`, or the bytes ED A0 80 that `json.loads` lets through)
is not a character: it cannot be hashed for an Idempotency-Key, stored or answered, and once
reached a 500. It is refused as malformed JSON (422) before anything else looks at the body.
"""

import json
from collections.abc import Callable, Coroutine
from typing import Any

from fastapi import Request, Response
from fastapi.responses import JSONResponse
from fastapi.routing import APIRoute
from starlette.middleware.body_limit import MAX_BODY_SIZE_SCOPE_KEY
from starlette.types import ASGIApp, Message, Receive, Scope, Send

# Bytes a body may hold, per route; the reverse proxy's limits (deploy/nginx) are the same.
SMALL_BODY_MAX = 16 * 1024  # sign-in, holds, voids, pairing forms: a few short fields
EVENTS_BODY_MAX = 2 * 1024 * 1024  # a kiosk's batch of up to 200 events (kiosk/core/outbox.py)
DEFAULT_BODY_MAX = SMALL_BODY_MAX  # any other route

_MAX_SHOWN_STEPS = 6


class LoneSurrogate(json.JSONDecodeError):
    """A string in the body (a key or a value) holds a lone surrogate: not text."""


def _shown(part: str | int) -> str:
    # The key itself may hold the surrogate: escape it, the error must be valid UTF-8 too.
    return str(part).encode("utf-8", "backslashreplace").decode("ascii", "backslashreplace")


def _lone_surrogate_at(value: Any) -> list[str | int] | None:
    """Where the first string (key or value) holding a lone surrogate is, else None."""
    stack: list[tuple[list[str | int], Any]] = [([], value)]
    while stack:  # not recursive: the body may be as deep as json.loads allows
        where, item = stack.pop()
        if isinstance(item, str):
            if not item.isascii():
                try:
                    item.encode("utf-8")
                except UnicodeEncodeError:
                    return where
        elif isinstance(item, dict):
            for key, inner in item.items():
                if not key.isascii():
                    try:
                        key.encode("utf-8")
                    except UnicodeEncodeError:
                        return [*where, key]
                stack.append(([*where, key], inner))
        elif isinstance(item, list):
            stack.extend(([*where, i], inner) for i, inner in enumerate(item))
    return None


def loads(raw: bytes) -> Any:
    """`json.loads(raw)`, refusing a string that holds a lone surrogate (`LoneSurrogate`)."""
    parsed = json.loads(raw)
    # Pure ASCII with no \u escape cannot hold one: the kiosk's usual body skips the walk.
    if raw.isascii() and b"\\u" not in raw:
        return parsed
    where = _lone_surrogate_at(parsed)
    if where is not None:
        path = ".".join(_shown(p) for p in where[:_MAX_SHOWN_STEPS]) or "body"
        # The string itself is not shown: it may be a code or a PIN.
        message = f"{path}: a string holds a lone UTF-16 surrogate, which is not text"
        raise LoneSurrogate(message, raw.decode("utf-8", "replace"), 0)
    return parsed


class StrictJsonRequest(Request):
    """A request whose JSON body is parsed by `loads` (FastAPI turns its error into a 422)."""

    async def json(self) -> Any:
        if not hasattr(self, "_json"):
            self._json = loads(await self.body())
        return self._json


class CheckedBodyRoute(APIRoute):
    """A route that refuses a declared body over its limit before its endpoint runs (Starlette's
    limiter only looks when the body is read, and a capture never reads one), and parses JSON
    bodies by `loads`: FastAPI's documented custom-request hook."""

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        handler = super().get_route_handler()

        async def checked_handler(request: Request) -> Response:
            limit = request.scope.get(MAX_BODY_SIZE_SCOPE_KEY)
            declared = request.headers.get("content-length", "")
            if limit is not None and declared.isdigit() and int(declared) > limit:
                return JSONResponse(too_large(limit), 413, {"Connection": "close"})
            return await handler(StrictJsonRequest(request.scope, request.receive))

        return checked_handler


def too_large(limit: int | None) -> dict[str, str]:
    """The contract's error for a body over its route's limit (HTTP 413)."""
    taken = f" ({limit} bytes)" if limit is not None else ""
    return {"error": "too_large", "message": f"the body is larger than this route takes{taken}"}


class TooLargeAsJson:
    """Answers Starlette's 413 for a declared Content-Length over the limit (plain text, sent
    from inside its limiter, past every exception handler) with the contract's error JSON."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        replacing = False

        async def send_json(message: Message) -> None:
            nonlocal replacing
            if message["type"] == "http.response.start" and message["status"] == 413:
                kind = dict(message.get("headers", [])).get(b"content-type", b"")
                replacing = kind.startswith(b"text/plain")
                if replacing:
                    body = json.dumps(too_large(scope.get(MAX_BODY_SIZE_SCOPE_KEY))).encode()
                    headers = [
                        (b"content-type", b"application/json"),
                        (b"content-length", str(len(body)).encode()),
                        (b"connection", b"close"),  # the unread body must not be taken as a request
                    ]
                    await send({**message, "headers": headers})
                    await send({"type": "http.response.body", "body": body})
                    return
            if not replacing:
                await send(message)

        await self.app(scope, receive, send_json)

"""The money routes answered without the ASGI middleware chain: they run on every redemption.

Through FastAPI a hold or a capture passed about fifteen layers of middleware, routing and
dependency solving each way, a third of the ledger's CPU per redemption (bench/README.md,
`ledger_holds.py`). `MoneyPath`, the outermost of the app's own middleware, answers
`POST /v1/holds`, `/v1/holds/{hold_id}/capture` and `/v1/holds/{hold_id}/void` itself, doing
what those layers did for them and nothing else:

- the body limit (ledger.bodies): a declared or a streamed body over it is a 413, unread;
- the calls of ledger.money_api (the same checks, in the same order, and the same answers);
- errors answered from the same table as FastAPI's handlers (ledger.error_answers);
- the access-log line and the metrics of ledger.observability, before the last byte leaves.

Any other request, and a money path whose hold id is not an id (404 there), goes on down the
chain. The FastAPI routes stay: they serve the OpenAPI document, and tests call them through it.
"""

import time
from collections.abc import Awaitable, Callable
from typing import Any

from starlette.middleware.body_limit import MAX_BODY_SIZE_SCOPE_KEY
from starlette.requests import Request
from starlette.types import ASGIApp, Receive, Scope, Send

from ledger import bodies, error_answers, idempotency, observability
from ledger.limits import ID_PATTERN
from ledger.money_api import Money, encode, parse_body

LIMIT = bodies.SMALL_BODY_MAX  # the money routes' bodies (a few short fields)
_REPLAYED = (idempotency.REPLAYED_HEADER.lower().encode(), b"true")
_JSON = (b"content-type", b"application/json")
_HOLDS = "/v1/holds"

Call = Callable[[Request, Any], Awaitable[idempotency.Outcome]]


class _TooLarge(Exception):  # noqa: N818 - control flow inside MoneyPath, never raised out
    """The body went over LIMIT while it was read."""


class _Route:
    """What the access log and the metrics need of a matched route: its template."""

    __slots__ = ("path",)

    def __init__(self, path: str) -> None:
        self.path = path


_PLACE, _CAPTURE, _VOID = (
    _Route(_HOLDS),
    _Route(_HOLDS + "/{hold_id}/capture"),
    _Route(_HOLDS + "/{hold_id}/void"),
)


class MoneyPath:
    """ASGI middleware: answers the three money routes (see the module's docstring)."""

    def __init__(self, app: ASGIApp, money: Money, metrics: observability.Metrics) -> None:
        self.app = app
        self.money = money
        self.metrics = metrics

    def _match(self, scope: Scope) -> tuple[_Route, Call] | None:
        if scope["type"] != "http" or scope["method"] != "POST":
            return None
        path: str = scope["path"]
        if path == _HOLDS:
            return _PLACE, self.money.place
        if not path.startswith(_HOLDS + "/"):
            return None
        hold_id, _, action = path[len(_HOLDS) + 1 :].partition("/")
        if action not in ("capture", "void") or ID_PATTERN.fullmatch(hold_id) is None:
            return None
        capture = action == "capture"
        route, call = (_CAPTURE, self.money.capture) if capture else (_VOID, self.money.void)

        async def with_id(request: Request, body: Any) -> idempotency.Outcome:
            return await call(request, body, hold_id)

        return route, with_id

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        matched = self._match(scope)
        if matched is None:
            await self.app(scope, receive, send)
            return
        route, call = matched
        started = time.perf_counter()
        scope["route"] = route
        scope[MAX_BODY_SIZE_SCOPE_KEY] = LIMIT
        request = Request(scope)
        replayed = False
        try:
            raw = await _body(request, receive)
            if raw is None:
                return  # the client went away: nobody to answer
            outcome = await call(request, parse_body(raw, request.headers.get("content-type")))
            status, payload, extra = outcome.status, outcome.payload, {}
            replayed = outcome.replayed
        except _TooLarge:
            status, payload, extra = 413, bodies.too_large(LIMIT), error_answers.CLOSE
        except Exception as exc:  # noqa: BLE001 - answered as FastAPI's handlers answer it
            status, payload, more = error_answers.answer(exc, scope, self.metrics)
            extra = more or {}
        content = encode(payload)
        headers = [(k.lower().encode("latin-1"), v.encode("latin-1")) for k, v in extra.items()]
        if replayed:
            headers.append(_REPLAYED)
        headers += [(b"content-length", str(len(content)).encode()), _JSON]
        await send({"type": "http.response.start", "status": status, "headers": headers})
        # Before the last byte leaves: a client that has its answer finds it counted.
        seconds = time.perf_counter() - started
        line = observability.access_line(scope, status, seconds, replayed)
        self.metrics.observe(line, seconds)
        observability.log_access(line)
        await send({"type": "http.response.body", "body": content})


async def _body(request: Request, receive: Receive) -> bytes | None:
    """The whole body, or None if the client disconnected; `_TooLarge` over LIMIT, declared
    (before a byte is read) or sent."""
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > LIMIT:
        raise _TooLarge()
    chunks: list[bytes] = []
    size = 0
    while True:
        message = await receive()
        if message["type"] == "http.disconnect":
            return None
        chunk = message.get("body", b"")
        size += len(chunk)
        if size > LIMIT:
            raise _TooLarge()
        chunks.append(chunk)
        if not message.get("more_body", False):
            return b"".join(chunks)

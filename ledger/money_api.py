"""The three money calls (place, capture, void a hold) on a lean path: they run on every
redemption.

FastAPI's dependency solving, body validation and response encoding were ~40 % of the server's
CPU (bench/README.md). Here the body is read and checked as FastAPI would (same 422 messages,
same order of errors: malformed JSON, then 401, then 400, then the body's fields) and the
answer is encoded once. On SQLite the kiosk look-up, the Idempotency-Key's record and the
effect run together inside the group-commit writer's batch, awaited with no thread between;
elsewhere on one worker thread. ledger.money_path serves these calls ahead of the ASGI
middleware chain; the routes of `Money.router()` keep them in the OpenAPI document
(`openapi_extra`, `BODY_SCHEMAS`).
"""

import asyncio
import contextvars
import email.message
import json
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timedelta
from functools import partial
from typing import Any

from fastapi import APIRouter, Request
from fastapi.exceptions import RequestValidationError
from pydantic import BaseModel, ConfigDict, Field, TypeAdapter, ValidationError
from sqlalchemy import Connection, Engine
from starlette.responses import Response

from ledger import bodies, book, idempotency, kiosks, lots, sessions
from ledger.errors import BadRequest, IdempotencyKeyRequired, RequestInProgress
from ledger.group_commit import GroupWriter, Writer
from ledger.limits import Locker, Price, Text


class HoldRequest(BaseModel):
    # Bounds in ledger.limits: no NUL in text, whole coins only, a BOARD:LOCK locker.
    session: Text = Field(min_length=1, max_length=100)
    sku: Text = Field(min_length=1, max_length=64)
    locker: Locker  # kept and returned as the kiosk sent it
    price: Price


class VoidRequest(BaseModel):
    reason: Text | None = Field(default=None, max_length=500)


_HOLD_BODY: TypeAdapter[HoldRequest] = TypeAdapter(HoldRequest)
_VOID_BODY: TypeAdapter[VoidRequest | None] = TypeAdapter(VoidRequest | None)


class CaptureRequest(BaseModel):
    """Optional: the donated lot (ledger.lots) the captured unit came from."""

    model_config = ConfigDict(extra="forbid")
    lot: Text | None = Field(default=None, max_length=40)


_CAPTURE_BODY: TypeAdapter[CaptureRequest | None] = TypeAdapter(CaptureRequest | None)

_REF = "#/components/schemas/{model}"
# Component schemas of the bodies, for the served document (see `install_schemas`).
BODY_SCHEMAS = {
    "HoldRequest": HoldRequest.model_json_schema(ref_template=_REF),
    "VoidRequest": VoidRequest.model_json_schema(ref_template=_REF),
    "CaptureRequest": CaptureRequest.model_json_schema(ref_template=_REF),
}
_HOLD_DOC = {
    "requestBody": {
        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/HoldRequest"}}},
        "required": True,
    }
}
_VOID_DOC = {
    "requestBody": {
        "content": {
            "application/json": {
                "schema": {
                    "anyOf": [{"$ref": "#/components/schemas/VoidRequest"}, {"type": "null"}],
                    "title": "Body",
                }
            }
        }
    }
}


def _optional_body(model: str) -> dict[str, Any]:
    ref = {"$ref": f"#/components/schemas/{model}"}
    schema = {"anyOf": [ref, {"type": "null"}], "title": "Body"}
    return {"requestBody": {"content": {"application/json": {"schema": schema}}}}


_CAPTURE_DOC = _optional_body("CaptureRequest")
MISSING: Any = object()
# The money calls' one thread hop each where there is no group commit (PostgreSQL): a plain
# executor (its queue is the C SimpleQueue); anyio's hand-off was a tenth of the loop's time.
_POOL = ThreadPoolExecutor(max_workers=64, thread_name_prefix="ledger-money")


async def _off_loop(fn: Callable[..., idempotency.Outcome], *args: Any) -> idempotency.Outcome:
    """`fn(*args)` on the pool, in a copy of this task's context (as anyio's hop does)."""
    run = partial(contextvars.copy_context().run, fn, *args)
    return await asyncio.get_running_loop().run_in_executor(_POOL, run)


def install_schemas(doc: dict[str, Any]) -> dict[str, Any]:
    """`doc` with the money bodies' schemas among its components (the routes refer to them)."""
    doc.setdefault("components", {}).setdefault("schemas", {}).update(BODY_SCHEMAS)
    return doc


async def _read_body(request: Request) -> Any:
    """The body of `request` as `parse_body` takes it."""
    return parse_body(await request.body(), request.headers.get("content-type"))


def parse_body(raw: bytes, content_type: str | None) -> Any:
    """The body as FastAPI reads one: parsed JSON when sent as JSON, else the raw bytes;
    `MISSING` when empty. Malformed JSON is a 422 at once, as in FastAPI."""
    if not raw:
        return MISSING
    if content_type:
        is_json = content_type == "application/json"  # the kiosk's; others parsed as FastAPI
        if not is_json:
            message = email.message.Message()
            message["content-type"] = content_type
            subtype = message.get_content_subtype()
            is_json = message.get_content_maintype() == "application" and (
                subtype == "json" or subtype.endswith("+json")
            )
        if is_json:
            try:
                return bodies.loads(raw)
            except (ValueError, RecursionError) as e:  # also not UTF-8, lone surrogates, too deep
                error = {
                    "type": "json_invalid",
                    "loc": ("body", getattr(e, "pos", getattr(e, "start", 0))),
                    "msg": "JSON decode error",
                    "input": {},
                    "ctx": {"error": getattr(e, "msg", None) or str(e) or type(e).__name__},
                }
                raise RequestValidationError([error], body=raw) from e
    return raw


def _validate(adapter: TypeAdapter[Any], body: Any) -> Any:
    """The validated body, or the 422 of FastAPI's (fields named under `body`)."""
    if body is MISSING:
        if adapter is _VOID_BODY or adapter is _CAPTURE_BODY:
            return None
        raise RequestValidationError(
            [{"type": "missing", "loc": ("body",), "msg": "Field required", "input": None}]
        )
    try:
        return adapter.validate_python(body)
    except ValidationError as exc:
        errors = [{**err, "loc": ("body", *err["loc"])} for err in exc.errors()]
        raise RequestValidationError(errors, body=body) from None


def encode(payload: dict[str, Any]) -> bytes:
    """`payload` as JSONResponse renders it, without its per-call render machinery."""
    return json.dumps(payload, ensure_ascii=False, allow_nan=False, separators=(",", ":")).encode()


def _encode(outcome: idempotency.Outcome) -> Response:
    headers = {idempotency.REPLAYED_HEADER: "true"} if outcome.replayed else None
    return Response(encode(outcome.payload), outcome.status, headers, "application/json")


Outcome = idempotency.Outcome
# A call's own part: (what of the body identifies it, its effect in the writer's transaction).
Work = Callable[[str, Any], tuple[Any, Callable[[Connection], idempotency.Answer]]]


class Money:
    """The three money calls: each takes the request (its headers) and its parsed body
    (`parse_body`) and gives the call's outcome. Served by `router()` as FastAPI routes, and
    by ledger.money_path, which answers them without the ASGI middleware chain."""

    def __init__(
        self,
        engine: Engine,
        writer: Writer,
        clock: Callable[[], datetime],
        hold_ttl: timedelta,
    ) -> None:
        self.engine = engine
        self.writer = writer
        self.clock = clock
        self.hold_ttl = hold_ttl
        # (Authorization, Idempotency-Key) -> request hash of the calls in this process's
        # writer now (SQLite), so that a twin arriving meanwhile gets 409 at once.
        self._flight: dict[tuple[str, str], str] = {}

    def _caller(self, request: Request, conn: Connection | None = None) -> tuple[str, str, Any]:
        """(kiosk id, Idempotency-Key, the key's record): the kiosk look-up and the key's
        look in one read (in `conn`'s transaction if given); the kiosk's errors come first,
        as for every other route."""
        idem = request.headers.get("idempotency-key", "").strip()

        def find(key_hash: str) -> Any:
            if conn is not None:
                return idempotency.kiosk_and_record_in(conn, key_hash, idem)
            return idempotency.kiosk_and_record(self.engine, key_hash, idem)

        kiosk_id, record = kiosks.calling_kiosk(request, find)
        if not idem:
            raise IdempotencyKeyRequired()
        if len(idem) > 200:
            raise BadRequest("Idempotency-Key is longer than 200 characters")
        return kiosk_id, idem, record

    async def _call(
        self, request: Request, adapter: TypeAdapter[Any], body: Any, work: Work
    ) -> Outcome:
        """The call's outcome: on SQLite all of it inside the writer's batch (`_in_batch`),
        elsewhere on a worker thread (`_once`)."""
        if not isinstance(self.writer, GroupWriter):
            return await _off_loop(self._once, request, adapter, body, work)
        idem = request.headers.get("idempotency-key", "").strip()
        flight = (request.headers.get("authorization", ""), idem)
        running = self._flight.get(flight) if idem else None
        if running is not None:  # its kiosk was admitted with this very Authorization
            try:
                hashed, _ = work("", _validate(adapter, body))
            except RequestValidationError:
                pass  # the writer answers it, in the order of every call's checks
            else:
                if running != idempotency.request_hash(request.method, request.url.path, hashed):
                    raise idempotency.mismatch(idem)
                raise RequestInProgress()
        try:
            return await self.writer.run_async(
                lambda conn: self._in_batch(conn, request, adapter, body, work, flight)
            )
        finally:
            self._flight.pop(flight, None)

    def _in_batch(
        self,
        conn: Connection,
        request: Request,
        adapter: TypeAdapter[Any],
        body: Any,
        work: Work,
        flight: tuple[str, str],
    ) -> Outcome:
        """On the writer's thread, in its transaction: the caller's checks, the body's, then
        the effect once (the key's record read in the same transaction)."""
        kiosk_id, key, record = self._caller(request, conn)
        hashed, effect = work(kiosk_id, _validate(adapter, body))
        req_hash = idempotency.request_hash(request.method, request.url.path, hashed)
        self._flight[flight] = req_hash
        return idempotency.once_in_batch(conn, kiosk_id, key, req_hash, effect, record)

    def _once(self, request: Request, adapter: TypeAdapter[Any], body: Any, work: Work) -> Outcome:
        """On a worker thread: the caller's checks, the body's, then the effect once."""
        kiosk_id, key, record = self._caller(request)
        hashed, effect = work(kiosk_id, _validate(adapter, body))
        req_hash = idempotency.request_hash(request.method, request.url.path, hashed)
        return idempotency.run_once(self.writer, kiosk_id, key, req_hash, effect, record)

    def _settled(self, s: Connection, hold: book.HoldSnapshot) -> idempotency.Answer:
        balance = book.spendable_balance(s, hold.member_id, self.clock())
        return 200, {"hold": hold.id, "state": hold.state.value, "balance": balance}

    async def place(self, request: Request, body: Any) -> Outcome:
        """POST /v1/holds: hold the price of one item for the session's member."""

        def work(kiosk_id: str, body: HoldRequest) -> tuple[Any, Any]:
            def effect(s: Connection) -> idempotency.Answer:
                now = self.clock()
                member_id = sessions.live_member(s, body.session, kiosk_id, now)
                hold = book.place_hold(
                    s,
                    member_id=member_id,
                    kiosk_id=kiosk_id,
                    sku=body.sku,
                    locker=body.locker,
                    price=body.price,
                    ttl=self.hold_ttl,
                    now=now,
                )
                return 201, {
                    "hold": hold.id,
                    "state": hold.state.value,
                    "balance": hold.balance,
                    "expires_at": hold.expires_at.isoformat(),
                }

            return body.model_dump(mode="json"), effect

        return await self._call(request, _HOLD_BODY, body, work)

    async def capture(self, request: Request, body: Any, hold_id: str) -> Outcome:
        """POST /v1/holds/{hold_id}/capture: the item was taken, the coins are spent."""

        def work(kiosk_id: str, body: CaptureRequest | None) -> tuple[Any, Any]:
            lot = body.lot if body else None

            def effect(s: Connection) -> idempotency.Answer:
                now = self.clock()
                hold = book.capture_hold(s, hold_id, kiosk_id, now)
                if lot is not None:  # the extra work only for a lotted unit
                    lots.record_handout(s, lot, hold_id, kiosk_id, now)
                return self._settled(s, hold)

            return ({"lot": lot} if lot is not None else {}), effect

        return await self._call(request, _CAPTURE_BODY, body, work)

    async def void(self, request: Request, body: Any, hold_id: str) -> Outcome:
        """POST /v1/holds/{hold_id}/void: nothing was handed out, the coins are free again."""

        def work(kiosk_id: str, body: VoidRequest | None) -> tuple[Any, Any]:
            reason = body.reason if body else None

            def effect(s: Connection) -> idempotency.Answer:
                return self._settled(s, book.void_hold(s, hold_id, kiosk_id, reason, self.clock()))

            return {"reason": reason}, effect

        return await self._call(request, _VOID_BODY, body, work)

    def router(self) -> APIRouter:
        """POST /v1/holds, /v1/holds/{hold_id}/capture and /v1/holds/{hold_id}/void."""
        api = APIRouter(route_class=bodies.CheckedBodyRoute)

        @api.post("/v1/holds", status_code=201, openapi_extra=_HOLD_DOC)
        async def place_hold(request: Request) -> Any:
            return _encode(await self.place(request, await _read_body(request)))

        @api.post("/v1/holds/{hold_id}/capture", openapi_extra=_CAPTURE_DOC)
        async def capture(hold_id: str, request: Request) -> Any:
            return _encode(await self.capture(request, await _read_body(request), hold_id))

        @api.post("/v1/holds/{hold_id}/void", openapi_extra=_VOID_DOC)
        async def void(hold_id: str, request: Request) -> Any:
            return _encode(await self.void(request, await _read_body(request), hold_id))

        return api

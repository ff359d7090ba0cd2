"""The three money routes (place, capture, void a hold) on a lean path: they run on every
redemption, so each is one `async def` that parses its body itself and makes ONE thread hop.

FastAPI's dependency solving, body validation and response encoding were ~40 % of the server's
CPU (bench/README.md). Here the body is read and checked as FastAPI would (same 422 messages,
same order of errors: malformed JSON, then 401, then 400, then the body's fields), the kiosk
look-up and the Idempotency-Key's work run together on one worker thread, and the answer is
encoded once. The OpenAPI document still shows the bodies (`openapi_extra`, `BODY_SCHEMAS`).
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
from ledger.errors import BadRequest, IdempotencyKeyRequired
from ledger.group_commit import Writer
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
_MISSING: Any = object()
# The money calls' one thread hop each: a plain executor (its queue is the C SimpleQueue);
# anyio's worker hand-off (a Condition per put) was a tenth of the event loop's time.
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
    """The body as FastAPI reads one: parsed JSON when sent as JSON, else the raw bytes;
    `_MISSING` when empty. Malformed JSON is a 422 at once, as in FastAPI."""
    raw = await request.body()
    if not raw:
        return _MISSING
    content_type = request.headers.get("content-type")
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
    if body is _MISSING:
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


def _encode(outcome: idempotency.Outcome) -> Response:
    # As JSONResponse renders, without its per-call render machinery.
    content = json.dumps(
        outcome.payload, ensure_ascii=False, allow_nan=False, separators=(",", ":")
    ).encode()
    headers = {idempotency.REPLAYED_HEADER: "true"} if outcome.replayed else None
    return Response(content, outcome.status, headers, "application/json")


def router(
    engine: Engine,
    writer: Writer,
    clock: Callable[[], datetime],
    hold_ttl: timedelta,
) -> APIRouter:
    """POST /v1/holds, /v1/holds/{hold_id}/capture and /v1/holds/{hold_id}/void."""
    api = APIRouter(route_class=bodies.CheckedBodyRoute)

    def money_call(request: Request) -> tuple[str, str, Any]:
        """(kiosk id, Idempotency-Key, the key's record): the kiosk look-up and the key's
        look in one read; the kiosk's errors come first, as for every other route."""
        idem = request.headers.get("idempotency-key", "").strip()
        kiosk_id, record = kiosks.calling_kiosk(
            request, lambda key_hash: idempotency.kiosk_and_record(engine, key_hash, idem)
        )
        if not idem:
            raise IdempotencyKeyRequired()
        if len(idem) > 200:
            raise BadRequest("Idempotency-Key is longer than 200 characters")
        return kiosk_id, idem, record

    def once(
        request: Request,
        adapter: TypeAdapter[Any] | None,
        body: Any,
        work: Callable[[str, Any], tuple[Any, Callable[[Connection], idempotency.Answer]]],
    ) -> idempotency.Outcome:
        """Runs on the worker thread: the caller's checks, the body's, then the effect once."""
        kiosk_id, key, record = money_call(request)
        parsed = _validate(adapter, body) if adapter is not None else None
        hashed, effect = work(kiosk_id, parsed)
        req_hash = idempotency.request_hash(request.method, request.url.path, hashed)
        return idempotency.run_once(writer, kiosk_id, key, req_hash, effect, record)

    def settled(s: Connection, hold: book.HoldSnapshot) -> idempotency.Answer:
        balance = book.spendable_balance(s, hold.member_id, clock())
        return 200, {"hold": hold.id, "state": hold.state.value, "balance": balance}

    @api.post("/v1/holds", status_code=201, openapi_extra=_HOLD_DOC)
    async def place_hold(request: Request) -> Any:
        def work(kiosk_id: str, body: HoldRequest) -> tuple[Any, Any]:
            def effect(s: Connection) -> idempotency.Answer:
                now = clock()
                member_id = sessions.live_member(s, body.session, kiosk_id, now)
                hold = book.place_hold(
                    s,
                    member_id=member_id,
                    kiosk_id=kiosk_id,
                    sku=body.sku,
                    locker=body.locker,
                    price=body.price,
                    ttl=hold_ttl,
                    now=now,
                )
                return 201, {
                    "hold": hold.id,
                    "state": hold.state.value,
                    "balance": hold.balance,
                    "expires_at": hold.expires_at.isoformat(),
                }

            return body.model_dump(mode="json"), effect

        body = await _read_body(request)
        return _encode(await _off_loop(once, request, _HOLD_BODY, body, work))

    @api.post("/v1/holds/{hold_id}/capture", openapi_extra=_CAPTURE_DOC)
    async def capture(hold_id: str, request: Request) -> Any:
        def work(kiosk_id: str, body: CaptureRequest | None) -> tuple[Any, Any]:
            lot = body.lot if body else None

            def effect(s: Connection) -> idempotency.Answer:
                now = clock()
                hold = book.capture_hold(s, hold_id, kiosk_id, now)
                if lot is not None:  # the extra work only for a lotted unit
                    lots.record_handout(s, lot, hold_id, kiosk_id, now)
                return settled(s, hold)

            return ({"lot": lot} if lot is not None else {}), effect

        body = await _read_body(request)
        return _encode(await _off_loop(once, request, _CAPTURE_BODY, body, work))

    @api.post("/v1/holds/{hold_id}/void", openapi_extra=_VOID_DOC)
    async def void(hold_id: str, request: Request) -> Any:
        def work(kiosk_id: str, body: VoidRequest | None) -> tuple[Any, Any]:
            reason = body.reason if body else None

            def effect(s: Connection) -> idempotency.Answer:
                return settled(s, book.void_hold(s, hold_id, kiosk_id, reason, clock()))

            return {"reason": reason}, effect

        body = await _read_body(request)
        return _encode(await _off_loop(once, request, _VOID_BODY, body, work))

    return api

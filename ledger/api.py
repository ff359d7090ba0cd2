"""The ledger's HTTP API (contract v1: docs/protocols.md, "Ledger HTTP contract") as a FastAPI
app factory.

Endpoints are plain `def`s: FastAPI runs them on its thread pool, and each one is a single
database transaction. The money routes, which run on every redemption, are in ledger.money_api.
"""

import logging
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from datetime import datetime, timedelta
from typing import Annotated, Any

from fastapi import Depends, FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from pydantic import BaseModel, Field
from sqlalchemy import text
from sqlalchemy.exc import DataError, OperationalError
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.middleware.body_limit import MAX_BODY_SIZE_SCOPE_KEY

from ledger import (
    bodies,
    book,
    catalog,
    counting,
    events,
    expiry,
    group_commit,
    kiosks,
    lots_api,
    money_api,
    observability,
    openapi,
    pairing_api,
    pairing_web,
    rate_limits,
    reservations,
    reservations_api,
    sessions,
    signin,
)
from ledger.db import Hold, Kiosk, create_schema, make_engine, session_factory, utcnow
from ledger.errors import ApiError, BadRequest
from ledger.limits import Text
from ledger.web.layer import install as install_web

log = logging.getLogger(__name__)

CLOSE = {"Connection": "close"}  # after a refused body: the rest of it must not be read


class SessionRequest(BaseModel):
    code: Text = Field(min_length=1, max_length=500)
    pin: Text | None = Field(default=None, max_length=32)


def iso(moment: datetime) -> str:
    return moment.isoformat()


def hold_json(hold: Hold) -> dict[str, Any]:
    return {
        "hold": hold.id,
        "state": hold.state.value,
        "member": hold.member_id,
        "sku": hold.sku,
        "price": hold.price,
        "locker": hold.locker,
        "created_at": iso(hold.created_at),
        "expires_at": iso(hold.expires_at),
        "awaiting_count": hold.awaiting_count_since is not None,
    }


def _validation_message(exc: RequestValidationError) -> str:
    parts = []
    for err in exc.errors():
        if err.get("type") == "json_invalid":  # loc is (body, char): say what the parser said
            pos = err["loc"][-1] if err.get("loc") else 0
            at = f" at char {pos}" if isinstance(pos, int) and pos > 0 else ""
            parts.append(f"body: JSON decode error{at}: {err.get('ctx', {}).get('error', '')}")
            continue
        where = ".".join(str(p) for p in err.get("loc", ()) if p != "body") or "body"
        # Our own validators' messages (ledger.limits) read plainly, without pydantic's prefix.
        message = str(err.get("msg", "invalid")).removeprefix("Value error, ")
        parts.append(f"{where}: {message}")
    return "; ".join(parts) or "malformed request"


def _install_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(ApiError)
    def _api_error(request: Request, exc: ApiError) -> JSONResponse:
        request.state.error_code = exc.code  # for the access log and metrics
        return JSONResponse(exc.to_json(), status_code=exc.status, headers=exc.headers)

    @app.exception_handler(RequestValidationError)
    def _bad_body(_request: Request, exc: RequestValidationError) -> JSONResponse:
        return JSONResponse(BadRequest(_validation_message(exc)).to_json(), status_code=422)

    @app.exception_handler(StarletteHTTPException)
    def _http_error(_request: Request, exc: StarletteHTTPException) -> JSONResponse:
        if exc.status_code == 400:  # FastAPI could not parse the body (not UTF-8, too deep)
            body = BadRequest(f"body: {exc.detail}").to_json()
            return JSONResponse(body, status_code=BadRequest.status)
        codes = {404: "not_found", 405: "method_not_allowed", 413: "too_large"}
        if exc.status_code == 413:  # over the route's limit (ledger.bodies), seen while reading
            limit = _request.scope.get(MAX_BODY_SIZE_SCOPE_KEY)
            return JSONResponse(bodies.too_large(limit), status_code=413, headers=CLOSE)
        body = {"error": codes.get(exc.status_code, "http_error"), "message": str(exc.detail)}
        return JSONResponse(body, status_code=exc.status_code)

    @app.exception_handler(OperationalError)
    def _db_down(_request: Request, exc: OperationalError) -> JSONResponse:
        log.warning("database unavailable: %s", exc)
        body = {"error": "unavailable", "message": "the ledger database is unavailable"}
        return JSONResponse(body, status_code=503)

    @app.exception_handler(DataError)
    def _value_refused(request: Request, exc: DataError) -> JSONResponse:
        # The database refused a value of this request (out of range, a byte it cannot store):
        # input the checks of ledger.limits missed. Repeating it cannot succeed, so a 422 (a
        # kiosk stops retrying it), not a 500; logged once per kind, it is still a bug to fix.
        request.app.state.metrics.unexpected_error(exc, "value refused by the database:")
        request.state.error_code = BadRequest.code
        body = BadRequest("a value in this request is outside what the ledger stores").to_json()
        return JSONResponse(body, status_code=BadRequest.status)

    @app.exception_handler(Exception)
    def _internal(request: Request, exc: Exception) -> JSONResponse:
        request.app.state.metrics.unexpected_error(exc)
        request.state.error_code = "internal"
        return JSONResponse({"error": "internal", "message": "internal error"}, status_code=500)


def create_app(
    db_url: str,
    hold_ttl_seconds: int = expiry.DEFAULT_HOLD_TTL_S,
    clock: Callable[[], datetime] = utcnow,
    sweep_interval: float = expiry.DEFAULT_SWEEP_INTERVAL_S,
    public_url: str | None = None,
    reservation_ttl_seconds: int = reservations.DEFAULT_TTL_S,
) -> FastAPI:
    """The ledger app on the database at `db_url` (schema created if missing).

    `clock` is the ledger's idea of now (tests move it instead of sleeping); stale holds are
    swept every `sweep_interval` seconds while the app runs (its lifespan).
    """
    engine = make_engine(db_url)
    create_schema(engine)
    db = session_factory(engine)
    # Reads that must not wait behind a writer on SQLite (kiosk look-up; see ledger.db).
    read_db = session_factory(engine.execution_options(ledger_read_only=True))
    with db() as s, s.begin():
        book.ensure_system_accounts(s)
    hold_ttl = timedelta(seconds=hold_ttl_seconds)
    # On the ledger's clock, so tests move it instead of sleeping a bucket full.
    limits = rate_limits.Limits(lambda: clock().timestamp())

    sweeper = expiry.HoldSweeper(db, sweep_interval, clock)
    # The money calls' writes: batched into one commit per batch on SQLite (group commit).
    writer = group_commit.writer_for(db)

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        sweeper.start()
        try:
            yield
        finally:
            sweeper.stop()
            writer.close()

    app = FastAPI(title="timebank ledger", version="1", lifespan=lifespan)
    app.router.route_class = bodies.CheckedBodyRoute  # no lone surrogates in JSON bodies
    # Each route's body limit (ledger.bodies), refused before it is read; on the router, not
    # the app, so that its 413 passes through TooLargeAsJson.
    app.router.max_body_size = bodies.DEFAULT_BODY_MAX
    app.add_middleware(bodies.TooLargeAsJson)
    app.state.engine = engine
    app.state.sweeper = sweeper
    app.state.writer = writer
    app.state.limits = limits
    _install_error_handlers(app)

    def current_kiosk(request: Request) -> Kiosk:
        def find(key_hash: str) -> tuple[str, datetime | None, Kiosk] | None:
            with read_db() as s, s.begin():
                return kiosks.kiosk_by_key_hash(s, key_hash)

        return kiosks.calling_kiosk(request, find)[1]

    KioskDep = Annotated[Kiosk, Depends(current_kiosk)]

    @app.get("/v1/health")
    def health() -> JSONResponse:
        with engine.connect() as conn:
            conn.execute(text("SELECT 1"))
        return JSONResponse({"status": "ok", "time": iso(utcnow())})

    @app.post("/v1/sessions", status_code=201)
    def open_session(body: SessionRequest, kiosk: KioskDep, request: Request) -> JSONResponse:
        address = rate_limits.client_address(request.client)
        limits.check_signin(address)
        guessed = limits.wrong_guess(address)
        payload = signin.sign_in(db, kiosk.id, body.code, body.pin, clock(), guessed)
        return JSONResponse(payload, status_code=201)

    @app.delete("/v1/sessions/{session_id}", status_code=204)
    def end_session(session_id: str, kiosk: KioskDep) -> Response:
        with db() as s, s.begin():
            sessions.end_session(s, session_id, kiosk.id)
        return Response(status_code=204)

    @app.get("/v1/catalog")
    def get_catalog(kiosk: KioskDep) -> JSONResponse:
        with db() as s, s.begin():
            return JSONResponse({"items": catalog.list_items(s)})

    app.include_router(money_api.router(engine, writer, clock, hold_ttl))

    app.include_router(counting.router(db, clock, current_kiosk, hold_json))
    app.include_router(reservations_api.router(db, clock, current_kiosk, hold_ttl))
    app.include_router(lots_api.router(db, clock, current_kiosk))
    # How long a reserved item waits at its kiosk (the phone's reservation pages).
    app.state.reservation_ttl = timedelta(seconds=reservation_ttl_seconds)

    @app.get("/v1/holds/{hold_id}")
    def get_hold(hold_id: str, kiosk: KioskDep) -> JSONResponse:
        with db() as s, s.begin():
            return JSONResponse(hold_json(book.get_hold(s, hold_id, kiosk.id, clock())))

    app.include_router(events.router(db, current_kiosk, limits))
    # public_url: how members' phones reach this ledger (pairing page links); else as called.
    app.include_router(pairing_api.router(db, clock, current_kiosk, public_url))
    app.state.public_url = public_url  # the console's phone enrolment links too
    install_web(app, db, clock)  # the staff console and the pages' shared layer (ledger.web)
    app.include_router(pairing_web.router(db, clock, limits))
    observability.install(app, engine)
    openapi.install(app)
    contract = app.openapi
    app.openapi = lambda: money_api.install_schemas(contract())  # type: ignore[method-assign]

    return app

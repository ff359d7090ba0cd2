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
from fastapi.responses import JSONResponse, Response
from pydantic import BaseModel, Field
from sqlalchemy import text

from ledger import (
    bodies,
    book,
    catalog,
    counting,
    error_answers,
    events,
    expiry,
    group_commit,
    kiosks,
    lots_api,
    money_api,
    money_path,
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
from ledger.limits import Text
from ledger.web.layer import install as install_web

log = logging.getLogger(__name__)


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


def _install_error_handlers(app: FastAPI) -> None:
    """Every error answered as the contract says (ledger.error_answers)."""

    def handle(request: Request, exc: Exception) -> JSONResponse:
        status, body, headers = error_answers.answer(exc, request.scope, request.app.state.metrics)
        return JSONResponse(body, status_code=status, headers=headers)

    for kind in error_answers.HANDLED:
        app.add_exception_handler(kind, handle)


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

    money = money_api.Money(engine, writer, clock, hold_ttl)
    app.include_router(money.router())

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
    metrics = observability.install(app, engine)
    # Outermost of the app's own middleware: the money routes skip the rest of the chain.
    app.add_middleware(money_path.MoneyPath, money=money, metrics=metrics)
    openapi.install(app)
    contract = app.openapi
    app.openapi = lambda: money_api.install_schemas(contract())  # type: ignore[method-assign]

    return app

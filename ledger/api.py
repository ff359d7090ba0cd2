"""The ledger's HTTP API (contract v1 in DESIGN.md) as a FastAPI app factory.

Endpoints are plain `def`s: FastAPI runs them on its thread pool, and each one is a single
database transaction.
"""

import logging
from datetime import datetime, timedelta
from typing import Annotated, Any

from fastapi import Body, Depends, FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from pydantic import BaseModel, Field, StrictInt, StrictStr
from sqlalchemy import text
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session
from starlette.exceptions import HTTPException as StarletteHTTPException

from ledger import book, catalog, idempotency, kiosks, sessions, totp
from ledger.db import Hold, Kiosk, create_schema, make_engine, session_factory, utcnow
from ledger.errors import ApiError, BadRequest, IdempotencyKeyRequired

log = logging.getLogger(__name__)

MAX_EVENTS_PER_CALL = 1000


class SessionRequest(BaseModel):
    code: str = Field(min_length=1, max_length=500)
    pin: str | None = Field(default=None, max_length=32)


class HoldRequest(BaseModel):
    session: str = Field(min_length=1, max_length=100)
    sku: str = Field(min_length=1, max_length=64)
    locker: StrictStr | StrictInt  # kept and returned as the kiosk sent it
    price: int = Field(ge=0)


class VoidRequest(BaseModel):
    reason: str | None = Field(default=None, max_length=500)


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
    }


def _validation_message(exc: RequestValidationError) -> str:
    parts = []
    for err in exc.errors():
        where = ".".join(str(p) for p in err.get("loc", ()) if p != "body") or "body"
        parts.append(f"{where}: {err.get('msg', 'invalid')}")
    return "; ".join(parts) or "malformed request"


def _install_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(ApiError)
    def _api_error(_request: Request, exc: ApiError) -> JSONResponse:
        return JSONResponse(exc.to_json(), status_code=exc.status)

    @app.exception_handler(RequestValidationError)
    def _bad_body(_request: Request, exc: RequestValidationError) -> JSONResponse:
        return JSONResponse(BadRequest(_validation_message(exc)).to_json(), status_code=422)

    @app.exception_handler(StarletteHTTPException)
    def _http_error(_request: Request, exc: StarletteHTTPException) -> JSONResponse:
        codes = {404: "not_found", 405: "method_not_allowed"}
        body = {"error": codes.get(exc.status_code, "http_error"), "message": str(exc.detail)}
        return JSONResponse(body, status_code=exc.status_code)

    @app.exception_handler(OperationalError)
    def _db_down(_request: Request, exc: OperationalError) -> JSONResponse:
        log.warning("database unavailable: %s", exc)
        body = {"error": "unavailable", "message": "the ledger database is unavailable"}
        return JSONResponse(body, status_code=503)

    @app.exception_handler(Exception)
    def _internal(_request: Request, exc: Exception) -> JSONResponse:
        log.exception("unexpected error", exc_info=exc)
        return JSONResponse({"error": "internal", "message": "internal error"}, status_code=500)


def create_app(db_url: str, hold_ttl_seconds: int = 86400) -> FastAPI:
    """The ledger app on the database at `db_url` (schema created if missing)."""
    engine = make_engine(db_url)
    create_schema(engine)
    db = session_factory(engine)
    with db() as s, s.begin():
        book.ensure_system_accounts(s)
    hold_ttl = timedelta(seconds=hold_ttl_seconds)

    app = FastAPI(title="timebank ledger", version="1")
    app.state.engine = engine
    _install_error_handlers(app)

    def current_kiosk(request: Request) -> Kiosk:
        scheme, _, key = request.headers.get("authorization", "").partition(" ")
        with db() as s, s.begin():
            return kiosks.kiosk_by_key(s, key.strip() if scheme.lower() == "bearer" else None)

    def idempotency_key(request: Request) -> str:
        key = request.headers.get("idempotency-key", "").strip()
        if not key:
            raise IdempotencyKeyRequired()
        if len(key) > 200:
            raise BadRequest("Idempotency-Key is longer than 200 characters")
        return key

    KioskDep = Annotated[Kiosk, Depends(current_kiosk)]
    KeyDep = Annotated[str, Depends(idempotency_key)]

    def once(kiosk: Kiosk, key: str, request: Request, body: Any, effect: Any) -> JSONResponse:
        req_hash = idempotency.request_hash(request.method, request.url.path, body)
        status, payload = idempotency.run_once(db, kiosk.id, key, req_hash, effect)
        return JSONResponse(payload, status_code=status)

    @app.get("/v1/health")
    def health() -> JSONResponse:
        with engine.connect() as conn:
            conn.execute(text("SELECT 1"))
        return JSONResponse({"status": "ok", "time": iso(utcnow())})

    @app.post("/v1/sessions", status_code=201)
    def open_session(body: SessionRequest, kiosk: KioskDep) -> JSONResponse:
        with db() as s, s.begin():
            member = totp.accept_phone_code(s, body.code)
            session = sessions.open_session(s, kiosk.id, member.id)
            payload = {
                "session": session.id,
                "member": {"id": member.id, "name": member.name, "role": member.role.value},
                "balance": book.spendable_balance(s, member.id),
                "expires_at": iso(session.expires_at),
            }
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

    @app.post("/v1/holds", status_code=201)
    def place_hold(body: HoldRequest, kiosk: KioskDep, key: KeyDep, request: Request) -> Any:
        def effect(s: Session) -> idempotency.Answer:
            session = sessions.live_session(s, body.session, kiosk.id)
            hold = book.place_hold(
                s,
                member_id=session.member_id,
                kiosk_id=kiosk.id,
                sku=body.sku,
                locker=body.locker,
                price=body.price,
                ttl=hold_ttl,
            )
            return 201, {
                "hold": hold.id,
                "state": hold.state.value,
                "balance": book.spendable_balance(s, session.member_id),
                "expires_at": iso(hold.expires_at),
            }

        return once(kiosk, key, request, body.model_dump(mode="json"), effect)

    def settled(s: Session, hold: Hold) -> idempotency.Answer:
        balance = book.spendable_balance(s, hold.member_id)
        return 200, {"hold": hold.id, "state": hold.state.value, "balance": balance}

    @app.post("/v1/holds/{hold_id}/capture")
    def capture(hold_id: str, kiosk: KioskDep, key: KeyDep, request: Request) -> Any:
        def effect(s: Session) -> idempotency.Answer:
            return settled(s, book.capture_hold(s, hold_id, kiosk.id))

        return once(kiosk, key, request, {}, effect)

    @app.post("/v1/holds/{hold_id}/void")
    def void(
        hold_id: str,
        kiosk: KioskDep,
        key: KeyDep,
        request: Request,
        body: Annotated[VoidRequest | None, Body()] = None,
    ) -> Any:
        reason = body.reason if body else None

        def effect(s: Session) -> idempotency.Answer:
            return settled(s, book.void_hold(s, hold_id, kiosk.id, reason))

        return once(kiosk, key, request, {"reason": reason}, effect)

    @app.get("/v1/holds/{hold_id}")
    def get_hold(hold_id: str, kiosk: KioskDep) -> JSONResponse:
        with db() as s, s.begin():
            return JSONResponse(hold_json(book.get_hold(s, hold_id, kiosk.id)))

    @app.post("/v1/kiosks/me/events", status_code=201)
    def post_events(
        kiosk: KioskDep, body: Annotated[dict[str, Any] | list[dict[str, Any]], Body()]
    ) -> JSONResponse:
        events = body if isinstance(body, list) else [body]
        if len(events) > MAX_EVENTS_PER_CALL:
            raise BadRequest(f"at most {MAX_EVENTS_PER_CALL} events per call")
        with db() as s, s.begin():
            stored = kiosks.record_events(s, kiosk.id, events)
        return JSONResponse({"stored": stored}, status_code=201)

    return app

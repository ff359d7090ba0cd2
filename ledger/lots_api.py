"""The kiosk's side of donated goods (ledger.lots) on the HTTP contract:

    GET  /v1/kiosks/me/lots/{code}            the lot for the restock page (404 unknown_lot)
    POST /v1/kiosks/me/lots/{code}/restock    {"locker", "count"}  (409 lot_expired)

The POST takes an Idempotency-Key (a repeat gets the first answer), as the money routes do.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Header, Request
from fastapi.responses import JSONResponse
from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy.orm import Session, sessionmaker

from ledger import bodies, idempotency, lots, settings
from ledger import openapi as openapi_words
from ledger.db import Kiosk
from ledger.errors import IdempotencyKeyRequired
from ledger.limits import Locker
from ledger.lot_tables import MAX_LOT_QTY

IdemKey = Annotated[str | None, Header(max_length=200)]
CodePath = Annotated[str, Field(max_length=40)]


class RestockRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")
    locker: Locker
    count: int = Field(ge=0, le=MAX_LOT_QTY, strict=True)


def router(
    db: sessionmaker[Session],
    clock: Callable[[], datetime],
    current_kiosk: Callable[[Request], Kiosk],
) -> APIRouter:
    api = APIRouter(route_class=bodies.CheckedBodyRoute)

    @api.get("/v1/kiosks/me/lots/{code}", summary="a donated lot, for the restock page")
    def lot(code: str, request: Request) -> JSONResponse:
        kiosk = current_kiosk(request)
        with db() as s, s.begin():
            return JSONResponse(lots.kiosk_view(s, code[:40], kiosk.id))

    @api.post(
        "/v1/kiosks/me/lots/{code}/restock",
        summary="units of the lot now in a locker (inside the kiosk)",
    )
    def restock(
        code: str, body: RestockRequest, request: Request, idempotency_key: IdemKey = None
    ) -> JSONResponse:
        kiosk = current_kiosk(request)
        if not idempotency_key or not idempotency_key.strip():
            raise IdempotencyKeyRequired()

        def effect(s: Session) -> idempotency.Answer:
            now = clock()
            today = settings.load(s).local(now).date()
            return 200, lots.restock(s, code[:40], kiosk.id, body.locker, body.count, today, now)

        req_hash = idempotency.request_hash("POST", request.url.path, body.model_dump(mode="json"))
        outcome = idempotency.run_once(db, kiosk.id, idempotency_key.strip(), req_hash, effect)
        headers = {idempotency.REPLAYED_HEADER: "true"} if outcome.replayed else None
        return JSONResponse(outcome.payload, status_code=outcome.status, headers=headers)

    return api


ERRORS: dict[tuple[str, str], dict[int, str]] = {
    ("get", "/v1/kiosks/me/lots/{code}"): {**openapi_words.AUTH, 404: "unknown_lot"},
    ("post", "/v1/kiosks/me/lots/{code}/restock"): {
        **openapi_words.AUTH,
        **openapi_words.BODY,
        **openapi_words.IDEMPOTENT,
        404: "unknown_lot",
        409: "lot_expired (past best-before minus withdraw_days, office time) · "
        "request_in_progress",
    },
}

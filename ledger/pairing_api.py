"""The kiosk's side of pairing: POST /v1/pairings makes one, GET /v1/pairings/{id} polls it."""

from collections.abc import Callable
from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Depends, Request
from fastapi.responses import JSONResponse
from sqlalchemy.orm import Session, sessionmaker

from ledger import bodies, pairing
from ledger.db import Kiosk
from ledger.errors import ApiError


def page_url(request: Request, public_url: str | None, pairing_id: str) -> str:
    """The absolute URL of the member's page; `public_url` is how phones reach the ledger."""
    base = public_url.rstrip("/") + "/" if public_url else str(request.base_url)
    return f"{base}pair/{pairing_id}"


def router(
    db: sessionmaker[Session],
    clock: Callable[[], datetime],
    current_kiosk: Callable[..., Kiosk],
    public_url: str | None = None,
) -> APIRouter:
    api = APIRouter(route_class=bodies.CheckedBodyRoute)
    KioskDep = Annotated[Kiosk, Depends(current_kiosk)]

    @api.post("/v1/pairings", status_code=201)
    def create_pairing(kiosk: KioskDep, request: Request) -> JSONResponse:
        now = clock()
        with db() as s, s.begin():
            made = pairing.create(s, kiosk.id, now)
            payload = {
                "pairing": made.id,
                "url": page_url(request, public_url, made.id),
                "expires_in": int((made.expires_at - now).total_seconds()),
                "interval": made.interval,
            }
        return JSONResponse(payload, status_code=201)

    @api.get("/v1/pairings/{pairing_id}")
    def poll_pairing(pairing_id: str, kiosk: KioskDep) -> JSONResponse:
        with db() as s, s.begin():
            answer = pairing.poll(s, pairing_id, kiosk.id, clock())
        if isinstance(answer, ApiError):
            raise answer  # after the commit: an expired pairing stays closed
        return JSONResponse(answer)

    return api

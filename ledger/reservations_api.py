"""The kiosk's side of reservations (ledger.reservations) on the HTTP contract:

    GET  /v1/kiosks/me/reservations                    the ones waiting for this kiosk
    POST /v1/kiosks/me/reservations/{id}/set-aside     {"locker"}   one is kept aside
    POST /v1/kiosks/me/reservations/{id}/refuse        {"reason"}   none left: hold voided
    POST /v1/kiosks/me/reservations/{id}/claim         {"session"}  the vend's hold

Every POST takes an Idempotency-Key (a repeat gets the first answer), as the money routes do.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Header, Request
from fastapi.responses import JSONResponse
from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy.orm import Session, sessionmaker

from ledger import bodies, book, idempotency, reservations, sessions
from ledger import openapi as openapi_words
from ledger.db import Kiosk
from ledger.errors import IdempotencyKeyRequired
from ledger.limits import Locker, Text

IdemKey = Annotated[str | None, Header(max_length=200)]


class SetAsideRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")
    locker: Locker


class RefuseRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")
    reason: Literal["sold_out", "not_stocked"]


class ClaimRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")
    session: Text = Field(min_length=1, max_length=100)


def router(
    db: sessionmaker[Session],
    clock: Callable[[], datetime],
    current_kiosk: Callable[[Request], Kiosk],
    hold_ttl: timedelta,
) -> APIRouter:
    api = APIRouter(route_class=bodies.CheckedBodyRoute)

    def once(
        request: Request,
        key: str | None,
        kiosk: Kiosk,
        body: BaseModel,
        effect: Callable[[Session], idempotency.Answer],
    ) -> JSONResponse:
        if not key or not key.strip():
            raise IdempotencyKeyRequired()
        req_hash = idempotency.request_hash("POST", request.url.path, body.model_dump(mode="json"))
        outcome = idempotency.run_once(db, kiosk.id, key.strip(), req_hash, effect)
        headers = {idempotency.REPLAYED_HEADER: "true"} if outcome.replayed else None
        return JSONResponse(outcome.payload, status_code=outcome.status, headers=headers)

    @api.get(
        "/v1/kiosks/me/reservations",
        summary="reservations waiting for this kiosk",
        description="Pending or set aside, their holds open. Among them, after a member who "
        "organised a full pool signs in here, the pool's units this kiosk holds, kept for them: "
        "one reservation each, `price` 0 on a hold of 0 coins (the pool paid when it filled), "
        "lasting a kiosk session; collected as any reservation (docs/protocols.md).",
    )
    def waiting(request: Request) -> JSONResponse:
        kiosk = current_kiosk(request)
        with db() as s, s.begin():
            found = reservations.for_kiosk(s, kiosk.id, clock())
        return JSONResponse({"reservations": found})

    @api.post(
        "/v1/kiosks/me/reservations/{reservation_id}/set-aside",
        summary="the kiosk keeps one of the item aside for the member",
    )
    def set_aside(
        reservation_id: str,
        body: SetAsideRequest,
        request: Request,
        idempotency_key: IdemKey = None,
    ) -> JSONResponse:
        kiosk = current_kiosk(request)

        def effect(s: Session) -> idempotency.Answer:
            return 200, reservations.set_aside(s, kiosk.id, reservation_id, body.locker, clock())

        return once(request, idempotency_key, kiosk, body, effect)

    @api.post(
        "/v1/kiosks/me/reservations/{reservation_id}/refuse",
        summary="the kiosk has none left: the reservation fails and its hold is voided",
    )
    def refuse(
        reservation_id: str, body: RefuseRequest, request: Request, idempotency_key: IdemKey = None
    ) -> JSONResponse:
        kiosk = current_kiosk(request)

        def effect(s: Session) -> idempotency.Answer:
            return 200, reservations.refuse(s, kiosk.id, reservation_id, body.reason, clock())

        return once(request, idempotency_key, kiosk, body, effect)

    @api.post(
        "/v1/kiosks/me/reservations/{reservation_id}/claim",
        summary="the member collects: the reservation's hold becomes the vend's",
    )
    def claim(
        reservation_id: str, body: ClaimRequest, request: Request, idempotency_key: IdemKey = None
    ) -> JSONResponse:
        kiosk = current_kiosk(request)

        def effect(s: Session) -> idempotency.Answer:
            now = clock()
            member_id = sessions.live_member(s, body.session, kiosk.id, now)
            hold: book.HoldSnapshot = reservations.claim(
                s, kiosk.id, reservation_id, member_id, now, hold_ttl
            )
            answer: dict[str, Any] = {
                "hold": hold.id,
                "state": hold.state.value,
                "balance": hold.balance,
                "expires_at": hold.expires_at.isoformat(),
            }
            return 200, answer

        return once(request, idempotency_key, kiosk, body, effect)

    return api


_KEYED = {**openapi_words.AUTH, **openapi_words.BODY, **openapi_words.IDEMPOTENT}
# (method, path) -> {status: what it means}, for the served document (ledger.openapi).
ERRORS: dict[tuple[str, str], dict[int, str]] = {
    ("get", "/v1/kiosks/me/reservations"): openapi_words.AUTH,
    ("post", "/v1/kiosks/me/reservations/{reservation_id}/set-aside"): {
        **_KEYED,
        403: "forbidden (another kiosk's reservation)",
        404: "unknown_reservation",
        409: "reservation_not_open (cancelled, failed, expired or collected; with status)"
        " · request_in_progress",
    },
    ("post", "/v1/kiosks/me/reservations/{reservation_id}/refuse"): {
        **_KEYED,
        403: "forbidden (another kiosk's reservation)",
        404: "unknown_reservation",
        409: "reservation_not_open (with status) · request_in_progress",
    },
    ("post", "/v1/kiosks/me/reservations/{reservation_id}/claim"): {
        **_KEYED,
        401: "session_expired · unauthorized",
        403: "forbidden (another kiosk's, or another member's reservation)",
        404: "unknown_reservation",
        409: "reservation_not_open (with status) · request_in_progress",
        410: "hold_expired (the reservation lapsed; its coins were released)",
    },
}

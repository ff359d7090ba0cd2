"""Kiosk events: faults, alarms, self-tests, inventory snapshots, technician and service actions.

Kiosks report them (POST /v1/kiosks/me/events); staff read them (`timebank-ledger events`).
"""

from collections.abc import Callable
from datetime import UTC, datetime
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Header, Request
from fastapi.responses import JSONResponse
from pydantic import AwareDatetime, BaseModel, ConfigDict, Field, field_validator
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from ledger import bodies, idempotency
from ledger.db import EventKind, Kiosk, KioskEvent, utcnow
from ledger.errors import BadRequest
from ledger.limits import finite_json
from ledger.rate_limits import Limits

MAX_EVENTS_PER_CALL = 1000
DEFAULT_LIST_LIMIT = 100


class EventIn(BaseModel):
    """One event as a kiosk reports it; `at` is the kiosk's clock, with its UTC offset."""

    model_config = ConfigDict(extra="forbid")
    kind: EventKind
    at: AwareDatetime
    data: dict[str, Any] = Field(default_factory=dict)

    @field_validator("at")
    @classmethod
    def _has_a_utc_time(cls, at: datetime) -> datetime:
        # Stored in UTC: 0001-01-01T00:00+21:05 has no UTC time and failed the insert (a 500).
        try:
            at.astimezone(UTC)
        except OverflowError:
            raise ValueError("the time is out of range once in UTC") from None
        return at

    @field_validator("data")
    @classmethod
    def _is_storable_json(cls, data: dict[str, Any]) -> dict[str, Any]:
        # NaN and Infinity (json.loads takes them) are not JSON, and PostgreSQL refuses them
        # and NUL in a JSON column: refused here on both databases alike.
        return finite_json(data)


class EventBatch(BaseModel):
    """The body of POST /v1/kiosks/me/events."""

    model_config = ConfigDict(extra="forbid")
    events: list[EventIn] = Field(min_length=1, max_length=MAX_EVENTS_PER_CALL)


def record(s: Session, kiosk_id: str, events: list[EventIn], now: datetime | None = None) -> int:
    """Store a batch of a kiosk's events; all or nothing (one transaction)."""
    received = now or utcnow()
    s.add_all(
        KioskEvent(kiosk_id=kiosk_id, kind=e.kind, at=e.at, received_at=received, data=e.data)
        for e in events
    )
    s.flush()
    return len(events)


def event_json(event: KioskEvent) -> dict[str, Any]:
    return {
        "id": event.id,
        "kiosk": event.kiosk_id,
        "kind": event.kind.value,
        "at": event.at.isoformat(),
        "received_at": event.received_at.isoformat(),
        "data": event.data,
    }


def parse_kind(kind: str) -> EventKind:
    try:
        return EventKind(kind)
    except ValueError:
        known = ", ".join(k.value for k in EventKind)
        raise BadRequest(f"unknown event kind {kind!r}; known kinds: {known}") from None


def list_events(
    s: Session,
    kiosk_id: str | None = None,
    kind: EventKind | None = None,
    limit: int = DEFAULT_LIST_LIMIT,
) -> list[dict[str, Any]]:
    """The newest `limit` events (optionally of one kiosk and/or kind), oldest first."""
    if limit < 1:
        raise BadRequest(f"--limit must be at least 1, got {limit}")
    query = select(KioskEvent).order_by(KioskEvent.id.desc()).limit(limit)
    if kiosk_id is not None:
        query = query.where(KioskEvent.kiosk_id == kiosk_id)
    if kind is not None:
        query = query.where(KioskEvent.kind == kind)
    return [event_json(e) for e in reversed(list(s.scalars(query)))]


def router(
    db: sessionmaker[Session], current_kiosk: Callable[..., Kiosk], limits: Limits
) -> APIRouter:
    """POST /v1/kiosks/me/events; an Idempotency-Key (optional) makes a retried batch count once.
    Each event takes a token of the kiosk's bucket (ledger.rate_limits): a flood gets 429s."""
    api = APIRouter(route_class=bodies.CheckedBodyRoute)

    @api.post("/v1/kiosks/me/events", status_code=202, max_body_size=bodies.EVENTS_BODY_MAX)
    def post_events(
        body: EventBatch,
        kiosk: Annotated[Kiosk, Depends(current_kiosk)],
        request: Request,
        idempotency_key: Annotated[str | None, Header(max_length=200)] = None,
    ) -> JSONResponse:
        limits.take_events(kiosk.id, len(body.events))

        def effect(s: Session) -> idempotency.Answer:
            return 202, {"stored": record(s, kiosk.id, body.events)}

        if idempotency_key:
            req_hash = idempotency.request_hash(
                "POST", request.url.path, body.model_dump(mode="json")
            )
            outcome = idempotency.run_once(db, kiosk.id, idempotency_key, req_hash, effect)
            headers = {idempotency.REPLAYED_HEADER: "true"} if outcome.replayed else None
            return JSONResponse(outcome.payload, status_code=outcome.status, headers=headers)
        with db() as s, s.begin():
            status, payload = effect(s)
        return JSONResponse(payload, status_code=status)

    return api

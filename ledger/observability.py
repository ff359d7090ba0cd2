"""Prometheus metrics (/metrics) and the structured access log: one JSON line per request.

Both name a request by its route template (`/v1/holds/{hold_id}/capture`), never by its raw
path or headers, so member codes, PINs, card secrets, kiosk keys, pairing ids and
Idempotency-Keys never reach a log line or a label.
"""

import json
import logging
import sys
import threading
import time
import traceback
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from prometheus_client import CollectorRegistry, Counter, Histogram, generate_latest
from prometheus_client.core import GaugeMetricFamily, Metric
from prometheus_client.registry import Collector
from sqlalchemy import Engine, func, select
from starlette.requests import Request
from starlette.responses import Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from ledger.db import Hold, HoldState, utcnow
from ledger.idempotency import REPLAYED_HEADER

ACCESS_LOGGER = "ledger.access"
UNMATCHED = "unmatched"  # a path no route knows: its text may be anything, so it is not logged

# (method, route template, status) of a first answer -> the hold outcome it records
HOLD_OUTCOMES = {
    ("POST", "/v1/holds", 201): "placed",
    ("POST", "/v1/holds/{hold_id}/capture", 200): "captured",
    ("POST", "/v1/holds/{hold_id}/void", 200): "voided",
}
HOLD_ROUTES = {route for _, route, _ in HOLD_OUTCOMES}

access_log = logging.getLogger(ACCESS_LOGGER)
log = logging.getLogger(__name__)


_LEDGER_DIR = str(Path(__file__).resolve().parent)


def error_kind(exc: BaseException) -> str:
    """`Type@file:line`: the exception's type and the innermost line of the ledger's own code
    it passed through (a driver's line would lump every query together): one kind of failure."""
    frames = traceback.extract_tb(exc.__traceback__)
    ours = [f for f in frames if f.filename.startswith(_LEDGER_DIR)] or frames
    where = f"@{Path(ours[-1].filename).name}:{ours[-1].lineno}" if ours else ""
    return type(exc).__qualname__ + where


class OpenHolds(Collector):
    """Holds still open (held, not expired), counted in the database at scrape time."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    def collect(self) -> Iterator[Metric]:
        with self.engine.connect().execution_options(ledger_read_only=True) as conn:
            count = conn.scalar(
                select(func.count())
                .select_from(Hold)
                .where(Hold.state == HoldState.HELD, Hold.expires_at > utcnow())
            )
            conn.rollback()
        gauge = GaugeMetricFamily("ledger_open_holds", "Holds placed and not yet settled")
        gauge.add_metric([], float(count or 0))
        yield gauge


class Metrics:
    """The ledger's metrics, in a registry of its own (one per app, so tests can run several)."""

    def __init__(self, engine: Engine) -> None:
        self.registry = CollectorRegistry()
        self.requests = Counter(
            "ledger_http_requests",
            "HTTP requests by route template and status",
            ["method", "route", "status"],
            registry=self.registry,
        )
        self.latency = Histogram(
            "ledger_http_request_duration_seconds",
            "HTTP request duration by route template",
            ["method", "route"],
            registry=self.registry,
        )
        self.holds = Counter(
            "ledger_holds",
            "Hold requests by outcome: placed, captured, voided, or the refusal's error code",
            ["outcome"],
            registry=self.registry,
        )
        self.unexpected = Counter(
            "ledger_unexpected_errors",
            "Unexpected errors by kind (exception type and where it was raised)",
            ["kind"],
            registry=self.registry,
        )
        self.registry.register(OpenHolds(engine))
        self._kinds_logged: set[str] = set()
        self._kinds_lock = threading.Lock()

    def unexpected_error(self, exc: BaseException, what: str = "unexpected error") -> None:
        """Count `exc`; log its traceback only the first time this kind is seen, so one client
        repeating a bad request cannot fill the disk with copies of one traceback."""
        kind = error_kind(exc)
        self.unexpected.labels(kind).inc()
        with self._kinds_lock:
            first = kind not in self._kinds_logged
            self._kinds_logged.add(kind)
        if first:
            log.error(
                "%s %s (logged once per kind; repeats counted in ledger_unexpected_errors)",
                what,
                kind,
                exc_info=exc,
            )

    def observe(self, line: dict[str, Any], seconds: float) -> None:
        method, route, status = line["method"], line["route"], line["status"]
        self.requests.labels(method, route, str(status)).inc()
        self.latency.labels(method, route).observe(seconds)
        if line.get("replayed") or route not in HOLD_ROUTES or method != "POST":
            return
        outcome = HOLD_OUTCOMES.get((method, route, status)) or line.get("error")
        if outcome:
            self.holds.labels(outcome).inc()

    def exposition(self, _request: Request) -> Response:
        return Response(generate_latest(self.registry), media_type="text/plain; version=0.0.4")


class RequestObserver:
    """ASGI middleware: times each request, then logs it and counts it by route template."""

    def __init__(self, app: ASGIApp, metrics: Metrics) -> None:
        self.app = app
        self.metrics = metrics

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        status, replayed, logged = 500, False, False

        def observe() -> None:
            nonlocal logged
            seconds = time.perf_counter() - started
            line = access_line(scope, status, seconds, replayed)
            self.metrics.observe(line, seconds)
            log_access(line)
            logged = True

        answered = False

        async def sending(message: Message) -> None:
            nonlocal status, replayed, answered
            if message["type"] == "http.response.start":
                answered = True
                status = message["status"]
                names = {k.decode().lower() for k, _ in message.get("headers", [])}
                replayed = REPLAYED_HEADER.lower() in names
            elif message["type"] == "http.response.body" and not message.get("more_body"):
                # Before the last byte leaves: a client that has its answer finds it counted.
                observe()
            await send(message)

        try:
            await self.app(scope, receive, sending)
        except Exception as exc:
            # Answered here, not re-raised: Starlette's outermost handler would answer too but
            # then re-raise, and the server would log the whole traceback for every request.
            self.metrics.unexpected_error(exc)
            if not answered:
                scope.setdefault("state", {})["error_code"] = "internal"
                body = json.dumps({"error": "internal", "message": "internal error"}).encode()
                await Response(body, 500, media_type="application/json")(scope, receive, sending)
        finally:
            if not logged:
                observe()


def access_line(scope: Scope, status: int, seconds: float, replayed: bool) -> dict[str, Any]:
    """The access-log record of a request: only the route template and chosen facts."""
    route = scope.get("route")
    state = scope.get("state") or {}
    line: dict[str, Any] = {
        "ts": datetime.now(UTC).isoformat(timespec="milliseconds"),
        "method": scope.get("method", ""),
        "route": getattr(route, "path", None) or UNMATCHED,
        "status": status,
        "duration_ms": round(seconds * 1000, 2),
        "kiosk": state.get("kiosk_id"),
    }
    if state.get("error_code"):
        line["error"] = state["error_code"]
    if replayed:
        line["replayed"] = True
    return line


def log_access(line: dict[str, Any]) -> None:
    """One access-log line (a JSON object), when the access log is on."""
    if access_log.isEnabledFor(logging.INFO):
        access_log.info(json.dumps(line, ensure_ascii=False))


def configure_access_log(stream: Any = None) -> logging.Handler:
    """Send access-log lines, bare JSON, to `stream` (stderr by default)."""
    handler = logging.StreamHandler(stream or sys.stderr)
    handler.setFormatter(logging.Formatter("%(message)s"))
    access_log.addHandler(handler)
    access_log.setLevel(logging.INFO)
    access_log.propagate = False
    return handler


def install(app: Any, engine: Engine) -> Metrics:
    """Add /metrics and the access log to a FastAPI app."""
    metrics = Metrics(engine)
    app.add_middleware(RequestObserver, metrics=metrics)
    app.add_api_route("/metrics", metrics.exposition, methods=["GET"], include_in_schema=False)
    app.state.metrics = metrics
    return metrics

"""The served OpenAPI document, completed with what FastAPI cannot see in the code: the kiosk's
bearer key, the Idempotency-Key header, and each route's error answers and codes.

Schemathesis checks the running ledger against this document (tests/ledger/test_openapi.py),
so a drift between it and the code shows up as a failing test.
"""

from typing import Any

from fastapi import FastAPI
from fastapi.openapi.utils import get_openapi

from ledger import openapi_phone

ERROR_SCHEMA = {
    "type": "object",
    "required": ["error", "message"],
    "properties": {"error": {"type": "string"}, "message": {"type": "string"}},
    "additionalProperties": True,
}

AUTH = {401: "unauthorized: missing, unknown or revoked kiosk key"}
BODY = {422: "bad_request: the body or parameters are malformed (the message names the field)"}
IDEMPOTENT = {
    400: "idempotency_key_required",
    409: "request_in_progress (a twin is still being processed), or the route's own conflict",
    422: "idempotency_mismatch, or bad_request",
}

# (method, path) -> {status: what it means}; every route also answers 503 when the DB is down.
ERRORS: dict[tuple[str, str], dict[int, str]] = {
    ("post", "/v1/sessions"): {
        **AUTH,
        **BODY,
        401: "invalid_code · wrong_pin (with attempts_left) · unauthorized",
        403: "card_revoked · pin_not_set (a card printed in a batch, its PIN not yet set at"
        " the office) · member_deactivated",
        409: "code_used",
        423: "pin_required",
        429: "locked_out (the card, the member's phone codes or the client address; with"
        " retry_after and a Retry-After header)",
    },
    ("delete", "/v1/sessions/{session_id}"): {
        **AUTH,
        403: "forbidden",
        404: "not_found (a malformed session id)",
    },
    ("get", "/v1/catalog"): AUTH,
    ("post", "/v1/holds"): {
        **AUTH,
        **IDEMPOTENT,
        401: "session_expired · unauthorized",
        402: "insufficient_funds",
        403: "forbidden",
        404: "unknown_sku",
        409: "price_changed (with price) · request_in_progress",
    },
    ("post", "/v1/holds/{hold_id}/capture"): {
        **AUTH,
        **IDEMPOTENT,
        403: "forbidden",
        404: "unknown_hold",
        409: "hold_not_open · request_in_progress",
        410: "hold_expired",
    },
    ("post", "/v1/holds/{hold_id}/void"): {
        **AUTH,
        **IDEMPOTENT,
        403: "forbidden",
        404: "unknown_hold",
        409: "hold_not_open · request_in_progress",
        410: "hold_expired",
    },
    ("post", "/v1/holds/{hold_id}/await-count"): {
        **AUTH,
        403: "forbidden",
        404: "unknown_hold",
        409: "hold_not_open",
        410: "hold_expired",
    },
    ("get", "/v1/holds/{hold_id}"): {**AUTH, 403: "forbidden", 404: "unknown_hold"},
    ("post", "/v1/pairings"): AUTH,
    ("get", "/v1/pairings/{pairing_id}"): {
        **AUTH,
        404: "unknown_pairing",
        410: "pairing_expired · pairing_used · pairing_declined",
        429: "slow_down (with interval and a Retry-After header)",
    },
    ("post", "/v1/kiosks/me/events"): {
        **AUTH,
        **BODY,
        409: "request_in_progress (with an Idempotency-Key)",
        429: "rate_limited: too many events from this kiosk (with retry_after and Retry-After)",
    },
    ("get", "/v1/health"): {},
}

TOO_LARGE = "too_large: the body is over this route's size limit (ledger.bodies)"
UNAVAILABLE = "unavailable: the database is down"

MONEY_ROUTES = {
    ("post", "/v1/holds"),
    ("post", "/v1/holds/{hold_id}/capture"),
    ("post", "/v1/holds/{hold_id}/void"),
}

KEYED_ROUTES: set[tuple[str, str]] = set()  # not money, yet a repeat must count once

IDEMPOTENCY_HEADER = {
    "name": "Idempotency-Key",
    "in": "header",
    "schema": {"type": "string", "minLength": 1, "maxLength": 200},
    "description": "Made once per item by the kiosk and reused by every retry.",
}


def _error_response(meaning: str) -> dict[str, Any]:
    return {
        "description": meaning,
        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}},
    }


def contract_document(app: FastAPI) -> dict[str, Any]:
    """FastAPI's document for `app`, completed with the contract (built once, then cached)."""
    if app.openapi_schema:
        return app.openapi_schema
    doc = get_openapi(title=app.title, version=app.version, routes=app.routes)
    components = doc.setdefault("components", {})
    components.setdefault("schemas", {})["Error"] = ERROR_SCHEMA
    components["securitySchemes"] = {
        "kioskKey": {"type": "http", "scheme": "bearer", "description": "the kiosk's API key"},
        "phoneDevice": openapi_phone.DEVICE_SCHEME,
    }
    for path, operations in doc.get("paths", {}).items():
        for method, op in operations.items():
            if path.startswith("/m/"):
                openapi_phone.complete(method, path, op)
                continue
            errors = ERRORS.get((method, path))
            if errors is None:
                continue
            if path != "/v1/health":
                op["security"] = [{"kioskKey": []}]
            params = [p for p in op.get("parameters", []) if p["name"] != "idempotency-key"]
            if (method, path) in MONEY_ROUTES or (method, path) in KEYED_ROUTES:
                params.append({**IDEMPOTENCY_HEADER, "required": True})
            elif path == "/v1/kiosks/me/events":
                params.append({**IDEMPOTENCY_HEADER, "required": False})
            op["parameters"] = params
            responses = op.setdefault("responses", {})
            responses.pop("422", None)  # FastAPI's HTTPValidationError: ours is an Error
            limits = {413: TOO_LARGE} if method == "post" else {}
            for status, meaning in {**errors, **limits, 503: UNAVAILABLE}.items():
                responses[str(status)] = _error_response(meaning)
    app.openapi_schema = doc
    return doc


def install(app: FastAPI) -> None:
    from ledger import lots_api, reservations_api  # late: they build on this module's words

    for module in (reservations_api, lots_api):
        ERRORS.update(module.ERRORS)
        KEYED_ROUTES.update(k for k in module.ERRORS if k[0] == "post")
    app.openapi = lambda: contract_document(app)  # type: ignore[method-assign]
